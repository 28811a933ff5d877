// The wall's boundary loading: which file (geo/browser.ts names them) holds a region's children,
// a fetch cache shared by the prefetch at start-up and the map, and small pure helpers (bounds,
// label points). Any GeoJSON keyed by `code` works.
import {
  CHINA_URL,
  cityBundleUrl,
  countyVillagesUrl,
  isRegionCode,
  LEVEL_RANK,
  levelOf,
  NANHAI_CODE,
  provinceUrl,
  type CityBundle,
  type RegionFeature,
  type RegionFeatureCollection,
  type RegionLevel,
} from '../../../geo/browser.ts';

export type { RegionFeature, RegionFeatureCollection } from '../../../geo/browser.ts';

interface LabelFeature {
  type: 'Feature';
  properties: RegionFeature['properties'];
  geometry: { type: 'Point'; coordinates: number[] };
}
/** what a label source holds: one point per region, with its properties */
export interface LabelCollection {
  type: 'FeatureCollection';
  features: LabelFeature[];
}

export type Bounds = [west: number, south: number, east: number, north: number];
/** China including the 南海诸岛 down to ~3.5°N */
export const CHINA_BOUNDS: Bounds = [73.4, 3.4, 135.2, 53.6];

const cache = new Map<string, Promise<unknown>>();

function fetchJson<T>(url: string): Promise<T> {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json() as Promise<unknown>;
    });
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p as Promise<T>;
}

export function loadChina(): Promise<RegionFeatureCollection> {
  return fetchJson<RegionFeatureCollection>(CHINA_URL);
}

/** the file that holds the boundaries drawn for `code`'s children */
function boundaryUrl(code: string): string {
  switch (levelOf(code)) {
    case 'country':
      return CHINA_URL;
    case 'province':
      return provinceUrl(code);
    case 'township':
    case 'village':
      return countyVillagesUrl(code.slice(0, 6));
    default:
      return cityBundleUrl(`${code.slice(0, 4)}00`);
  }
}

/** at start-up, before the snapshot says the region's level: fetch the file its boundaries are in
 * (shared with loadChildren through the cache), so it is not waited for after the snapshot */
export function prefetchRegion(code: string): void {
  if (!isRegionCode(code)) return;
  fetchJson<unknown>(boundaryUrl(code)).catch(() => undefined);
}

const within = (fc: RegionFeatureCollection, code: string, level: RegionLevel): RegionFeatureCollection => ({
  type: 'FeatureCollection',
  features: fc.features.filter((f) => f.properties.level === level && f.properties.code.startsWith(code)),
});

/**
 * the features that draw `code`'s child regions: the country → provinces; a province → its
 * cities (a municipality: its districts and counties); a city → its county-level units (a city
 * without counties, 东莞: its townships); a county → townships; a township → villages
 */
export async function loadChildren(code: string, level: RegionLevel): Promise<RegionFeatureCollection> {
  const empty: RegionFeatureCollection = { type: 'FeatureCollection', features: [] };
  if (level === 'village') return empty;
  if (level === 'country') {
    const china = await fetchJson<RegionFeatureCollection>(CHINA_URL);
    return { type: 'FeatureCollection', features: china.features.filter((f) => f.properties.code !== NANHAI_CODE) };
  }
  if (level === 'province') return fetchJson<RegionFeatureCollection>(provinceUrl(code));
  if (level === 'township') return within(await fetchJson<RegionFeatureCollection>(boundaryUrl(code)), code, 'village');
  const city = await fetchJson<CityBundle>(boundaryUrl(code));
  if (level === 'county') return within(city.townships, code, 'township');
  return city.counties.features.length > 0 ? city.counties : within(city.townships, code, 'township');
}

function eachPosition(f: RegionFeature, fn: (lng: number, lat: number) => void): void {
  const g = f.geometry;
  if (g.type === 'Polygon') for (const ring of g.coordinates) for (const p of ring) fn(p[0], p[1]);
  else for (const poly of g.coordinates) for (const ring of poly) for (const p of ring) fn(p[0], p[1]);
}

export function boundsOf(features: readonly RegionFeature[]): Bounds | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const f of features) {
    eachPosition(f, (x, y) => {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    });
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** label points: the feature's `label` property, else its bounds' centre */
export function labelPoints(features: readonly RegionFeature[]): LabelCollection {
  return {
    type: 'FeatureCollection',
    features: features.map((f) => {
      const b = boundsOf([f]);
      const at = f.properties.label ?? (b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : [0, 0]);
      return { type: 'Feature', properties: f.properties, geometry: { type: 'Point', coordinates: at } };
    }),
  };
}

/** the level drawn under `level` on the map, or null below the villages */
export function childLevel(level: RegionLevel): RegionLevel | null {
  const rank = LEVEL_RANK[level] + 1;
  return (Object.keys(LEVEL_RANK) as RegionLevel[]).find((l) => LEVEL_RANK[l] === rank) ?? null;
}

/** the province a region lies in (the national view's highlight) */
export function provinceCodeOf(code: string): string {
  return levelOf(code) === 'province' ? code : `${code.slice(0, 2)}0000`;
}

/** what the 示意 note names: nothing when no shape drawn is illustrative; 'cells' for township and
 * village cells (drawn by rule everywhere); else the illustrative shapes above them — by name when
 * a few, by level when many (重庆's districts and counties) */
export type IllustrativeNote =
  { kind: 'none' } | { kind: 'cells' } | { kind: 'names'; names: string[] } | { kind: 'levels'; levels: RegionLevel[] };

const NOTE_NAMES_MAX = 3;

export function illustrativeNote(features: readonly RegionFeature[]): IllustrativeNote {
  const shown = features.filter((f) => f.properties.illustrative);
  if (shown.length === 0) return { kind: 'none' };
  const above = shown.filter((f) => f.properties.level !== 'township' && f.properties.level !== 'village');
  if (above.length === 0) return { kind: 'cells' };
  if (above.length <= NOTE_NAMES_MAX) return { kind: 'names', names: above.map((f) => f.properties.name) };
  const levels = [...new Set(above.map((f) => f.properties.level))].sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b]);
  return { kind: 'levels', levels };
}
