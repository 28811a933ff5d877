// MemoryStore's in-process state and its hot path. One apply() per accepted event:
// a few Map lookups and counter increments on Float64Array rows, no allocation per event
// beyond the (rare) new row or record.
import type { NormalizedEvent, Org } from '../../contract/index.ts';
import type { FloatingRecord, OnlineRecord, RollupInput, StoredTickerItem, TransferCase } from '../../aggregate/model.ts';
import { TICKER_KEEP, TICKER_TYPES } from '../../aggregate/model.ts';
import { type ZonedClock } from '../../aggregate/period.ts';
import { cellOf } from '../../aggregate/prepare.ts';
import * as S from '../../aggregate/slots.ts';
import { reduceTransfer } from '../../aggregate/transfer.ts';

const DAY_MS = 86_400_000;
export type Rows = Map<string, Float64Array>;

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

export class MemState {
  roster: Org[] = [];
  rosterIds = new Set<string>();
  readonly days = new Map<string, Rows>();
  readonly months = new Map<string, Rows>();
  readonly quarters = new Map<string, Rows>();
  readonly dayLearners = new Map<string, Set<string>>();
  readonly monthLearners = new Map<string, Set<string>>();
  readonly transfers = new Map<string, TransferCase>();
  readonly floating = new Map<string, FloatingRecord>();
  readonly online = new Map<string, OnlineRecord>();
  /** recent notable events (masked), a ring; ticker items are built only when read */
  readonly recent: NormalizedEvent[] = [];
  private recentHead = 0;
  accepted = 0;
  private sweptDay = '';

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
      transfers: { [Symbol.iterator]: () => this.transfers.values() },
      floating: { [Symbol.iterator]: () => this.floating.values() },
      online: { [Symbol.iterator]: () => this.online.values() },
      ticker: { [Symbol.iterator]: ticker },
    };
  }

  setRoster(orgs: Org[]): void {
    this.roster = orgs;
    this.rosterIds = new Set(orgs.map((o) => o.id));
  }

  /** Applies one accepted (deduplicated, name-masked) event. */
  apply(ev: NormalizedEvent): void {
    const p = this.clock.period(ev.ts);
    switch (ev.type) {
      case 'study.completed': {
        const d = rowOf(this.days, p.day, ev.org, S.DAY_SLOTS);
        d[S.D_STUDIES]! += 1;
        d[S.D_MINUTES]! += ev.minutes;
        d[S.D_HOUR0 + p.hour]! += 1;
        if (addDistinct(this.dayLearners, p.day, ev.member)) d[S.D_LEARNERS]! += 1;
        if (addDistinct(this.monthLearners, p.month, ev.member)) rowOf(this.months, p.month, ev.org, S.MONTH_SLOTS)[S.M_LEARNERS]! += 1;
        break;
      }
      case 'exam.submitted': {
        const d = rowOf(this.days, p.day, ev.org, S.DAY_SLOTS);
        d[S.D_EXAMS]! += 1;
        if (ev.passed) d[S.D_PASSED]! += 1;
        break;
      }
      case 'meeting.held': {
        const m = rowOf(this.months, p.month, ev.org, S.MONTH_SLOTS);
        const k = S.KIND_INDEX[ev.kind];
        m[S.M_MEETINGS]! += 1;
        m[S.M_ATTENDEES]! += ev.attendees;
        m[S.M_EXPECTED]! += ev.expected;
        m[S.M_KIND0 + k]! += 1;
        rowOf(this.quarters, p.quarter, ev.org, S.QUARTER_SLOTS)[S.Q_KIND0 + k]! += 1;
        break;
      }
      case 'points.awarded':
        rowOf(this.months, p.month, ev.org, S.MONTH_SLOTS)[S.M_POINTS]! += ev.points;
        break;
      case 'transfer.updated': {
        const dest = ev.toOrg !== undefined ? `o:${ev.toOrg}` : `r:${ev.toRegion ?? ''}`;
        const prev = this.transfers.get(ev.transfer);
        const next = reduceTransfer(prev, { org: ev.org, dest, stage: ev.stage, ts: ev.ts });
        if (next !== prev) this.transfers.set(ev.transfer, next);
        break;
      }
      case 'member.checkin': {
        const prev = this.floating.get(ev.member);
        if (!prev || ev.ts >= prev.ts) this.floating.set(ev.member, { org: ev.org, ts: ev.ts, cell: cellOf(ev.lng, ev.lat) });
        break;
      }
      case 'member.active':
        break;
    }
    const member = (ev as { member?: string }).member;
    if (member !== undefined) {
      const prev = this.online.get(member);
      if (!prev) this.online.set(member, { org: ev.org, ts: ev.ts });
      else if (ev.ts > prev.ts) {
        prev.org = ev.org;
        prev.ts = ev.ts;
      }
    }
    if (TICKER_TYPES.has(ev.type)) this.remember(ev);
    this.accepted += 1;
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
   * copies), transfer and floating records are replaced on change so they are shared.
   */
  clone(): MemState {
    const c = new MemState(this.clock, this.retentionDays, this.onlineWindowMs);
    c.setRoster(this.roster);
    const copyRows = (from: Map<string, Rows>, to: Map<string, Rows>) => {
      for (const [p, rows] of from) to.set(p, new Map([...rows].map(([org, r]) => [org, r.slice()])));
    };
    copyRows(this.days, c.days);
    copyRows(this.months, c.months);
    copyRows(this.quarters, c.quarters);
    for (const [p, s] of this.dayLearners) c.dayLearners.set(p, new Set(s));
    for (const [p, s] of this.monthLearners) c.monthLearners.set(p, new Set(s));
    for (const [k, v] of this.transfers) c.transfers.set(k, v);
    for (const [k, v] of this.floating) c.floating.set(k, v);
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
    for (const m of [this.days, this.dayLearners]) for (const k of m.keys()) if (k < cut.day) m.delete(k);
    for (const m of [this.months, this.monthLearners]) for (const k of m.keys()) if (k < cut.month) m.delete(k);
    for (const k of this.quarters.keys()) if (k < cut.quarter) this.quarters.delete(k);
    const onlineCut = nowMs - this.onlineWindowMs - DAY_MS;
    for (const [k, v] of this.online) if (v.ts < onlineCut) this.online.delete(k);
  }
}
