// Browser-safe facts about the geo data: where the server serves it and what a wall loads.
// The server serves geo/data/ at /geo/. No Node imports here.
import { levelOf } from './codes.ts';

export { containsCode, isRegionCode, levelOf, normalizeCode, parentCodeOf, ROOT_PROVINCE_CODE } from './codes.ts';
export { LEVEL_RANK } from './codes.ts';
export type { CityBundle, LngLat, RegionFeature, RegionFeatureCollection, RegionLevel } from './types.ts';

export const GEO_URL_PREFIX = '/geo/';
/** China's 34 provincial units plus the 南海诸岛 inset (code NANHAI_CODE: draw it, never omit it) */
export const CHINA_URL = `${GEO_URL_PREFIX}china.json`;
/** 陕西's 10 city outlines */
export const SHAANXI_URL = `${GEO_URL_PREFIX}shaanxi.json`;
/** the 南海诸岛 feature's code in china.json: draw as outline (dashed), no fill, no data */
export const NANHAI_CODE = 'nanhai';
/** what a wall may download for its city's map (gzip, measured by the build and a test) */
export const WALL_BUDGET_GZIP_BYTES = 300_000;

/** A city's bundle: its counties, illustrative township cells and village cells/points. */
export function cityBundleUrl(cityCode: string): string {
  return `${GEO_URL_PREFIX}city/${cityCode}.json`;
}

/** The city whose bundle holds a code's boundaries (a city's own code), or null for a province. */
export function cityCodeOf(code: string): string | null {
  return levelOf(code) === 'province' ? null : `${code.slice(0, 4)}00`;
}

/** The files a wall centred on a Shaanxi city loads for its map. */
export function wallLoadFor(cityCode: string): string[] {
  return [cityBundleUrl(cityCode), SHAANXI_URL];
}
