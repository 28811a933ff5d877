// The all-region roll-up: one pass over the roster accumulates every organization into each
// region that contains it (its own region and every ancestor: village, township, county,
// city, province), so that any region's KPIs, series and its children's KPIs are lookups.
// Computed once per RollupInput (a store version) and calendar day for the counters, and once
// per instant for the figures that depend on the clock (overdue, out of contact, online);
// every region's snapshot at that instant shares them. Pure.
import {
  DEVELOPMENT_STAGES,
  MEETING_KINDS,
  OPEN_DEVELOPMENT_STAGES,
  OPEN_TRANSFER_STAGES,
  STRUCTURE_BANDS,
  STRUCTURE_DIMENSIONS,
  type DevelopmentStage,
  type Kpi,
  type TransferStage,
} from '../contract/index.ts';
import { isCompliantBranch, ratio } from './kpi.ts';
import type { FloatingRecord, OnlineRecord, RollupInput, RollupOptions, StoredTickerItem, TransferCase } from './model.ts';
import { addDays, lastDays, type ZonedClock } from './period.ts';
import { groupOf, RecordGroup } from './records.ts';
import { rosterRegions, RosterRegions } from './roster-regions.ts';
import { D_EXAMS, D_HOUR0, D_LEARNERS, D_MINUTES, D_PASSED, D_STUDIES, DAILY_DAYS, DEVELOPMENT_RANK, M_ATTENDEES, M_DUES_FEN } from './schema.ts';
import { M_DUES_PAID, M_EXPECTED, M_KIND0, M_LEARNERS, M_MEETINGS, M_POINTS, type OrgTable } from './schema.ts';

export { DAILY_DAYS, RecordGroup, RosterRegions, rosterRegions };

const OPEN_TRANSFER: ReadonlySet<TransferStage> = new Set(OPEN_TRANSFER_STAGES);
const OPEN_DEVELOPMENT: ReadonlySet<DevelopmentStage> = new Set(OPEN_DEVELOPMENT_STAGES);
/** 党员结构 bands in one flat order: dimension by dimension (STRUCTURE_BANDS) */
export const BANDS = STRUCTURE_DIMENSIONS.flatMap((d) => STRUCTURE_BANDS[d].map((b) => [d, b] as const));

const DAY_MS = 86_400_000;
const KINDS = MEETING_KINDS.length;

// Counter fields per region (one row of NF numbers per region in one Float64Array).
export const C_ORGS = 0;
export const C_MEMBERS = 1;
export const C_BRANCHES = 2;
export const C_COMPLIANT = 3;
export const C_LEARNERS_TODAY = 4;
export const C_MINUTES_TODAY = 5;
export const C_EXAMS_TODAY = 6;
export const C_PASSED_TODAY = 7;
export const C_LEARNERS_MONTH = 8;
export const C_MEETINGS_MONTH = 9;
export const C_ATTENDEES_MONTH = 10;
export const C_EXPECTED_MONTH = 11;
export const C_POINTS_MONTH = 12;
export const C_DUES_PAID_MONTH = 13;
export const C_DUES_FEN_MONTH = 14;
/** organizations that report structure, and their members */
export const C_STRUCT_ORGS = 15;
export const C_STRUCT_MEMBERS = 16;
export const C_BAND0 = 17; // members in BANDS[k] at C_BAND0 + k
export const C_KIND0 = C_BAND0 + BANDS.length;
export const C_HOUR_TODAY0 = C_KIND0 + KINDS;
// development cases (from records, at the day's counters): open, overdue probation, entries this
// year, and cases by latest stage (full and dropped: only those closed this year)
export const C_DEV_OPEN = C_HOUR_TODAY0 + 24;
export const C_PROBATION_OVERDUE = C_DEV_OPEN + 1;
export const C_NEW_PROBATIONARY_YEAR = C_DEV_OPEN + 2;
export const C_NEW_FULL_YEAR = C_DEV_OPEN + 3;
export const C_DEV_STAGE0 = C_DEV_OPEN + 4;
export const NC = C_DEV_STAGE0 + DEVELOPMENT_STAGES.length;

// Clock-dependent fields per region (NE numbers per region).
export const E_OPEN = 0;
export const E_COMPLETED_TODAY = 1;
export const E_OVERDUE = 2;
export const E_FLOATING = 3;
export const E_OUT_OF_CONTACT = 4;
export const E_ONLINE = 5;
export const NE = 6;

/** The counter roll-up of every region for one calendar day (a store version's counters). */
export interface Counters {
  today: string;
  days: string[];
  /** NC fields per region row: today's and this month's figures */
  acc: Float64Array;
  /** study events per hour of yesterday: 24 per region row */
  hourlyYesterday: Float64Array;
  /** distinct learners per day of `days`, one value per region row (null: today, in acc) */
  daily: (Float64Array | null)[];
  /** organizations with points this month (≠ 0), best first (points desc, id asc) */
  leaders: { i: number; points: number }[];
}

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

const EMPTY: OrgTable = new Map();

/**
 * Per-region sums of a past day's rows (distinct learners, study events per hour), kept while
 * the day's table is the same object with the same row count and the same totals of learners
 * and study events. Exact because counters only ever grow (a row is never lowered or removed,
 * in either engine; a swept day is a whole table gone) and every study event adds 1 to both
 * D_STUDIES and its hour (slots.ts): equal totals mean equal rows.
 */
interface DayRollup {
  rr: RosterRegions;
  size: number;
  learners: number;
  studies: number;
  daily?: Float64Array;
  hourly?: Float64Array;
}
const dayRollups = new WeakMap<OrgTable, DayRollup>();

function dayRollupOf(t: OrgTable, rr: RosterRegions): DayRollup {
  let learners = 0;
  let studies = 0;
  for (const row of t.values()) {
    learners += row[D_LEARNERS] ?? 0;
    studies += row[D_STUDIES] ?? 0;
  }
  const hit = dayRollups.get(t);
  if (hit && hit.rr === rr && hit.size === t.size && hit.learners === learners && hit.studies === studies) return hit;
  const fresh: DayRollup = { rr, size: t.size, learners, studies };
  dayRollups.set(t, fresh);
  return fresh;
}

/** Distinct learners of one day per region row (whole numbers: any order gives the same sums). */
function dailyOf(t: OrgTable, rr: RosterRegions): Float64Array {
  const dr = dayRollupOf(t, rr);
  if (dr.daily) return dr.daily;
  const out = new Float64Array(rr.codes.length);
  const { anc, ancStart } = rr;
  for (const [id, row] of t) {
    const learners = row[D_LEARNERS] ?? 0;
    if (learners === 0) continue;
    const i = rr.index.get(id);
    if (i === undefined) continue;
    for (let k = ancStart[i]!, end = ancStart[i + 1]!; k < end; k++) out[anc[k]!]! += learners;
  }
  return (dr.daily = out);
}

/** Study events per hour of one day, 24 per region row. */
function hourlyOf(t: OrgTable, rr: RosterRegions): Float64Array {
  const dr = dayRollupOf(t, rr);
  if (dr.hourly) return dr.hourly;
  const out = new Float64Array(rr.codes.length * 24);
  const { anc, ancStart } = rr;
  for (const [id, row] of t) {
    const i = rr.index.get(id);
    if (i === undefined) continue;
    for (let k = ancStart[i]!, end = ancStart[i + 1]!; k < end; k++) {
      const b = anc[k]! * 24;
      for (let h = 0; h < 24; h++) out[b + h]! += row[D_HOUR0 + h] ?? 0;
    }
  }
  return (dr.hourly = out);
}

const NO_HOURS = new Float64Array(0);

function countersOf(input: RollupInput, rr: RosterRegions, today: string, month: string, quarter: string): Counters {
  const R = rr.codes.length;
  const acc = new Float64Array(R * NC);
  const dayT = input.days.get(today) ?? EMPTY;
  const yT = input.days.get(addDays(today, -1));
  const monT = input.months.get(month) ?? EMPTY;
  const qT = input.quarters.get(quarter) ?? EMPTY;
  const { anc, ancStart, orgs } = rr;
  const leaders: Counters['leaders'] = [];
  // Today and this month change with every version. Whole-number fields go to the
  // organization's own region and are then added up the tree (exact in any order); minutes are
  // floats, so they are summed into every enclosing region in roster order, as a
  // region-by-region sum would.
  for (let i = 0; i < orgs.length; i++) {
    const org = orgs[i]!;
    const id = org.id;
    const d = dayT.get(id);
    const m = monT.get(id);
    const a1 = ancStart[i + 1]!;
    const b = anc[a1 - 1]! * NC;
    acc[b + C_ORGS]! += 1;
    acc[b + C_MEMBERS]! += org.members;
    if (org.kind === 'branch') {
      acc[b + C_BRANCHES]! += 1;
      if (isCompliantBranch(m, qT.get(id))) acc[b + C_COMPLIANT]! += 1;
    }
    const st = org.structure as Record<string, Record<string, number> | undefined> | undefined;
    if (st) {
      acc[b + C_STRUCT_ORGS]! += 1;
      acc[b + C_STRUCT_MEMBERS]! += org.members;
      for (let k = 0; k < BANDS.length; k++) acc[b + C_BAND0 + k]! += st[BANDS[k]![0]]?.[BANDS[k]![1]] ?? 0;
    }
    if (d) {
      acc[b + C_LEARNERS_TODAY]! += d[D_LEARNERS] ?? 0;
      acc[b + C_EXAMS_TODAY]! += d[D_EXAMS] ?? 0;
      acc[b + C_PASSED_TODAY]! += d[D_PASSED] ?? 0;
      for (let h = 0; h < 24; h++) acc[b + C_HOUR_TODAY0 + h]! += d[D_HOUR0 + h] ?? 0;
      const minutes = d[D_MINUTES] ?? 0;
      for (let k = ancStart[i]!; k < a1; k++) acc[anc[k]! * NC + C_MINUTES_TODAY]! += minutes;
    }
    if (m) {
      const points = m[M_POINTS] ?? 0;
      acc[b + C_LEARNERS_MONTH]! += m[M_LEARNERS] ?? 0;
      acc[b + C_MEETINGS_MONTH]! += m[M_MEETINGS] ?? 0;
      acc[b + C_ATTENDEES_MONTH]! += m[M_ATTENDEES] ?? 0;
      acc[b + C_EXPECTED_MONTH]! += m[M_EXPECTED] ?? 0;
      acc[b + C_POINTS_MONTH]! += points;
      acc[b + C_DUES_PAID_MONTH]! += m[M_DUES_PAID] ?? 0;
      acc[b + C_DUES_FEN_MONTH]! += m[M_DUES_FEN] ?? 0;
      for (let j = 0; j < KINDS; j++) acc[b + C_KIND0 + j]! += m[M_KIND0 + j] ?? 0;
      if (points !== 0) leaders.push({ i, points });
    }
  }
  developmentInto(acc, input, rr, today);
  const { parent, bottomUp } = rr;
  for (const r of bottomUp) {
    const p = parent[r]!;
    if (p < 0) continue;
    const from = r * NC;
    const to = p * NC;
    for (let f = 0; f < NC; f++) if (f !== C_MINUTES_TODAY) acc[to + f]! += acc[from + f]!;
  }
  // past days rarely change (late events): per-day sums, kept while the day's rows are unchanged
  const days = lastDays(today, DAILY_DAYS);
  const daily = days.map((day) => {
    if (day === today) return null;
    const t = input.days.get(day);
    return t ? dailyOf(t, rr) : new Float64Array(R);
  });
  const hourlyYesterday = yT ? hourlyOf(yT, rr) : NO_HOURS;
  const ids = orgs.map((o) => o.id);
  leaders.sort((a, b) => b.points - a.points || (ids[a.i]! < ids[b.i]! ? -1 : 1));
  return { today, days, acc, hourlyYesterday, daily, leaders };
}

/** Development cases at their organization's own region: open, overdue probation (probationary
 * since more than 12 months before today), entries this year, cases by latest stage. */
function developmentInto(acc: Float64Array, input: RollupInput, rr: RosterRegions, today: string): void {
  const year = today.slice(0, 4);
  const overdueBefore = `${Number(year) - 1}${today.slice(4)}`;
  const own = (org: string): number => {
    const i = rr.index.get(org);
    return i === undefined ? -1 : rr.anc[rr.ancStart[i + 1]! - 1]! * NC;
  };
  for (const c of input.development) {
    const b = own(c.org);
    if (b < 0) continue;
    if (OPEN_DEVELOPMENT.has(c.stage)) {
      acc[b + C_DEV_OPEN]! += 1;
      acc[b + C_DEV_STAGE0 + DEVELOPMENT_RANK[c.stage]]! += 1;
      if (c.stage === 'probationary' && c.since < overdueBefore) acc[b + C_PROBATION_OVERDUE]! += 1;
    } else if (c.since.startsWith(year)) acc[b + C_DEV_STAGE0 + DEVELOPMENT_RANK[c.stage]]! += 1;
  }
  for (const e of input.developmentEntries) {
    const b = own(e.org);
    if (b < 0 || !e.since.startsWith(year)) continue;
    acc[b + (e.stage === 'probationary' ? C_NEW_PROBATIONARY_YEAR : C_NEW_FULL_YEAR)]! += 1;
  }
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

function extrasOf(cache: InputCache, input: RollupInput, clock: ZonedClock, nowMs: number, opts: RollupOptions): ExtraCounters {
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
  const members = a[C_MEMBERS]!;
  return {
    orgs: a[C_ORGS]!,
    members,
    learnersToday: a[C_LEARNERS_TODAY]!,
    studyRateToday: ratio(a[C_LEARNERS_TODAY]!, members),
    learnersMonth: a[C_LEARNERS_MONTH]!,
    studyRateMonth: ratio(a[C_LEARNERS_MONTH]!, members),
    // minutes are summed floats: round away binary noise so equal inputs give equal JSON
    studyMinutesToday: Math.round(a[C_MINUTES_TODAY]! * 1000) / 1000,
    examsToday: a[C_EXAMS_TODAY]!,
    examPassRateToday: ratio(a[C_PASSED_TODAY]!, a[C_EXAMS_TODAY]!),
    meetingsMonth: a[C_MEETINGS_MONTH]!,
    meetingComplianceMonth: ratio(a[C_COMPLIANT]!, a[C_BRANCHES]!),
    attendanceRateMonth: ratio(a[C_ATTENDEES_MONTH]!, a[C_EXPECTED_MONTH]!),
    transfersOpen: e[E_OPEN]!,
    transfersCompletedToday: e[E_COMPLETED_TODAY]!,
    transfersOverdue: e[E_OVERDUE]!,
    floatingMembers: e[E_FLOATING]!,
    floatingOutOfContact: e[E_OUT_OF_CONTACT]!,
    pointsMonth: a[C_POINTS_MONTH]!,
    onlineNow: e[E_ONLINE]!,
    duesPaidMonth: a[C_DUES_PAID_MONTH]!,
    duesRateMonth: ratio(a[C_DUES_PAID_MONTH]!, members),
    duesAmountMonth: a[C_DUES_FEN_MONTH]! / 100,
    developmentOpen: a[C_DEV_OPEN]!,
    probationOverdue: a[C_PROBATION_OVERDUE]!,
    newProbationaryYear: a[C_NEW_PROBATIONARY_YEAR]!,
    newFullYear: a[C_NEW_FULL_YEAR]!,
  };
}

/** Yesterday's study events per hour of the region at `row`. */
export function hourlyYesterdayAt(ru: RegionRollup, row: number | undefined): number[] {
  const h = ru.counters.hourlyYesterday;
  return row === undefined || h.length === 0 ? new Array<number>(24).fill(0) : Array.from(h.subarray(row * 24, row * 24 + 24));
}

/** Distinct learners per day (`ru.counters.days`) of the region at `row`. */
export function dailyAt(ru: RegionRollup, row: number | undefined): number[] {
  const { daily, acc } = ru.counters;
  if (row === undefined) return daily.map(() => 0);
  return daily.map((d) => (d ? d[row]! : acc[row * NC + C_LEARNERS_TODAY]!));
}

/** The counter row of the region at `row` (zeros for a region with no organizations). */
export function countersAt(ru: RegionRollup, row: number | undefined): Float64Array {
  return row === undefined ? ZERO_C : ru.counters.acc.subarray(row * NC, row * NC + NC);
}
