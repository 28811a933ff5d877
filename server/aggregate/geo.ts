// The geography the roll-up needs, as an interface so that pure tests can stub it; the
// default binds to geo/registry.ts. Provinces carry no label point in the registry, so a
// representative point (the provincial capital, GCJ-02) comes from PROVINCE_POINTS.
// Provinces at a point come from the boundary data (geo/spatial.ts).
import * as registry from '../../geo/registry.ts';
import { provinceAt } from '../../geo/spatial.ts';
import type { RegionRecord } from '../../geo/types.ts';
import type { RegionLevel, RegionRef } from '../contract/index.ts';

export type LngLat = [lng: number, lat: number];

export interface GeoLookup {
  region(code: string): (RegionRef & { parent: string | null }) | undefined;
  children(code: string): RegionRef[];
  ancestors(code: string): RegionRef[];
  labelPoint(code: string): LngLat | undefined;
  /** 6-digit province code at a point, or null outside China */
  provinceAt(lng: number, lat: number): string | null;
}

// prettier-ignore
export const PROVINCE_POINTS: Readonly<Record<string, LngLat>> = {
  '110000': [116.41, 39.91], '120000': [117.21, 39.09], '130000': [114.52, 38.05], '140000': [112.56, 37.87],
  '150000': [111.76, 40.82], '210000': [123.44, 41.81], '220000': [125.33, 43.82], '230000': [126.54, 45.81],
  '310000': [121.48, 31.23], '320000': [118.8, 32.06], '330000': [120.16, 30.27], '340000': [117.23, 31.82],
  '350000': [119.3, 26.08], '360000': [115.86, 28.68], '370000': [117.0, 36.67], '410000': [113.63, 34.75],
  '420000': [114.31, 30.6], '430000': [112.94, 28.23], '440000': [113.27, 23.13], '450000': [108.37, 22.82],
  '460000': [110.35, 20.02], '500000': [106.55, 29.56], '510000': [104.07, 30.57], '520000': [106.63, 26.65],
  '530000': [102.71, 25.05], '540000': [91.12, 29.65], '610000': [108.94, 34.34], '620000': [103.83, 36.06],
  '630000': [101.78, 36.62], '640000': [106.23, 38.49], '650000': [87.62, 43.83], '710000': [121.56, 25.04],
  '810000': [114.17, 22.28], '820000': [113.55, 22.19],
};

const ref = (r: { code: string; name: string; level: RegionLevel; illustrative: boolean }): RegionRef => ({
  code: r.code,
  name: r.name,
  level: r.level,
  illustrative: r.illustrative,
});

/** NBS names of a municipality's city-level groupings (北京 110100 市辖区, 重庆 500200 县). */
const MUNICIPAL_GROUPING = /^(市辖区|县)$/;

/**
 * The children a wall shows: the registry's, except that a municipality (a province whose
 * every city-level child is a 市辖区/县 grouping) shows its districts and counties, as its map
 * draws them (geo/build: province/<code>.json).
 */
export function shownChildren(code: string): RegionRecord[] {
  const kids = registry.childrenOf(code);
  if (registry.levelOf(code) === 'province' && kids.length > 0 && kids.every((k) => MUNICIPAL_GROUPING.test(k.name))) {
    return kids.flatMap((k) => registry.childrenOf(k.code));
  }
  return kids;
}

export const registryGeo: GeoLookup = {
  region(code) {
    const r = registry.getRegion(code);
    return r ? { ...ref(r), parent: r.parent } : undefined;
  },
  children: (code) => shownChildren(code).map(ref),
  ancestors: (code) => registry.ancestorsOf(code).map(ref),
  labelPoint(code) {
    const p = registry.labelPoint(code) ?? PROVINCE_POINTS[code];
    if (p) return [p[0], p[1]];
    const prov = PROVINCE_POINTS[`${code.slice(0, 2)}0000`];
    return prov ? [prov[0], prov[1]] : undefined;
  },
  provinceAt(lng, lat) {
    return provinceAt(lng, lat);
  },
};
