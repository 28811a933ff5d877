import { describe, expect, it } from 'vitest';
import {
  childFeatures,
  chinaFeatures,
  countyAt,
  descendantsAt,
  labelPoint,
  provinceAt,
  provinces,
} from '../../geo/registry.ts';
import { pointInGeometry } from '../../geo/geometry.ts';

describe('countyAt', () => {
  it.each([
    [108.95, 34.22, '610113'], // 雁塔区 (checked against the decoded source polygon in decode.test.ts)
    [108.94, 34.26, '610103'], // 碑林区
    [109.97, 38.28, '610802'], // 榆阳区
    [105.0, 34.0, null], // 甘肃
    [Number.NaN, 34.0, null],
  ])('(%f, %f) → %s', (lng, lat, code) => {
    expect(countyAt(lng, lat)).toBe(code);
  });

  it('finds every county at its own label point', () => {
    for (const c of descendantsAt('610000', 'county')) {
      const [lng, lat] = labelPoint(c.code)!;
      expect(countyAt(lng, lat), c.code).toBe(c.code);
    }
  });
});

describe('provinceAt', () => {
  it.each([
    [116.4, 39.9, '110000'], // 北京
    [108.94, 34.34, '610000'], // 西安
    [121.52, 25.04, '710000'], // 台北
    [114.17, 22.32, '810000'], // 九龙
    [87.6, 43.8, '650000'], // 乌鲁木齐
    [150.0, 10.0, null],
  ])('(%f, %f) → %s', (lng, lat, code) => {
    expect(provinceAt(lng, lat)).toBe(code);
  });

  it('finds all 34 provinces at their own label points', () => {
    const all = provinces();
    expect(all).toHaveLength(34);
    for (const p of all) {
      const [lng, lat] = labelPoint(p.code)!;
      expect(provinceAt(lng, lat), p.code).toBe(p.code);
    }
  });
});

describe('childFeatures', () => {
  it('陕西 → 10 cities, 西安 → 13 counties', () => {
    expect(childFeatures('610000').features.map((f) => f.properties.level)).toEqual(Array(10).fill('city'));
    expect(childFeatures('610100').features).toHaveLength(13);
  });

  it('a county → its township cells, a township → its village cells, all 示意', () => {
    const townships = childFeatures('610113');
    expect(townships.features.map((f) => f.properties.code)).toEqual(
      descendantsAt('610113', 'township').map((r) => r.code),
    );
    const first = townships.features[0]!.properties.code;
    const villages = childFeatures(first);
    expect(villages.features.map((f) => f.properties.code)).toEqual(descendantsAt(first, 'village').map((r) => r.code));
    expect([...townships.features, ...villages.features].every((f) => f.properties.illustrative)).toBe(true);
  });

  it('is empty below villages, outside Shaanxi and for malformed codes', () => {
    expect(childFeatures('610113001001').features).toEqual([]);
    expect(childFeatures('620000').features).toEqual([]);
    expect(childFeatures('620100').features).toEqual([]);
    expect(childFeatures('x').features).toEqual([]);
  });

  it('the national view has 34 provinces and the 南海诸岛', () => {
    const codes = chinaFeatures().features.map((f) => f.properties.code);
    expect(codes).toHaveLength(35);
    expect(codes).toContain('nanhai');
  });
});

describe('labelPoint', () => {
  it('exists for every Shaanxi region and lies inside its township cell for townships', () => {
    const cells = new Map(childFeatures('610116').features.map((f) => [f.properties.code, f.geometry]));
    for (const t of descendantsAt('610116', 'township')) {
      const [lng, lat] = labelPoint(t.code)!;
      expect(pointInGeometry(cells.get(t.code)!, lng, lat), t.code).toBe(true);
    }
    for (const level of ['city', 'county', 'township', 'village'] as const) {
      const missing = descendantsAt('610000', level).filter((r) => !labelPoint(r.code));
      expect(missing, level).toEqual([]);
    }
    expect(labelPoint('610000')).toBeDefined();
    expect(labelPoint('999999')).toBeUndefined();
  });
});
