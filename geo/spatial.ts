// Boundary lookups over the configured area's files (geo/area.ts; geo/data/ for 陕西): which
// county or province contains a point, and the child boundaries of a region for drawing. Files
// load once each, lazily, on first use.
import { readFileSync } from 'node:fs';
import { registryDataUrl } from './area.ts';
import { containsCode, isRegionCode, levelOf } from './codes.ts';
import { bboxOf, inBBox, pointInGeometry, type BBox } from './geometry.ts';
import type { CityBundle, RegionFeature, RegionFeatureCollection } from './types.ts';

const NANHAI_CODE = 'nanhai';

interface Indexed {
  feature: RegionFeature;
  box: BBox;
}

const cache = new Map<string, unknown>();

function readJson<T>(path: string): T {
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(new URL(path, registryDataUrl()), 'utf8')) as T);
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

/** The area's county-level unit (6-digit code) whose boundary contains the GCJ-02 point, or null. */
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

function optionalJson<T>(path: string): T | undefined {
  try {
    return readJson<T>(path);
  } catch {
    return undefined;
  }
}

/** A city's bundle (its county-level units and illustrative township cells), or undefined. */
export function cityBundle(cityCode: string): CityBundle | undefined {
  if (!isRegionCode(cityCode) || levelOf(cityCode) !== 'city') return undefined;
  return optionalJson<CityBundle>(`city/${cityCode}.json`);
}

/** A county-level unit's illustrative village cells (each village's point is its label), or undefined. */
export function countyVillages(countyCode: string): RegionFeatureCollection | undefined {
  if (!/^\d{6}$/.test(countyCode)) return undefined;
  return optionalJson<RegionFeatureCollection>(`county/${countyCode}.json`);
}

const empty = (): RegionFeatureCollection => ({ type: 'FeatureCollection', features: [] });

function within(
  fc: RegionFeatureCollection | undefined,
  code: string,
  level: RegionFeature['properties']['level'],
): RegionFeatureCollection {
  const features = (fc?.features ?? []).filter(
    (f) => f.properties.level === level && containsCode(code, f.properties.code),
  );
  return { type: 'FeatureCollection', features };
}

/**
 * The boundaries of a region's children: the country → provinces, a province → its cities (a
 * municipality: its districts and counties), a city → its county-level units (a city without
 * counties, 东莞: its township cells), a county → township cells, a township → village cells
 * (the last two illustrative, 示意). Empty where there are none.
 */
export function childFeatures(code: string): RegionFeatureCollection {
  if (!isRegionCode(code)) return empty();
  const level = levelOf(code);
  if (level === 'country') {
    return {
      type: 'FeatureCollection',
      features: chinaFeatures().features.filter((f) => f.properties.code !== NANHAI_CODE),
    };
  }
  if (level === 'province') {
    const fc = optionalJson<RegionFeatureCollection>(`province/${code}.json`);
    return { type: 'FeatureCollection', features: [...(fc?.features ?? [])] };
  }
  if (level === 'village') return empty();
  if (level === 'township') return within(countyVillages(code.slice(0, 6)), code, 'village');
  const bundle = cityBundle(`${code.slice(0, 4)}00`);
  if (level === 'city') {
    const counties = within(bundle?.counties, code, 'county');
    return counties.features.length > 0 ? counties : within(bundle?.townships, code, 'township');
  }
  return within(bundle?.townships, code, 'township');
}

/** For tests and tools that rebuild geo/data/ in-process. */
export function resetSpatialCache(): void {
  cache.clear();
}
