// Boundary lookups over geo/data/: which county or province contains a point, and the child
// boundaries of a region for drawing. Files load once each, lazily, on first use.
import { readFileSync } from 'node:fs';
import { containsCode, isRegionCode, levelOf, ROOT_PROVINCE_CODE } from './codes.ts';
import { bboxOf, inBBox, pointInGeometry, type BBox } from './geometry.ts';
import type { CityBundle, RegionFeature, RegionFeatureCollection } from './types.ts';

const DATA_URL = new URL('./data/', import.meta.url);
const NANHAI_CODE = 'nanhai';

interface Indexed {
  feature: RegionFeature;
  box: BBox;
}

const cache = new Map<string, unknown>();

function readJson<T>(path: string): T {
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(new URL(path, DATA_URL), 'utf8')) as T);
  return cache.get(path) as T;
}

function indexed(path: string, keep: (f: RegionFeature) => boolean = () => true): Indexed[] {
  const key = `indexed:${path}`;
  if (!cache.has(key)) {
    const fc = readJson<RegionFeatureCollection>(path);
    cache.set(
      key,
      fc.features.filter(keep).map((feature) => ({ feature, box: bboxOf(feature.geometry) })),
    );
  }
  return cache.get(key) as Indexed[];
}

function locate(items: Indexed[], lng: number, lat: number): string | null {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
  for (const { feature, box } of items) {
    if (inBBox(box, lng, lat) && pointInGeometry(feature.geometry, lng, lat)) return feature.properties.code;
  }
  return null;
}

/** The Shaanxi county (6-digit code) whose boundary contains the GCJ-02 point, or null. */
export function countyAt(lng: number, lat: number): string | null {
  return locate(indexed('counties.json'), lng, lat);
}

/** The Chinese provincial unit (xx0000) whose outline contains the GCJ-02 point, or null. */
export function provinceAt(lng: number, lat: number): string | null {
  return locate(
    indexed('china.json', (f) => f.properties.code !== NANHAI_CODE),
    lng,
    lat,
  );
}

/** China's provinces plus the 南海诸岛 inset (code 'nanhai'), for the national view. */
export function chinaFeatures(): RegionFeatureCollection {
  return { type: 'FeatureCollection', features: [...readJson<RegionFeatureCollection>('china.json').features] };
}

/** A Shaanxi city's bundle (counties, township cells, village cells), or undefined. */
export function cityBundle(cityCode: string): CityBundle | undefined {
  if (!isRegionCode(cityCode) || levelOf(cityCode) !== 'city' || !cityCode.startsWith('61')) return undefined;
  try {
    return readJson<CityBundle>(`city/${cityCode}.json`);
  } catch {
    return undefined;
  }
}

const empty = (): RegionFeatureCollection => ({ type: 'FeatureCollection', features: [] });

function within(
  fc: RegionFeatureCollection,
  code: string,
  level: RegionFeature['properties']['level'],
): RegionFeatureCollection {
  const features = fc.features.filter((f) => f.properties.level === level && containsCode(code, f.properties.code));
  return { type: 'FeatureCollection', features };
}

/**
 * The boundaries of a region's children: 陕西 → cities, city → counties, county → township
 * cells, township → village cells (the last two illustrative, 示意). Empty where there are none.
 */
export function childFeatures(code: string): RegionFeatureCollection {
  if (!isRegionCode(code)) return empty();
  const level = levelOf(code);
  if (level === 'province') {
    return code === ROOT_PROVINCE_CODE ? within(readJson('shaanxi.json'), code, 'city') : empty();
  }
  if (level === 'village') return empty();
  const bundle = cityBundle(`${code.slice(0, 4)}00`);
  if (!bundle) return empty();
  if (level === 'city') return within(bundle.counties, code, 'county');
  if (level === 'county') return within(bundle.townships, code, 'township');
  return within(bundle.villages, code, 'village');
}

/** For tests and tools that rebuild geo/data/ in-process. */
export function resetSpatialCache(): void {
  cache.clear();
}
