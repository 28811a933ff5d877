// The pure part of the build: inputs → file texts. Same inputs, same bytes.
import type { CityBundle, LngLat, RegionFeature } from '../types.ts';
import { labelPointOf, pointInGeometry } from '../geometry.ts';
import { levelOf } from '../codes.ts';
import { chinaProvinces, provinceTree, type BuildRegion } from './hierarchy.ts';
import {
  chinaProvinceShapes,
  cleanAndSimplify,
  echartsCounties,
  geojsonCounties,
  lostParts,
  nanhaiFeature,
  shaanxiCities,
  type CodedShape,
  type Crs,
} from './boundaries.ts';
import { collection, roundGeometry, SURVEYED_DECIMALS, toFeature } from './features.ts';
import { regionsJson, roundTo, stableJson } from './output.ts';
import { partition, seededRandom, spreadPoints, voronoiCells } from './synth.ts';

type Geometry = RegionFeature['geometry'];

export interface BuildOptions {
  /** a GeoJSON of county boundaries keyed by 6-digit code, replacing the vendor data */
  countiesFile?: string | undefined;
  countiesCrs?: Crs | undefined;
}

/**
 * Simplify ratios (mapshaper: % of removable vertices kept), tuned to the wall's budget.
 * china.js is already coarse, and simplifying it would drop islands: cleaned only.
 */
const KEEP_PERCENT = { counties: 20, cities: 30, provinces: 100 } as const;
/** Any source part this large must survive simplification (the smallest real exclave is larger). */
const MIN_KEPT_PART_KM2 = 0.5;

async function simplified(
  shapes: CodedShape[],
  keepPercent: number,
  known: Map<string, BuildRegion>,
  what: string,
): Promise<Map<string, Geometry>> {
  const result = await cleanAndSimplify(shapes, { keepPercent });
  const lost = lostParts(shapes, result, MIN_KEPT_PART_KM2);
  if (lost.length > 0) throw new Error(`${what}: simplification lost parts: ${lost.join('; ')}`);
  return byCodeMap(result, known, what);
}

export interface Prepared {
  regions: BuildRegion[];
  byCode: Map<string, BuildRegion>;
  children: Map<string, string[]>;
  counties: Map<string, Geometry>;
  cities: Map<string, Geometry>;
  provinces: Map<string, Geometry>;
  /** hierarchy counties with no boundary in the source: reported, drawn without cells */
  countiesWithoutBoundary: string[];
}

function byCodeMap(shapes: CodedShape[], known: Map<string, BuildRegion>, what: string): Map<string, Geometry> {
  const out = new Map<string, Geometry>();
  for (const s of shapes) {
    if (!known.has(s.code)) throw new Error(`${what} boundary ${s.code} is not in the hierarchy`);
    if (out.has(s.code)) throw new Error(`${what} boundary ${s.code} appears twice`);
    out.set(s.code, s.geometry);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Hierarchy plus cleaned, simplified boundaries (mapshaper runs once per layer). */
export async function prepare(opts: BuildOptions = {}): Promise<Prepared> {
  const regions = [...chinaProvinces(), ...provinceTree('61')];
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const children = new Map<string, string[]>();
  for (const r of regions) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.code]);
  const countySource = opts.countiesFile
    ? geojsonCounties(opts.countiesFile, opts.countiesCrs ?? 'gcj02')
    : echartsCounties();
  const shaanxiCounties = countySource.filter((s) => s.code.startsWith('61'));
  const counties = await simplified(shaanxiCounties, KEEP_PERCENT.counties, byCode, 'county');
  const cities = await simplified(shaanxiCities(), KEEP_PERCENT.cities, byCode, 'city');
  const provinces = await simplified(chinaProvinceShapes(), KEEP_PERCENT.provinces, byCode, 'province');
  for (const [code, g] of counties) counties.set(code, roundGeometry(g, SURVEYED_DECIMALS));
  const countiesWithoutBoundary = regions
    .filter((r) => levelOf(r.code) === 'county' && !counties.has(r.code))
    .map((r) => r.code);
  return { regions, byCode, children, counties, cities, provinces, countiesWithoutBoundary };
}

function regionFeature(p: Prepared, code: string, geometry: Geometry, label: LngLat | undefined): RegionFeature {
  const level = levelOf(code);
  const illustrative = level === 'township' || level === 'village';
  return toFeature({ code, name: p.byCode.get(code)?.name ?? code, level, illustrative, geometry, label });
}

const round5 = (p: LngLat): LngLat => [roundTo(p[0], 5), roundTo(p[1], 5)];

/**
 * A village's point must lie in its own cell as written (rounded): the few seeds that
 * rounding puts just outside a tiny urban cell move to the cell's pole of inaccessibility.
 */
function pointInside(feature: RegionFeature, inCounty: (q: LngLat) => boolean): LngLat {
  const seed = feature.properties.label!;
  if (pointInGeometry(feature.geometry, ...seed)) return seed;
  const pole = round5(labelPointOf(feature.geometry, 0.00001));
  if (!pointInGeometry(feature.geometry, ...pole) || !inCounty(pole)) {
    throw new Error(`village ${feature.properties.code}: no point inside its rounded cell`);
  }
  return pole;
}

/** One city's bundle; adds every label point it derives to `labels`. */
export function cityBundle(p: Prepared, cityCode: string, labels: Map<string, LngLat>): CityBundle {
  const out: CityBundle = {
    code: cityCode,
    name: p.byCode.get(cityCode)?.name ?? cityCode,
    counties: collection([]),
    townships: collection([]),
    villages: collection([]),
  };
  for (const countyCode of p.children.get(cityCode) ?? []) {
    const county = p.counties.get(countyCode);
    if (!county) continue;
    const countyLabel = labelPointOf(county);
    labels.set(countyCode, countyLabel);
    out.counties.features.push(regionFeature(p, countyCode, county, countyLabel));
    const townships = p.children.get(countyCode) ?? [];
    const cells = partition({ code: countyCode, children: townships }, county, countyLabel);
    for (const townshipCode of townships) {
      const cell = cells.get(townshipCode)!;
      const townshipLabel = labelPointOf(cell, 0.0002);
      labels.set(townshipCode, townshipLabel);
      out.townships.features.push(regionFeature(p, townshipCode, cell, townshipLabel));
      const villages = p.children.get(townshipCode) ?? [];
      const inCounty = (q: LngLat): boolean => pointInGeometry(county, ...round5(q));
      const points = spreadPoints(cell, villages.length, seededRandom(townshipCode), inCounty).map(round5);
      const villageCells = villages.length > 0 ? voronoiCells(points, cell) : [];
      villages.forEach((villageCode, i) => {
        const feature = regionFeature(p, villageCode, villageCells[i]!, points[i]);
        const point = pointInside(feature, inCounty);
        feature.properties.label = point;
        labels.set(villageCode, point);
        out.villages.features.push(feature);
      });
    }
  }
  return out;
}

export interface Generated {
  files: Map<string, string>;
  countiesWithoutBoundary: string[];
}

/** Every output file's text, keyed by its path under geo/data/. */
export async function generate(opts: BuildOptions = {}): Promise<Generated> {
  const p = await prepare(opts);
  const labels = new Map<string, LngLat>();
  const files = new Map<string, string>();
  for (const cityCode of p.children.get('610000') ?? []) {
    files.set(`city/${cityCode}.json`, `${stableJson(cityBundle(p, cityCode, labels))}\n`);
  }
  const countyFeatures = [...p.counties].map(([code, g]) => regionFeature(p, code, g, labels.get(code)));
  files.set('counties.json', `${stableJson(collection(countyFeatures))}\n`);
  const cityFeatures = [...p.cities].map(([code, g]) => {
    labels.set(code, labelPointOf(g));
    return regionFeature(p, code, g, labels.get(code));
  });
  files.set('shaanxi.json', `${stableJson(collection(cityFeatures))}\n`);
  const provinceFeatures = [...p.provinces].map(([code, g]) => {
    labels.set(code, labelPointOf(g, 0.005));
    return regionFeature(p, code, g, labels.get(code));
  });
  const nanhai = toFeature({ ...nanhaiFeature().properties, geometry: nanhaiFeature().geometry });
  files.set('china.json', `${stableJson(collection([...provinceFeatures, nanhai]))}\n`);
  files.set('regions.json', regionsJson(p.regions, labels));
  return {
    files: new Map([...files].sort(([a], [b]) => a.localeCompare(b))),
    countiesWithoutBoundary: p.countiesWithoutBoundary,
  };
}
