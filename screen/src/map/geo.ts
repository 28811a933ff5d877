// Boundary data served at /geo/ (geo/data/): which file holds a region's children, a fetch
// cache, and small pure helpers (bounds, label points). Any GeoJSON keyed by `code` works.
import type { RegionLevel } from '../../../server/contract/index.ts';

export interface GeoProps {
  code: string;
  name: string;
  level: RegionLevel;
  illustrative: boolean;
  label?: [number, number];
}
export interface GeoFeature {
  type: 'Feature';
  properties: GeoProps;
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] } | { type: 'Point'; coordinates: number[] };
}
export interface GeoCollection {
  type: 'FeatureCollection';
  features: GeoFeature[];
}
interface CityFile {
  code: string;
  name: string;
  counties: GeoCollection;
  townships: GeoCollection;
  villages: GeoCollection;
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

export function loadChina(): Promise<GeoCollection> {
  return fetchJson<GeoCollection>('/geo/china.json');
}

/** at start-up, before the snapshot says the region's level: fetch the file its boundaries are in
 * (shared with loadChildren through the cache), so it is not waited for after the snapshot */
export function prefetchRegion(code: string): void {
  if (!/^\d{6,}$/.test(code)) return;
  const url = code.slice(2, 6) === '0000' ? '/geo/shaanxi.json' : `/geo/city/${code.slice(0, 4)}00.json`;
  fetchJson<unknown>(url).catch(() => undefined);
}

/** the features that draw `code`'s child regions (and, for context, the parent's other children) */
export async function loadChildren(code: string, level: RegionLevel): Promise<GeoCollection> {
  const empty: GeoCollection = { type: 'FeatureCollection', features: [] };
  if (level === 'province') return fetchJson<GeoCollection>('/geo/shaanxi.json');
  if (level === 'village') return empty;
  const city = await fetchJson<CityFile>(`/geo/city/${code.slice(0, 4)}00.json`);
  if (level === 'city') return city.counties;
  const pool = level === 'county' ? city.townships : city.villages;
  return { type: 'FeatureCollection', features: pool.features.filter((f) => f.properties.code.startsWith(code)) };
}

function eachPosition(f: GeoFeature, fn: (lng: number, lat: number) => void): void {
  const g = f.geometry;
  if (g.type === 'Point') fn(g.coordinates[0]!, g.coordinates[1]!);
  else if (g.type === 'Polygon') for (const ring of g.coordinates) for (const p of ring) fn(p[0]!, p[1]!);
  else for (const poly of g.coordinates) for (const ring of poly) for (const p of ring) fn(p[0]!, p[1]!);
}

export function boundsOf(features: GeoFeature[]): Bounds | null {
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
export function labelPoints(fc: GeoCollection, suffix = ''): GeoCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => {
      const b = boundsOf([f]);
      const at = f.properties.label ?? (b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : [0, 0]);
      return {
        type: 'Feature',
        properties: { ...f.properties, name: `${f.properties.name}${suffix}` },
        geometry: { type: 'Point', coordinates: at },
      };
    }),
  };
}

export function childLevel(level: RegionLevel): RegionLevel | null {
  const order: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];
  return order[order.indexOf(level) + 1] ?? null;
}
