// The roster generator: the territorial party organizations of an area (the country, a province,
// a prefecture-level unit or a county), from the committee at the top down to one or more branches
// per village and community — or, for big areas, down to townships or counties with aggregate
// organizations below (mock/area.ts). Member counts and structure follow the assumptions
// documented in mock/README.md. Deterministic for (region, seed).
import type { RegionRecord } from '../geo/types.ts';
import type { Org } from '../server/contract/roster.ts';
import {
  AreaScale,
  areaRegion,
  chooseGranularity,
  countUnits,
  granularityRank,
  isGrouping,
  isUrbanVillageCode,
  levelRank,
  organMembers,
  provinceOf,
  REGISTRY,
  villageMembers,
  type Granularity,
  type Regions,
} from './area.ts';
import { PROVINCES } from './census.ts';
import { ordinal, placeName } from './names.ts';
import { orgPoint } from './places.ts';
import { hashString, Rng } from './prng.ts';
import { orgStructure, type OrgType } from './structure.ts';

export { isUrbanVillageCode } from './area.ts';

export const DEFAULT_ROSTER_SEED = 1;

/** 《中国共产党支部工作条例（试行）》: a branch generally has at most 50 members. */
const BRANCH_MAX_MEMBERS = 50;
/** above 100 members a 基层党委 (committee) may be set up; 51–100 a 党总支 (general branch) */
const COMMITTEE_FROM_MEMBERS = 101;
/** a branch needs at least 3 full members */
const BRANCH_MIN_MEMBERS = 3;

/**
 * The kind of members an organization holds: a village's or community's by its code; an
 * aggregate's by its id (`-u` communities, `-r` villages); other township- or county-level ones
 * are organs.
 */
export function orgTypeOf(id: string, region: string): OrgType {
  if (region.length === 12) return isUrbanVillageCode(region) ? 'urban' : 'rural';
  if (id.endsWith('-u')) return 'urban';
  if (id.endsWith('-r')) return 'rural';
  return 'organ';
}

/** Splits `total` members over `n` branches, roughly evenly, each at least the minimum. */
function split(total: number, n: number, rng: Rng): number[] {
  const weights = Array.from({ length: n }, () => rng.range(0.75, 1.25));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.max(BRANCH_MIN_MEMBERS, Math.floor((total * w) / sum)));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % n) {
    if (rest > 0) {
      parts[i]!++;
      rest--;
    } else if (parts[i]! > BRANCH_MIN_MEMBERS) {
      parts[i]!--;
      rest++;
    }
  }
  return parts;
}

const at = orgPoint;

function committeeName(r: RegionRecord, regions: Regions): string {
  if (r.code === '100000') return '中国共产党中央委员会';
  if (r.level === 'township' && r.name.endsWith('街道')) return `中共${r.name}工作委员会`;
  // a grouping (市辖区, 省直辖县级行政区划) as the area: its province's committee leads it
  if (isGrouping(r)) return `中共${regions.get(provinceOf(r.code))?.name ?? r.name}委员会`;
  return `中共${r.name}委员会`;
}

/** One roster's walk over the hierarchy. */
class RosterBuilder {
  readonly out: Org[] = [];
  private readonly scale: AreaScale;

  constructor(
    private readonly regions: Regions,
    private readonly seed: number,
    private readonly granularity: Granularity,
  ) {
    this.scale = new AreaScale(regions, seed);
  }

  private committee(r: RegionRecord, parent: string | null): string {
    const id = `o-${r.code}`;
    this.out.push({
      id,
      name: committeeName(r, this.regions),
      parent,
      kind: 'committee',
      region: r.code,
      members: 0,
      ...at(r.code, id, 0),
    });
    return id;
  }

  /** A region and everything below it, under `parent` (null: the root). */
  node(r: RegionRecord, parent: string | null): void {
    // 台湾, 香港, 澳门: on the map, but no census figures and no organizations in the simulator
    if (r.level === 'province' && !PROVINCES[r.code]) return;
    if (r.level === 'village') {
      this.village(r, parent!);
      return;
    }
    const kids = this.regions.children(r.code);
    const g = granularityRank(this.granularity);
    // a leaf: at the granularity, or its children lie below it (a city's townships at county level), or no data below
    const leaf = levelRank(r.level) >= g || kids.length === 0 || kids.some((k) => levelRank(k.level) > g);
    const id = isGrouping(r) && parent !== null && !leaf ? parent : this.committee(r, parent);
    if (r.level === 'township') this.organ(r, id);
    if (leaf) {
      this.aggregates(r, id);
      return;
    }
    for (const k of kids) this.node(k, id);
  }

  private organ(t: RegionRecord, parent: string): void {
    const id = `o-${t.code}-0`;
    const members = organMembers(t.code, this.seed);
    this.out.push({
      id,
      name: `${t.name}机关党支部`,
      parent,
      kind: 'branch',
      region: t.code,
      members,
      ...at(t.code, id, 0.002),
    });
  }

  /** The organizations standing for all below a leaf region: its (townships') organs, villages, communities. */
  private aggregates(r: RegionRecord, parent: string): void {
    const parts = this.scale.parts(r);
    const f = this.scale.factor(r);
    const rows: [suffix: string, name: string, members: number][] = [
      ['u', `${r.name}各社区党组织`, Math.round(parts.urban * f)],
      ['r', `${r.name}各村党组织`, Math.round(parts.rural * f)],
    ];
    if (r.level !== 'township') rows.unshift(['0', `${r.name}乡镇（街道）机关党组织`, Math.round(parts.organ)]);
    for (const [suffix, name, members] of rows) {
      if (members <= 0) continue;
      const id = `o-${r.code}-${suffix}`;
      this.out.push({ id, name, parent, kind: 'branch', region: r.code, members, ...at(r.code, id, 0.002) });
    }
  }

  private village(v: RegionRecord, parent: string): void {
    const { seed, out } = this;
    const urban = isUrbanVillageCode(v.code);
    const place = placeName(v.name, urban);
    const f = this.scale.factor(v);
    const raw = villageMembers(v.code, seed);
    const members = f === 1 ? raw : Math.max(BRANCH_MIN_MEMBERS, Math.round(raw * f));
    const base = `o-${v.code}`;
    if (members <= BRANCH_MAX_MEMBERS) {
      const id = `${base}-1`;
      out.push({
        id,
        name: `${place}党支部`,
        parent,
        kind: 'branch',
        region: v.code,
        members,
        ...at(v.code, id, 0.003),
      });
      return;
    }
    const committee = members >= COMMITTEE_FROM_MEMBERS;
    const perBranch = committee ? 40 : 30;
    let n = Math.max(3, Math.ceil(members / perBranch));
    out.push({
      id: base,
      name: committee ? `中共${place}委员会` : `中共${place}总支部委员会`,
      parent,
      kind: committee ? 'committee' : 'general-branch',
      region: v.code,
      members: 0,
      ...at(v.code, base, 0.001),
    });
    let sizes = split(members, n, Rng.of(seed, hashString(v.code), 2));
    while (Math.max(...sizes) > BRANCH_MAX_MEMBERS) sizes = split(members, ++n, Rng.of(seed, hashString(v.code), 2));
    sizes.forEach((m, i) => {
      const id = `${base}-${i + 1}`;
      out.push({
        id,
        name: `${place}${ordinal(i + 1)}党支部`,
        parent: base,
        kind: 'branch',
        region: v.code,
        members: m,
        ...at(v.code, id, 0.003),
      });
    });
  }
}

export interface RosterOptions {
  /** the hierarchy (default: the region registry) */
  regions?: Regions;
  /** how far down the roster goes (default: the finest that fits ORG_BUDGET, mock/area.ts) */
  granularity?: Granularity;
}

/** The granularity a roster of the area gets by default. */
export function rosterGranularity(regionCode: string, regions: Regions = REGISTRY): Granularity {
  return chooseGranularity(countUnits(regions, areaRegion(regionCode, regions).code));
}

/**
 * The roster of an area: the country (100000), a province, a prefecture-level unit (e.g. 西安
 * 610100) or a county (e.g. 610113). Members sit in branches only, so that sums over any
 * subtree count each member once; committees and general branches carry 0.
 */
export function buildRoster(regionCode: string, seed: number = DEFAULT_ROSTER_SEED, opts: RosterOptions = {}): Org[] {
  const regions = opts.regions ?? REGISTRY;
  const area = areaRegion(regionCode, regions);
  const granularity = opts.granularity ?? rosterGranularity(area.code, regions);
  const builder = new RosterBuilder(regions, seed, granularity);
  builder.node(area, null);
  const { out } = builder;
  // 党员结构 of every organization that holds members: its own stream, so nothing above moves
  for (const o of out) {
    if (o.members > 0) {
      o.structure = orgStructure(orgTypeOf(o.id, o.region), o.members, Rng.of(seed, hashString(o.id), 0x57));
    }
  }
  return out;
}
