// Helpers both engines share.
import type { Org, OrgPoint } from '../contract/index.ts';
import type { GeoLookup } from '../aggregate/geo.ts';
import { rosterIndex } from '../aggregate/rollup.ts';
import { UnknownRegionError } from './types.ts';

export function orgPointsOf(region: string, roster: readonly Org[], geo: GeoLookup): OrgPoint[] {
  if (!geo.region(region)) throw new UnknownRegionError(region);
  const out: OrgPoint[] = [];
  for (const o of rosterIndex(roster).inRegion(region).orgs) {
    const p = o.lng !== undefined && o.lat !== undefined ? ([o.lng, o.lat] as const) : geo.labelPoint(o.region);
    if (p) out.push({ id: o.id, name: o.name, kind: o.kind, region: o.region, members: o.members, lng: p[0], lat: p[1] });
  }
  return out;
}

/** V8 cost of a remembered id: the string (header + chars) plus its Set slot. */
export function estimateIdBytes(sample: string[]): number {
  if (sample.length === 0) return 0;
  const chars = sample.reduce((n, s) => n + s.length * (isOneByte(s) ? 1 : 2), 0) / sample.length;
  const STRING_HEADER = 16; // map + hash + length, 8-byte aligned with pointer compression
  const SET_SLOT = 12; // OrderedHashSet: key + chain + ½ bucket, at load factor 2
  return Math.ceil(chars / 8) * 8 + STRING_HEADER + SET_SLOT;
}

function isOneByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}
