// Roll-up of per-org aggregates to a region and its child regions. Aggregates are kept per
// organization, so replacing the roster only changes which orgs a region sums (and the
// denominators), never the counters themselves.
import { containsCode } from '../../geo/codes.ts';
import type { Org, RegionLevel } from '../contract/index.ts';
import type { OrgExtra } from './kpi.ts';
import type { FloatingRecord, RollupInput, RollupOptions, TransferCase } from './model.ts';
import { ZonedClock } from './period.ts';
import { isOpen } from './transfer.ts';

const DAY_MS = 86_400_000;

export class RosterIndex {
  readonly byId = new Map<string, Org>();
  private readonly regions = new Map<string, { orgs: Org[]; ids: Set<string> }>();

  constructor(readonly roster: readonly Org[]) {
    for (const o of roster) this.byId.set(o.id, o);
  }

  /** Organizations whose region is `code` or below it, in roster order. */
  inRegion(code: string): { orgs: Org[]; ids: Set<string> } {
    let hit = this.regions.get(code);
    if (!hit) {
      const orgs = this.roster.filter((o) => containsCode(code, o.region));
      hit = { orgs, ids: new Set(orgs.map((o) => o.id)) };
      if (this.regions.size > 5000) this.regions.clear();
      this.regions.set(code, hit);
    }
    return hit;
  }
}

const indexes = new WeakMap<readonly Org[], RosterIndex>();
export function rosterIndex(roster: readonly Org[]): RosterIndex {
  let idx = indexes.get(roster);
  if (!idx) indexes.set(roster, (idx = new RosterIndex(roster)));
  return idx;
}

/** The code of the child region (one level below `level`) that `code` lies in, else null. */
export function childCodeOf(regionCode: string, level: RegionLevel, code: string): string | null {
  let child: string;
  switch (level) {
    case 'province':
      child = `${code.slice(0, 4)}00`;
      break;
    case 'city':
      child = code.slice(0, 6);
      break;
    case 'county':
      if (code.length < 9) return null;
      child = code.slice(0, 9);
      break;
    case 'township':
      if (code.length < 12) return null;
      child = code.slice(0, 12);
      break;
    default:
      return null;
  }
  return child !== regionCode && containsCode(regionCode, child) ? child : null;
}

export interface Extras {
  byOrg: Map<string, OrgExtra>;
  transfersByOrg: Map<string, TransferCase[]>;
  floatingByOrg: Map<string, FloatingRecord[]>;
}

const clocks = new Map<string, ZonedClock>();
export function clockFor(timeZone: string): ZonedClock {
  let c = clocks.get(timeZone);
  if (!c) clocks.set(timeZone, (c = new ZonedClock(timeZone)));
  return c;
}

const extrasCache = new WeakMap<RollupInput, { nowMs: number; extras: Extras }>();

/** Per-org figures from the entity records at `nowMs` (cached per input and instant). */
export function extrasOf(input: RollupInput, nowMs: number, opts: RollupOptions): Extras {
  const hit = extrasCache.get(input);
  if (hit && hit.nowMs === nowMs) return hit.extras;
  const clock = clockFor(opts.timeZone);
  const today = clock.day(nowMs);
  const overdueBefore = nowMs - opts.overdueDays * DAY_MS;
  const contactBefore = nowMs - opts.outOfContactDays * DAY_MS;
  const onlineAfter = nowMs - opts.onlineWindowMs;
  const byOrg = new Map<string, OrgExtra>();
  const get = (org: string): OrgExtra => {
    let e = byOrg.get(org);
    if (!e) {
      e = { transfersOpen: 0, transfersCompletedToday: 0, transfersOverdue: 0, floatingMembers: 0, floatingOutOfContact: 0, onlineNow: 0 };
      byOrg.set(org, e);
    }
    return e;
  };
  const transfersByOrg = new Map<string, TransferCase[]>();
  for (const t of input.transfers) {
    const e = get(t.org);
    if (isOpen(t.stage)) {
      e.transfersOpen += 1;
      if (t.openedTs < overdueBefore) e.transfersOverdue += 1;
    } else if (t.stage === 'completed' && clock.day(t.ts) === today) e.transfersCompletedToday += 1;
    push(transfersByOrg, t.org, t);
  }
  const floatingByOrg = new Map<string, FloatingRecord[]>();
  for (const f of input.floating) {
    const e = get(f.org);
    e.floatingMembers += 1;
    if (f.ts < contactBefore) e.floatingOutOfContact += 1;
    push(floatingByOrg, f.org, f);
  }
  for (const o of input.online) if (o.ts > onlineAfter) get(o.org).onlineNow += 1;
  const extras = { byOrg, transfersByOrg, floatingByOrg };
  extrasCache.set(input, { nowMs, extras });
  return extras;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
