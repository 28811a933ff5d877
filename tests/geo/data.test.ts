// Facts about the committed geo/data/ files.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WALL_BUDGET_GZIP_BYTES, wallLoadFor } from '../../geo/browser.ts';
import { bboxOf, inBBox, pointInGeometry } from '../../geo/geometry.ts';
import { childrenOf, descendantsAt, getRegion, levelOf } from '../../geo/registry.ts';
import type { CityBundle, RegionFeature, RegionFeatureCollection } from '../../geo/types.ts';

const DATA = new URL('../../geo/data/', import.meta.url);
const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, DATA), 'utf8')) as T;
const cityFiles = readdirSync(new URL('city/', DATA)).sort();
const bundles = cityFiles.map((f) => read<CityBundle>(`city/${f}`));
const counties = read<RegionFeatureCollection>('counties.json');
const shaanxi = read<RegionFeatureCollection>('shaanxi.json');
const china = read<RegionFeatureCollection>('china.json');

const allFeatures = (): RegionFeature[] => [
  ...counties.features,
  ...shaanxi.features,
  ...china.features.filter((f) => f.properties.code !== 'nanhai'),
  ...bundles.flatMap((b) => [...b.counties.features, ...b.townships.features, ...b.villages.features]),
];

describe('geo/data', () => {
  it('has one bundle per Shaanxi city', () => {
    expect(cityFiles).toEqual(childrenOf('610000').map((c) => `${c.code}.json`));
  });

  it('every boundary feature code exists in the hierarchy, with the right level and name', () => {
    const features = allFeatures();
    expect(features.length).toBeGreaterThan(20_000);
    for (const f of features) {
      const r = getRegion(f.properties.code);
      expect(r, f.properties.code).toBeDefined();
      expect(f.properties.level).toBe(r!.level);
      expect(f.properties.level).toBe(levelOf(f.properties.code));
      expect(f.properties.name).toBe(r!.name);
      expect(f.properties.illustrative).toBe(r!.level === 'township' || r!.level === 'village');
    }
  });

  it('every Shaanxi county has a boundary (107)', () => {
    expect(counties.features.map((f) => f.properties.code)).toEqual(
      descendantsAt('610000', 'county').map((r) => r.code),
    );
  });

  it('the 西安 bundle holds 13 counties, 172 township cells and 3,223 village cells', () => {
    const xian = bundles.find((b) => b.code === '610100')!;
    expect([xian.counties.features.length, xian.townships.features.length, xian.villages.features.length]).toEqual([
      13, 172, 3223,
    ]);
  });

  it('every village point lies inside its county polygon and its own cell', () => {
    const byCode = new Map(counties.features.map((f) => [f.properties.code, { f, box: bboxOf(f.geometry) }]));
    let checked = 0;
    for (const v of bundles.flatMap((b) => b.villages.features)) {
      const [lng, lat] = v.properties.label!;
      const county = byCode.get(v.properties.code.slice(0, 6))!;
      expect(inBBox(county.box, lng, lat) && pointInGeometry(county.f.geometry, lng, lat), v.properties.code).toBe(
        true,
      );
      expect(pointInGeometry(v.geometry, lng, lat), v.properties.code).toBe(true);
      checked++;
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
