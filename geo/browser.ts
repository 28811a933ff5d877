// Browser-safe facts about the geo data: where the server serves it and what a wall loads.
// The server serves the configured area's files (geo/data/ for 陕西) at /geo/. No Node imports here.
import { levelOf, ROOT_PROVINCE_CODE } from './codes.ts';

export {
  containsCode,
  COUNTRY_CODE,
  isRegionCode,
  levelOf,
  normalizeCode,
  parentCodeOf,
  ROOT_PROVINCE_CODE,
} from './codes.ts';
export { LEVEL_RANK } from './codes.ts';
export type { CityBundle, LngLat, RegionFeature, RegionFeatureCollection, RegionLevel } from './types.ts';

export const GEO_URL_PREFIX = '/geo/';
/** China's 34 provincial units plus the 南海诸岛 inset (code NANHAI_CODE: draw it, never omit it) */
export const CHINA_URL = `${GEO_URL_PREFIX}china.json`;
/** the 南海诸岛 feature's code in china.json: draw as outline (dashed), no fill, no data */
export const NANHAI_CODE = 'nanhai';
/** what a prefecture or province wall may download for its map (gzip, measured by the build and a test) */
export const WALL_BUDGET_GZIP_BYTES = 300_000;
/** what the national wall may download (provinces; cities and below are fetched on drilling in) */
export const NATIONAL_BUDGET_GZIP_BYTES = 600_000;

/** A province's cities (a municipality's districts and counties). */
export function provinceUrl(provinceCode: string): string {
  return `${GEO_URL_PREFIX}province/${provinceCode}.json`;
}

/** 陕西's 10 city outlines */
export const SHAANXI_URL = provinceUrl(ROOT_PROVINCE_CODE);

/** A city's bundle: its county-level units and illustrative township cells. */
export function cityBundleUrl(cityCode: string): string {
  return `${GEO_URL_PREFIX}city/${cityCode}.json`;
}

/** A county-level unit's illustrative village cells (each village's point is its label). */
export function countyVillagesUrl(countyCode: string): string {
  return `${GEO_URL_PREFIX}county/${countyCode}.json`;
}

/** The city whose bundle holds a code's boundaries (a city's own code), or null above the cities. */
export function cityCodeOf(code: string): string | null {
  const level = levelOf(code);
  return level === 'province' || level === 'country' ? null : `${code.slice(0, 4)}00`;
}

/**
 * The files a wall at `code` loads for its map before any drill-down: the country → china.json;
 * a province → its cities and china.json; a city (or below) → its bundle and its province's cities.
 */
export function wallLoadFor(code: string): string[] {
  const level = levelOf(code);
  if (level === 'country') return [CHINA_URL];
  const province = `${code.slice(0, 2)}0000`;
  if (level === 'province') return [provinceUrl(province), CHINA_URL];
  return [cityBundleUrl(`${code.slice(0, 4)}00`), provinceUrl(province)];
}
