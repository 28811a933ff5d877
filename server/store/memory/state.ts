// MemoryStore's in-process state and its hot path. Each accepted event's effects
// (aggregate/effects.ts) are applied here: a few Map lookups and counter increments on
// Float64Array rows, no allocation per event beyond the (rare) new row or record.
import type { NormalizedEvent, Org } from '../../contract/index.ts';
import { effectsOf, type EffectSink } from '../../aggregate/effects.ts';
import type { OnlineRecord, RollupInput, StoredTickerItem } from '../../aggregate/model.ts';
import { TICKER_KEEP, TICKER_TYPES } from '../../aggregate/model.ts';
import { type ZonedClock } from '../../aggregate/period.ts';
import {
  FAMILY_NAMES,
  mergeRecord,
  SET_NAMES,
  SET_PERIODS,
  SLOTS_OF,
  TABLE_NAMES,
  type FamilyName,
  type RecordTypes,
  type SetName,
  type TableName,
} from '../../aggregate/schema.ts';

const DAY_MS = 86_400_000;
export type Rows = Map<string, Float64Array>;
type Records = { [F in FamilyName]: Map<string, RecordTypes[F]> };

function rowOf(tables: Map<string, Rows>, period: string, org: string, slots: number): Float64Array {
  let t = tables.get(period);
  if (!t) tables.set(period, (t = new Map()));
  let r = t.get(org);
  if (!r) t.set(org, (r = new Float64Array(slots)));
  return r;
}

function addDistinct(sets: Map<string, Set<string>>, period: string, member: string): boolean {
  let s = sets.get(period);
  if (!s) sets.set(period, (s = new Set()));
  const before = s.size;
  s.add(member);
  return s.size !== before;
}

const values = <T>(m: Map<string, T>): Iterable<T> => ({ [Symbol.iterator]: () => m.values() });

export class MemState implements EffectSink {
  roster: Org[] = [];
  rosterIds = new Set<string>();
  /** period kind → period key → per-org rows */
  readonly tables = Object.fromEntries(TABLE_NAMES.map((t) => [t, new Map<string, Rows>()])) as Record<
    TableName,
    Map<string, Rows>
  >;
  readonly days = this.tables.day;
  readonly months = this.tables.month;
  readonly quarters = this.tables.quarter;
  /** distinct-member sets: set name → period key → members */
  readonly sets = Object.fromEntries(SET_NAMES.map((n) => [n, new Map<string, Set<string>>()])) as Record<
    SetName,
    Map<string, Set<string>>
  >;
  /** entity records per family; a record is replaced on change, never modified in place */
  readonly records = Object.fromEntries(FAMILY_NAMES.map((f) => [f, new Map()])) as Records;
  readonly online = new Map<string, OnlineRecord>();
  /** recent notable events (masked), a ring; ticker items are built only when read */
  readonly recent: NormalizedEvent[] = [];
  private recentHead = 0;
  accepted = 0;
  private sweptDay = '';
  // the row the last count went to (rows are never replaced, only swept with their period)
  private lastTable: TableName | '' = '';
  private lastPeriod = '';
  private lastOrg = '';
  private lastRow: Float64Array = new Float64Array(0);

  constructor(
    private readonly clock: ZonedClock,
    private readonly retentionDays: number,
    private readonly onlineWindowMs: number,
  ) {}

  /** The read-side view of this state that the snapshot builder takes; live iterators, so
   * one view serves every version. `ticker` yields the items of the recent events. */
  rollupInput(ticker: () => Iterator<StoredTickerItem>): RollupInput {
    return {
      roster: this.roster,
      days: this.days,
      months: this.months,
      quarters: this.quarters,
      transfers: values(this.records.transfer),
      floating: values(this.records.floating),
      development: values(this.records.development),
      developmentEntries: values(this.records.developmentEntry),
      online: values(this.online),
      ticker: { [Symbol.iterator]: ticker },
    };
  }

  setRoster(orgs: Org[]): void {
    this.roster = orgs;
    this.rosterIds = new Set(orgs.map((o) => o.id));
  }

  /** Applies one accepted (deduplicated, name-masked) event. */
  apply(ev: NormalizedEvent): void {
    effectsOf(ev, this.clock.period(ev.ts), this);
    if (TICKER_TYPES.has(ev.type)) this.remember(ev);
    this.accepted += 1;
  }

  count(table: TableName, period: string, org: string, slot: number, by: number): void {
    // an event's counts mostly hit one row in a row (a study: events, minutes, hour)
    if (table !== this.lastTable || period !== this.lastPeriod || org !== this.lastOrg) {
      this.lastRow = rowOf(this.tables[table], period, org, SLOTS_OF[table]);
      this.lastTable = table;
      this.lastPeriod = period;
      this.lastOrg = org;
    }
    this.lastRow[slot]! += by;
  }

  distinct(
    set: SetName,
    setPeriod: string,
    member: string,
    table: TableName,
    period: string,
    org: string,
    slot: number,
  ): void {
    if (addDistinct(this.sets[set], setPeriod, member)) this.count(table, period, org, slot, 1);
  }

  record<F extends FamilyName>(family: F, key: string, value: RecordTypes[F]): void {
    const m = this.records[family] as Map<string, RecordTypes[F]>;
    const prev = m.get(key);
    const next = mergeRecord(family, prev, value);
    if (next !== prev) m.set(key, next);
  }

  seen(member: string, org: string, ts: number): void {
    const prev = this.online.get(member);
    if (!prev) this.online.set(member, { org, ts });
    else if (ts > prev.ts) {
      prev.org = org;
      prev.ts = ts;
    }
  }

  remember(ev: NormalizedEvent): void {
    if (this.recent.length < TICKER_KEEP) this.recent.push(ev);
    else {
      this.recent[this.recentHead] = ev;
      this.recentHead = (this.recentHead + 1) % TICKER_KEEP;
    }
  }

  /**
   * A copy sharing nothing mutable, for a compaction cut: rows and sets are copied (native
   * copies), records are replaced on change so they are shared.
   */
  clone(): MemState {
    const c = new MemState(this.clock, this.retentionDays, this.onlineWindowMs);
    c.setRoster(this.roster);
    for (const t of TABLE_NAMES) {
      for (const [p, rows] of this.tables[t])
        c.tables[t].set(p, new Map([...rows].map(([org, r]) => [org, r.slice()])));
    }
    for (const n of SET_NAMES) for (const [p, s] of this.sets[n]) c.sets[n].set(p, new Set(s));
    for (const f of FAMILY_NAMES)
      for (const [k, v] of this.records[f]) (c.records[f] as Map<string, unknown>).set(k, v);
    for (const [k, v] of this.online) c.online.set(k, { org: v.org, ts: v.ts });
    for (const ev of this.recentInOrder()) c.remember(ev);
    c.accepted = this.accepted;
    return c;
  }

  /** Recent notable events, oldest first. */
  recentInOrder(): NormalizedEvent[] {
    return [...this.recent.slice(this.recentHead), ...this.recent.slice(0, this.recentHead)];
  }

  /** Drops periods past the retention and stale online records; cheap unless the day changed. */
  sweep(nowMs: number): void {
    const today = this.clock.day(nowMs);
    if (today === this.sweptDay) return;
    this.sweptDay = today;
    const cut = this.clock.period(nowMs - (this.retentionDays + 1) * DAY_MS);
    const before: Record<TableName, string> = { day: cut.day, month: cut.month, quarter: cut.quarter };
    const sweepKeys = (m: Map<string, unknown>, kind: TableName): void => {
      for (const k of m.keys()) if (k < before[kind]) m.delete(k);
    };
    for (const t of TABLE_NAMES) sweepKeys(this.tables[t], t);
    this.lastTable = ''; // the cached row may have been swept
    for (const n of SET_NAMES) sweepKeys(this.sets[n], SET_PERIODS[n]);
    const onlineCut = nowMs - this.onlineWindowMs - DAY_MS;
    for (const [k, v] of this.online) if (v.ts < onlineCut) this.online.delete(k);
  }
}
