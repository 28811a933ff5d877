// Roll-up of per-org aggregates to a region and its child regions. Aggregates are kept per
// organization, so replacing the roster only changes which orgs a region sums (and the
// denominators), never the counters themselves.
import { containsCode } from '../../geo/codes.ts';
import type { Org, RegionLevel } from '../contract/index.ts';
import { ZonedClock } from './period.ts';

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
    case 'country':
      child = `${code.slice(0, 2)}0000`;
      break;
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

const clocks = new Map<string, ZonedClock>();
export function clockFor(timeZone: string): ZonedClock {
  let c = clocks.get(timeZone);
  if (!c) clocks.set(timeZone, (c = new ZonedClock(timeZone)));
  return c;
}
