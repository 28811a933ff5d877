// Helpers both engines share.
import type { Org, OrgPoint } from '../contract/index.ts';
import type { GeoLookup } from '../aggregate/geo.ts';
import { rosterIndex } from '../aggregate/rollup.ts';
import { UnknownRegionError } from '../contract/errors.ts';

export function orgPointsOf(region: string, roster: readonly Org[], geo: GeoLookup): OrgPoint[] {
  if (!geo.region(region)) throw new UnknownRegionError(region);
  const out: OrgPoint[] = [];
  for (const o of rosterIndex(roster).inRegion(region).orgs) {
    const p = o.lng !== undefined && o.lat !== undefined ? ([o.lng, o.lat] as const) : geo.labelPoint(o.region);
    if (p) out.push({ id: o.id, name: o.name, kind: o.kind, region: o.region, members: o.members, lng: p[0], lat: p[1] });
  }
  return out;
}
