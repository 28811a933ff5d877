// Places the simulator needs beyond the region registry: label points when the registry has
// none yet, the big cities where floating members work, and county codes elsewhere in China
// that transfers go to. Coordinates are GCJ-02 (the frame of the map), city centres rounded.
import { pointInGeometry } from '../geo/geometry.ts';
import { containsCode } from '../geo/codes.ts';
import { labelPoint } from '../geo/registry.ts';
import { cityBundle, countyVillages } from '../geo/spatial.ts';
import type { LngLat, RegionFeature, RegionRecord } from '../geo/types.ts';
import { areaRegion as checkedArea, isCountry, provinceOf, REGISTRY, type Regions } from './area.ts';
import { hashString, Rng, unit } from './prng.ts';

/** City centres of 陕西's ten prefecture-level cities (approximate, GCJ-02). */
const SHAANXI_CITY_CENTRES: Readonly<Record<string, LngLat>> = {
  '610100': [108.9402, 34.3416],
  '610200': [108.945, 34.8967],
  '610300': [107.2374, 34.3619],
  '610400': [108.7093, 34.3296],
  '610500': [109.5102, 34.4999],
  '610600': [109.4897, 36.5853],
  '610700': [107.0233, 33.0676],
  '610800': [109.7346, 38.2852],
  '610900': [109.0293, 32.6847],
  '611000': [109.9404, 33.8701],
};

// How far a derived point may sit from its parent's, in degrees, by the child's code length.
const SPREAD_DEG: Readonly<Record<number, number>> = { 6: 0.35, 9: 0.08, 12: 0.025 };

/**
 * The registry's label point, or a deterministic stand-in near the parent's while the
 * registry has none (illustrative either way below county level).
 */
export function regionPoint(code: string): LngLat {
  const p = labelPoint(code);
  if (p) return p;
  if (!code.startsWith('61')) return pointOutsideShaanxi(code);
  if (code.length === 6 && code.endsWith('00')) return SHAANXI_CITY_CENTRES[code] ?? [108.95, 34.27];
  const parent = code.length === 12 ? code.slice(0, 9) : code.length === 9 ? code.slice(0, 6) : `${code.slice(0, 4)}00`;
  const [lng, lat] = regionPoint(parent);
  const spread = SPREAD_DEG[code.length] ?? 0.1;
  const h = hashString(code);
  return [lng + (unit(h) - 0.5) * 2 * spread, lat + (unit(h * 7 + 13) - 0.5) * 1.6 * spread];
}

/** Roughly the middle of China (GCJ-02), for the country row when the registry has no point. */
const CHINA_CENTRE: LngLat = [104.2, 35.9];

/** A stand-in near the parent's point (by code), up to the province's or the country's. */
function pointOutsideShaanxi(code: string): LngLat {
  if (code.length === 6 && code.endsWith('0000')) return CHINA_CENTRE;
  const parent =
    code.length === 12
      ? code.slice(0, 9)
      : code.length === 9
        ? code.slice(0, 6)
        : code.endsWith('00')
          ? provinceOf(code)
          : `${code.slice(0, 4)}00`;
  const [lng, lat] = regionPoint(parent);
  const spread = SPREAD_DEG[code.length] ?? 0.1;
  const h = hashString(code);
  return [lng + (unit(h) - 0.5) * 2 * spread, lat + (unit(h * 7 + 13) - 0.5) * 1.6 * spread];
}

const cells = new Map<string, Map<string, RegionFeature['geometry']> | null>();

function cellsIn(
  key: string,
  features: () => RegionFeature[] | undefined,
): Map<string, RegionFeature['geometry']> | null {
  if (!cells.has(key)) {
    const fs = features();
    cells.set(key, fs ? new Map(fs.map((f) => [f.properties.code, f.geometry])) : null);
  }
  return cells.get(key) ?? null;
}

/** The illustrative township or village cell of a code, where the geo files have one. */
function cellOf(code: string): RegionFeature['geometry'] | undefined {
  if (code.length === 12)
    return cellsIn(`v${code.slice(0, 6)}`, () => countyVillages(code.slice(0, 6))?.features)?.get(code);
  const city = `${code.slice(0, 4)}00`;
  return cellsIn(`t${city}`, () => cityBundle(city)?.townships.features)?.get(code);
}

/**
 * A deterministic point for an organization near its region's label point, kept inside the
 * region's (illustrative) cell so that the map shows it where it belongs.
 */
export function orgPoint(code: string, id: string, jitterDeg: number): { lng: number; lat: number } {
  const [lng, lat] = regionPoint(code);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const rng = Rng.of(hashString(id), 7);
  const dx = rng.range(-1, 1) * jitterDeg;
  const dy = rng.range(-1, 1) * jitterDeg * 0.8;
  const cell = code.length > 6 ? cellOf(code) : undefined;
  for (const f of [1, 0.5, 0.25, 0.1]) {
    const p = { lng: round(lng + dx * f), lat: round(lat + dy * f) };
    if (!cell || pointInGeometry(cell, p.lng, p.lat)) return p;
  }
  return { lng: round(lng), lat: round(lat) };
}

export interface WorkCity {
  name: string;
  centre: LngLat;
  /** a 6-digit county code in that city: where a transfer to that city goes */
  county: string;
  /** relative share of 陕西's floating members working there */
  weight: number;
}

/** Where members from 陕西 go to work: the coast's megacities first, then the west's hubs. */
export const WORK_CITIES: readonly WorkCity[] = [
  { name: '深圳', centre: [114.0579, 22.5431], county: '440305', weight: 16 },
  { name: '广州', centre: [113.2644, 23.1291], county: '440106', weight: 11 },
  { name: '上海', centre: [121.4737, 31.2304], county: '310115', weight: 12 },
  { name: '北京', centre: [116.4074, 39.9042], county: '110105', weight: 12 },
  { name: '杭州', centre: [120.1551, 30.2741], county: '330106', weight: 7 },
  { name: '苏州', centre: [120.5853, 31.2989], county: '320505', weight: 6 },
  { name: '成都', centre: [104.0665, 30.5728], county: '510107', weight: 7 },
  { name: '东莞', centre: [113.7518, 23.0205], county: '441900', weight: 5 },
  { name: '重庆', centre: [106.5516, 29.563], county: '500112', weight: 4 },
  { name: '武汉', centre: [114.3055, 30.5928], county: '420106', weight: 3 },
  { name: '南京', centre: [118.7969, 32.0603], county: '320106', weight: 3 },
  { name: '郑州', centre: [113.6254, 34.7466], county: '410105', weight: 3 },
  { name: '天津', centre: [117.2008, 39.0842], county: '120101', weight: 2 },
  { name: '兰州', centre: [103.8343, 36.0611], county: '620102', weight: 3 },
  { name: '乌鲁木齐', centre: [87.6168, 43.8256], county: '650102', weight: 3 },
  { name: '银川', centre: [106.2309, 38.4872], county: '640104', weight: 2 },
];

/** The `--region` code's region, checked (area.ts): the country, a province, a prefecture-level unit or a county. */
export function areaRegion(code: string, regions: Regions = REGISTRY): RegionRecord {
  return checkedArea(code, regions);
}

/** Every county-level unit at or below a region, in code order. */
function countiesBelow(code: string, regions: Regions): string[] {
  const out: string[] = [];
  const visit = (r: RegionRecord) => {
    if (r.level === 'county') out.push(r.code);
    else if (r.level === 'province' || r.level === 'city') {
      const kids = regions.children(r.code);
      // a city without counties (东莞 441900): transfers go to the city itself
      if (r.level === 'city' && kids.length > 0 && kids.every((k) => k.level === 'township')) out.push(r.code);
      else for (const c of kids) visit(c);
    }
  };
  const root = regions.get(code);
  if (root) visit(root);
  return out;
}

/**
 * 6-digit county codes outside the area that transfers go to: the other counties of its province
 * that the region data holds (most transfers stay in the province) and the work cities' counties
 * outside it. None for the whole country: every transfer then goes to an organization in it.
 */
export function outsideCounties(area: RegionRecord, regions: Regions = REGISTRY): string[] {
  if (isCountry(area.code)) return [];
  const province = countiesBelow(provinceOf(area.code), regions).filter((c) => !containsCode(area.code, c));
  const work = WORK_CITIES.map((c) => c.county).filter((c) => !containsCode(area.code, c) && !province.includes(c));
  return [...province, ...work];
}
