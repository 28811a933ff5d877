// Any area of China: which regions a `--region` code covers, how finely its roster goes, and how
// many members its organizations get. Depends on the region registry only through `Regions`
// (childrenOf/getRegion/provinces), so that tests can pass small stub hierarchies.
//
// Granularity. A roster at village level for a province or the whole country would be hundreds of
// thousands of organizations (China has ~620,000 village-level units), so the roster goes down to
// the finest level whose estimated size stays within ORG_BUDGET (30,000; the contract allows
// 200,000): villages (~3 organizations each) for a prefecture or county, and for small provinces;
// townships for most provinces; counties for the whole country. Below that level the roster has
// no organizations: each unit at it holds its committee and "aggregate" organizations standing for
// everything below — its organ branch (乡镇机关), its villages' and its communities' members.
//
// Members. Everywhere outside 陕西 a prefecture-level unit gets population × 227,283 / 12,952,907
// members (西安's roster over 西安's census population, mock/census.ts); its villages keep the
// model's relative sizes (roster.ts), scaled by one factor per prefecture so that a county's roster
// is the subtree of its prefecture's. Below a province the population is spread by the weighted
// count of village-level units (census.ts). 陕西's rosters are the calibration and stay unscaled.
import { childrenOf, getRegion, provinces } from '../geo/registry.ts';
import type { RegionLevel, RegionRecord } from '../geo/types.ts';
import {
  COUNTRY_CODE,
  COUNTRY_POPULATION,
  membersFor,
  PROVINCES,
  proxyResidents,
  RURAL_RESIDENTS_PER_VILLAGE,
  URBAN_RESIDENTS_PER_COMMUNITY,
  type ProvinceFacts,
} from './census.ts';
import { hashString, Rng } from './prng.ts';

/** What the simulator needs of the region registry. */
export interface Regions {
  get(code: string): RegionRecord | undefined;
  /** direct children in code order */
  children(code: string): RegionRecord[];
  /** the top rows (provinces, or the country) */
  roots(): RegionRecord[];
}

export const REGISTRY: Regions = { get: getRegion, children: childrenOf, roots: provinces };

/** The province whose rosters are the calibration: not rescaled. */
export const CALIBRATION_PROVINCE = '610000';

export type Granularity = 'village' | 'township' | 'county' | 'city';
/** finest first */
export const GRANULARITIES: readonly Granularity[] = ['village', 'township', 'county', 'city'];
const RANK: Readonly<Record<RegionLevel, number>> = {
  country: -1,
  province: 0,
  city: 1,
  county: 2,
  township: 3,
  village: 4,
};

export function granularityRank(g: Granularity): number {
  return RANK[g];
}

export function levelRank(level: RegionLevel): number {
  return RANK[level];
}

/** At most about this many organizations in a roster whose granularity is chosen automatically. */
export const ORG_BUDGET = 30_000;

export function isCountry(code: string): boolean {
  return code === COUNTRY_CODE;
}

/** A city-level row that stands for no unit with a party committee: 市辖区, 县, 省直辖县级行政区划. */
export function isGrouping(r: RegionRecord): boolean {
  return r.level === 'city' && /^(市辖区|县|(省|自治区)直辖县级行政区划)$/.test(r.name);
}

export interface UnitCounts {
  cities: number;
  counties: number;
  townships: number;
  villages: number;
}

/** Regions by level at or below `code` (the area itself included). */
export function countUnits(regions: Regions, code: string): UnitCounts {
  const counts: UnitCounts = { cities: 0, counties: 0, townships: 0, villages: 0 };
  const key = { city: 'cities', county: 'counties', township: 'townships', village: 'villages' } as const;
  const visit = (r: RegionRecord) => {
    if (r.level !== 'province' && r.level !== 'country') counts[key[r.level]]++;
    for (const c of regions.children(r.code)) visit(c);
  };
  const root = regions.get(code);
  if (root) visit(root);
  return counts;
}

/** Organizations a roster at `g` would hold, roughly (西安: 2.8 per village, 2 per township). */
export function estimateOrgs(c: UnitCounts, g: Granularity): number {
  switch (g) {
    case 'village':
      return 3 * c.villages + 2 * c.townships + c.counties + c.cities + 1;
    case 'township':
      return 4 * c.townships + c.counties + c.cities + 1;
    case 'county':
      return 4 * c.counties + c.cities + 1;
    case 'city':
      return 4 * c.cities + 1;
  }
}

/** The finest granularity whose estimate fits the budget (a city's at worst). */
export function chooseGranularity(c: UnitCounts, budget: number = ORG_BUDGET): Granularity {
  return GRANULARITIES.find((g) => estimateOrgs(c, g) <= budget) ?? 'city';
}

/** What the region data covers, for error messages: e.g. "陕西省 610000" or "长沙市 430100". */
export function coverage(regions: Regions): string {
  const country = regions.get(COUNTRY_CODE);
  if (country && regions.children(COUNTRY_CODE).some((p) => regions.children(p.code).length > 0)) {
    return `${country.name} ${COUNTRY_CODE} (the whole country)`;
  }
  const out: string[] = [];
  for (const p of regions.roots()) {
    const cities = regions.children(p.code);
    if (cities.length === 0) continue;
    const loaded = cities.filter((c) => regions.children(c.code).length > 0 || c.level !== 'city');
    if (loaded.length === cities.length) out.push(`${p.name} ${p.code}`);
    else out.push(...loaded.map((c) => `${c.name} ${c.code}`));
  }
  return out.length > 0 ? out.join(', ') : 'no area (the region data is empty)';
}

/** The region a `--region` code names, checked: the country, a province, a prefecture-level unit or a county. */
export function areaRegion(code: string, regions: Regions = REGISTRY): RegionRecord {
  const r = regions.get(code);
  if (!r) {
    throw new Error(
      `unknown region ${code}: the region data covers ${coverage(regions)}; ` +
        'give the code of a province, a prefecture-level unit or a county in it (e.g. 610100 or 610113)',
    );
  }
  if (r.level === 'township' || r.level === 'village') {
    throw new Error(
      `region ${code} (${r.name}) is a ${r.level}: give a province, prefecture-level unit or county code`,
    );
  }
  if (regions.children(code).length === 0) {
    throw new Error(
      `region ${code} (${r.name}): the region data holds nothing below it; it covers ${coverage(regions)}`,
    );
  }
  const province = provinceOf(code);
  if (!isCountry(code) && !PROVINCES[province]) {
    throw new Error(
      `region ${code} (${r.name}): no census figures for ${province}; the simulator covers the 31 provinces`,
    );
  }
  return r;
}

export function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

function facts(code: string): ProvinceFacts {
  const f = PROVINCES[provinceOf(code)];
  if (!f) throw new Error(`no census figures for ${provinceOf(code)}`);
  return f;
}

/** NBS urban-rural codes: a village code's last three digits below 200 are 居委会 (urban). */
export function isUrbanVillageCode(code: string): boolean {
  return code.length === 12 && Number(code.slice(9)) < 200;
}

/** Village and community sizes of the model (lognormal, clamped; mock/README.md). */
export const VILLAGE_SIZE = {
  urban: { median: 95, sigma: 0.55, min: 25, max: 320 },
  rural: { median: 34, sigma: 0.35, min: 12, max: 110 },
} as const;
/** Township organ branches: 18–50 members, uniform. */
export const ORGAN_MIN = 18;
export const ORGAN_MAX = 50;

/** Members of a village's or community's party organization at the model's size (lognormal, clamped). */
export function villageMembers(code: string, seed: number): number {
  const rng = Rng.of(seed, hashString(code), 1);
  const s = isUrbanVillageCode(code) ? VILLAGE_SIZE.urban : VILLAGE_SIZE.rural;
  const raw = Math.round(s.median * Math.exp(s.sigma * rng.normal()));
  return Math.min(s.max, Math.max(s.min, raw));
}

/** Members of a township's organ branch. */
export function organMembers(code: string, seed: number): number {
  return ORGAN_MIN + Rng.of(seed, hashString(code), 3).int(ORGAN_MAX - ORGAN_MIN + 1);
}

/** The mean of round(median·e^(σZ)) clamped to [min, max], Z standard normal (numerically). */
export function expectedSize(s: { median: number; sigma: number; min: number; max: number }): number {
  let sum = 0;
  let weight = 0;
  for (let z = -8; z <= 8; z += 0.001) {
    const p = Math.exp((-z * z) / 2);
    sum += p * Math.min(s.max, Math.max(s.min, Math.round(s.median * Math.exp(s.sigma * z))));
    weight += p;
  }
  return sum / weight;
}

const EXPECTED_URBAN = expectedSize(VILLAGE_SIZE.urban);
const EXPECTED_RURAL = expectedSize(VILLAGE_SIZE.rural);
const EXPECTED_ORGAN = (ORGAN_MIN + ORGAN_MAX) / 2;

/** Members by kind of organization at the model's sizes (before scaling). */
export interface Parts {
  organ: number;
  urban: number;
  rural: number;
}

const add = (a: Parts, b: Parts): Parts => ({
  organ: a.organ + b.organ,
  urban: a.urban + b.urban,
  rural: a.rural + b.rural,
});

/** A province's average unit at a level, for regions the registry holds no children of. */
function averageUnit(code: string, level: RegionLevel): { parts: Parts; residents: number } {
  const [cities, counties, townships, communities, villages] = facts(code).units;
  const per = { country: 1, province: 1, city: cities, county: counties, township: townships, village: 1 }[level];
  return {
    parts: {
      organ: (EXPECTED_ORGAN * townships) / per,
      urban: (EXPECTED_URBAN * communities) / per,
      rural: (EXPECTED_RURAL * villages) / per,
    },
    residents: proxyResidents(communities, villages) / per,
  };
}

/**
 * Model members and proxy residents of regions, and the scale factor of the prefecture-level
 * unit each lies in. Memoized: one per roster.
 */
export class AreaScale {
  private readonly memo = new Map<string, { parts: Parts; residents: number }>();
  private readonly factors = new Map<string, number>();

  constructor(
    private readonly regions: Regions,
    private readonly seed: number,
  ) {}

  private sums(r: RegionRecord): { parts: Parts; residents: number } {
    const hit = this.memo.get(r.code);
    if (hit) return hit;
    let out: { parts: Parts; residents: number };
    if (r.level === 'village') {
      const m = villageMembers(r.code, this.seed);
      const urban = isUrbanVillageCode(r.code);
      return {
        parts: { organ: 0, urban: urban ? m : 0, rural: urban ? 0 : m },
        residents: urban ? URBAN_RESIDENTS_PER_COMMUNITY : RURAL_RESIDENTS_PER_VILLAGE,
      };
    }
    const kids = this.regions.children(r.code);
    if (kids.length === 0) {
      out = averageUnit(r.code, r.level);
      if (r.level === 'township') out = { ...out, parts: { ...out.parts, organ: organMembers(r.code, this.seed) } };
    } else {
      let parts: Parts = { organ: r.level === 'township' ? organMembers(r.code, this.seed) : 0, urban: 0, rural: 0 };
      let residents = 0;
      for (const k of kids) {
        const s = this.sums(k);
        parts = add(parts, s.parts);
        residents += s.residents;
      }
      out = { parts, residents };
    }
    this.memo.set(r.code, out);
    return out;
  }

  /** Members of the model's sizes below a region, by kind (before scaling). */
  parts(r: RegionRecord): Parts {
    return this.sums(r).parts;
  }

  /** Residents of a region: the census for the country and a province, else the proxy share of its province's. */
  population(r: RegionRecord): number {
    if (isCountry(r.code)) return COUNTRY_POPULATION;
    const f = facts(r.code);
    if (r.level === 'province') return f.population;
    const [, , , communities, villages] = f.units;
    return (f.population * this.sums(r).residents) / proxyResidents(communities, villages);
  }

  /** The prefecture-level unit (or, lacking one, the province) whose factor a region's members take. */
  scalingUnit(r: RegionRecord): RegionRecord {
    let u: RegionRecord | undefined = r;
    let province: RegionRecord | undefined;
    while (u && u.level !== 'city') {
      if (u.level === 'province' && !isCountry(u.code)) province = u;
      u = u.parent ? this.regions.get(u.parent) : undefined;
    }
    return u ?? province ?? r;
  }

  /** Members per model member in the region's prefecture: 1 in 陕西. */
  factor(r: RegionRecord): number {
    const unit = this.scalingUnit(r);
    const hit = this.factors.get(unit.code);
    if (hit !== undefined) return hit;
    let f = 1;
    if (provinceOf(unit.code) !== CALIBRATION_PROVINCE && !isCountry(unit.code)) {
      const p = this.parts(unit);
      const villages = p.urban + p.rural;
      const target = membersFor(this.population(unit));
      f = villages > 0 ? Math.max(0, target - p.organ) / villages : 1;
    }
    this.factors.set(unit.code, f);
    return f;
  }
}
