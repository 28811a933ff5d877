// The read side's entry: what a wall or the API is shown, built from the store's roll-up
// input at an instant. The store only stores (rollupInput, version); building snapshots and
// map points happens here, for the routes and the push feeds alike.
import type { AlertPanel, Org, OrgPoint, Snapshot } from '../contract/index.ts';
import { UnknownRegionError } from '../contract/errors.ts';
import { registryGeo, type GeoLookup } from './geo.ts';
import type { RollupInput, RollupOptions } from './model.ts';
import { rosterIndex } from './rollup.ts';
import { buildSnapshot, buildSnapshots } from './snapshot.ts';

/** What the read side needs of a store. */
export interface RollupSource {
  rollupInput(nowMs: number): Promise<RollupInput>;
}

export function orgPointsOf(region: string, roster: readonly Org[], geo: GeoLookup): OrgPoint[] {
  if (!geo.region(region)) throw new UnknownRegionError(region);
  const out: OrgPoint[] = [];
  for (const o of rosterIndex(roster).inRegion(region).orgs) {
    const p = o.lng !== undefined && o.lat !== undefined ? ([o.lng, o.lat] as const) : geo.labelPoint(o.region);
    if (p)
      out.push({ id: o.id, name: o.name, kind: o.kind, region: o.region, members: o.members, lng: p[0], lat: p[1] });
  }
  return out;
}

export class Views {
  /** the alert panel a wall of a region is shown (issue 10: the alert service sets it); absent:
   * the snapshot's empty one */
  alerting: ((region: string) => AlertPanel) | undefined;

  constructor(
    private readonly source: RollupSource,
    private readonly opts: RollupOptions,
    private readonly geo: GeoLookup = registryGeo,
  ) {}

  /** Everything one wall needs for a region (SPEC section 5); throws UnknownRegionError. */
  async snapshot(region: string, nowMs: number): Promise<Snapshot> {
    if (!this.geo.region(region)) throw new UnknownRegionError(region);
    return this.#withAlerting(buildSnapshot(region, nowMs, await this.source.rollupInput(nowMs), this.opts, this.geo));
  }

  #withAlerting<T extends Snapshot | Error>(s: T): T {
    if (this.alerting && !(s instanceof Error)) s.alerting = this.alerting(s.region.code);
    return s;
  }

  /**
   * The snapshots of several regions at one instant from one read of the store: the push
   * feed's frame tick. A region's entry is its Snapshot or what snapshot() would have thrown
   * for it; a failure to read the store at all rejects.
   */
  async snapshots(regions: readonly string[], nowMs: number): Promise<(Snapshot | Error)[]> {
    const snaps = buildSnapshots(regions, nowMs, await this.source.rollupInput(nowMs), this.opts, this.geo);
    return snaps.map((s) => this.#withAlerting(s));
  }

  /** Organizations of a region as map points (no personal data). */
  async orgPoints(region: string, nowMs: number): Promise<OrgPoint[]> {
    if (!this.geo.region(region)) throw new UnknownRegionError(region);
    return orgPointsOf(region, (await this.source.rollupInput(nowMs)).roster, this.geo);
  }
}
