// The all-region roll-up, cached: the counters (counters.ts) once per RollupInput (a store
// version) and calendar day, and once per instant the figures that depend on the clock (open
// and overdue transfers, floating members out of contact, online now); every region's snapshot
// at that instant shares them, and any region's KPIs are lookups by its row. Pure.
import { OPEN_TRANSFER_STAGES, type Kpi, type TransferStage } from '../contract/index.ts';
import * as C from './counters.ts';
import { countersOf, NC, type Counters } from './counters.ts';
import { ratio } from './kpi.ts';
import type {
  FloatingRecord,
  OnlineRecord,
  RollupInput,
  RollupOptions,
  StoredTickerItem,
  TransferCase,
} from './model.ts';
import type { ZonedClock } from './period.ts';
import { groupOf, RecordGroup } from './records.ts';
import { rosterRegions, RosterRegions } from './roster-regions.ts';
import { DAILY_DAYS } from './schema.ts';

export { DAILY_DAYS, RecordGroup, RosterRegions, rosterRegions };

const OPEN_TRANSFER: ReadonlySet<TransferStage> = new Set(OPEN_TRANSFER_STAGES);
const DAY_MS = 86_400_000;

// Clock-dependent fields per region (NE numbers per region).
export const E_OPEN = 0;
export const E_COMPLETED_TODAY = 1;
export const E_OVERDUE = 2;
export const E_FLOATING = 3;
export const E_OUT_OF_CONTACT = 4;
export const E_ONLINE = 5;
export const NE = 6;

/** The clock-dependent roll-up of every region at one instant. */
export interface ExtraCounters {
  nowMs: number;
  ext: Float64Array;
}

/** What the snapshot of any region reads, at one instant, from one input. */
export interface RegionRollup {
  rr: RosterRegions;
  counters: Counters;
  extras: ExtraCounters;
  transfers: RecordGroup<TransferCase>;
  floating: RecordGroup<FloatingRecord>;
  /** ticker items of roster organizations, newest first (ts desc, id desc) */
  ticker: StoredTickerItem[];
}

interface InputCache {
  rr: RosterRegions;
  counters?: Counters;
  extras?: ExtraCounters;
  transfers?: RecordGroup<TransferCase>;
  floating?: RecordGroup<FloatingRecord>;
  ticker?: StoredTickerItem[];
  /** online records newer than `onlineFrom` (the first instant's window start) */
  online?: { from: number; records: OnlineRecord[] };
}

const inputs = new WeakMap<RollupInput, InputCache>();

function cacheOf(input: RollupInput): InputCache {
  let c = inputs.get(input);
  if (!c || c.rr.orgs !== input.roster) inputs.set(input, (c = { rr: rosterRegions(input.roster) }));
  return c;
}

function onlineOf(cache: InputCache, input: RollupInput, onlineAfter: number): OnlineRecord[] | Iterable<OnlineRecord> {
  const hit = cache.online;
  if (hit && onlineAfter >= hit.from) return hit.records;
  // keep the records inside this window: later instants of the same input only need fewer
  const records: OnlineRecord[] = [];
  for (const o of input.online) if (o.ts > onlineAfter) records.push(o);
  if (!hit || onlineAfter < hit.from) cache.online = { from: onlineAfter, records };
  return records;
}

function extrasOf(
  cache: InputCache,
  input: RollupInput,
  clock: ZonedClock,
  nowMs: number,
  opts: RollupOptions,
): ExtraCounters {
  const { rr } = cache;
  const { anc, ancStart } = rr;
  const ext = new Float64Array(rr.codes.length * NE);
  const add = (i: number, field: number): void => {
    for (let k = ancStart[i]!, end = ancStart[i + 1]!; k < end; k++) ext[anc[k]! * NE + field]! += 1;
  };
  const today = clock.day(nowMs);
  const overdueBefore = nowMs - opts.overdueDays * DAY_MS;
  const contactBefore = nowMs - opts.outOfContactDays * DAY_MS;
  for (const t of transfersOf(cache, input).records) {
    const i = rr.index.get(t.org);
    if (i === undefined) continue;
    if (OPEN_TRANSFER.has(t.stage)) {
      add(i, E_OPEN);
      if (t.openedTs < overdueBefore) add(i, E_OVERDUE);
    } else if (t.stage === 'completed' && clock.day(t.ts) === today) add(i, E_COMPLETED_TODAY);
  }
  for (const f of floatingOf(cache, input).records) {
    const i = rr.index.get(f.org);
    if (i === undefined) continue;
    add(i, E_FLOATING);
    if (f.ts < contactBefore) add(i, E_OUT_OF_CONTACT);
  }
  const onlineAfter = nowMs - opts.onlineWindowMs;
  for (const o of onlineOf(cache, input, onlineAfter)) {
    if (!(o.ts > onlineAfter)) continue;
    const i = rr.index.get(o.org);
    if (i !== undefined) add(i, E_ONLINE);
  }
  return { nowMs, ext };
}

function transfersOf(cache: InputCache, input: RollupInput): RecordGroup<TransferCase> {
  return (cache.transfers ??= groupOf(cache.rr, 'transfers', input.transfers));
}

function floatingOf(cache: InputCache, input: RollupInput): RecordGroup<FloatingRecord> {
  return (cache.floating ??= groupOf(cache.rr, 'floating', input.floating));
}

function tickerOf(cache: InputCache, input: RollupInput): StoredTickerItem[] {
  if (cache.ticker) return cache.ticker;
  const items: StoredTickerItem[] = [];
  for (const t of input.ticker) if (cache.rr.index.has(t.org)) items.push(t);
  items.sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1));
  return (cache.ticker = items);
}

/** The shared roll-up of `input` at `nowMs` (cached per input: counters per day, the rest per
 * instant). */
export function regionRollup(input: RollupInput, nowMs: number, opts: RollupOptions, clock: ZonedClock): RegionRollup {
  const cache = cacheOf(input);
  const { day: today, month, quarter } = clock.period(nowMs);
  if (cache.counters?.today !== today) cache.counters = countersOf(input, cache.rr, today, month, quarter);
  if (cache.extras?.nowMs !== nowMs) cache.extras = extrasOf(cache, input, clock, nowMs, opts);
  return {
    rr: cache.rr,
    counters: cache.counters,
    extras: cache.extras,
    transfers: transfersOf(cache, input),
    floating: floatingOf(cache, input),
    ticker: tickerOf(cache, input),
  };
}

const ZERO_C = new Float64Array(NC);
const ZERO_E = new Float64Array(NE);

/** The SPEC 5 KPIs of the region at `row` (undefined: a region with no organizations). */
export function kpiAt(ru: RegionRollup, row: number | undefined): Kpi {
  const a = row === undefined ? ZERO_C : ru.counters.acc.subarray(row * NC, row * NC + NC);
  const e = row === undefined ? ZERO_E : ru.extras.ext.subarray(row * NE, row * NE + NE);
  const members = a[C.C_MEMBERS]!;
  return {
    orgs: a[C.C_ORGS]!,
    members,
    learnersToday: a[C.C_LEARNERS_TODAY]!,
    studyRateToday: ratio(a[C.C_LEARNERS_TODAY]!, members),
    learnersMonth: a[C.C_LEARNERS_MONTH]!,
    studyRateMonth: ratio(a[C.C_LEARNERS_MONTH]!, members),
    // minutes are summed floats: round away binary noise so equal inputs give equal JSON
    studyMinutesToday: Math.round(a[C.C_MINUTES_TODAY]! * 1000) / 1000,
    examsToday: a[C.C_EXAMS_TODAY]!,
    examPassRateToday: ratio(a[C.C_PASSED_TODAY]!, a[C.C_EXAMS_TODAY]!),
    meetingsMonth: a[C.C_MEETINGS_MONTH]!,
    meetingComplianceMonth: ratio(a[C.C_COMPLIANT]!, a[C.C_BRANCHES]!),
    attendanceRateMonth: ratio(a[C.C_ATTENDEES_MONTH]!, a[C.C_EXPECTED_MONTH]!),
    transfersOpen: e[E_OPEN]!,
    transfersCompletedToday: e[E_COMPLETED_TODAY]!,
    transfersOverdue: e[E_OVERDUE]!,
    floatingMembers: e[E_FLOATING]!,
    floatingOutOfContact: e[E_OUT_OF_CONTACT]!,
    pointsMonth: a[C.C_POINTS_MONTH]!,
    onlineNow: e[E_ONLINE]!,
    duesPaidMonth: a[C.C_DUES_PAID_MONTH]!,
    duesRateMonth: ratio(a[C.C_DUES_PAID_MONTH]!, members),
    duesAmountMonth: a[C.C_DUES_FEN_MONTH]! / 100,
    developmentOpen: a[C.C_DEV_OPEN]!,
    probationOverdue: a[C.C_PROBATION_OVERDUE]!,
    newProbationaryYear: a[C.C_NEW_PROBATIONARY_YEAR]!,
    newFullYear: a[C.C_NEW_FULL_YEAR]!,
  };
}

/** Yesterday's study events per hour of the region at `row`. */
export function hourlyYesterdayAt(ru: RegionRollup, row: number | undefined): number[] {
  const h = ru.counters.hourlyYesterday;
  return row === undefined || h.length === 0
    ? new Array<number>(24).fill(0)
    : Array.from(h.subarray(row * 24, row * 24 + 24));
}

/** Distinct learners per day (`ru.counters.days`) of the region at `row`. */
export function dailyAt(ru: RegionRollup, row: number | undefined): number[] {
  const { daily, acc } = ru.counters;
  if (row === undefined) return daily.map(() => 0);
  return daily.map((d) => (d ? d[row]! : acc[row * NC + C.C_LEARNERS_TODAY]!));
}

/** The counter row of the region at `row` (zeros for a region with no organizations). */
export function countersAt(ru: RegionRollup, row: number | undefined): Float64Array {
  return row === undefined ? ZERO_C : ru.counters.acc.subarray(row * NC, row * NC + NC);
}
