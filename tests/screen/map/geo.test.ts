import { describe, expect, it } from 'vitest';
import {
  boundsOf,
  childLevel,
  illustrativeNote,
  labelPoints,
  provinceCodeOf,
  type RegionFeature,
} from '../../../screen/src/map/geo.ts';

const square = (code: string, x: number, y: number, label?: [number, number]): RegionFeature => ({
  type: 'Feature',
  properties: { code, name: code, level: 'county', illustrative: false, ...(label ? { label } : {}) },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ],
  },
});

describe('map geo helpers', () => {
  it.each([
    ['province', 'city'],
    ['city', 'county'],
    ['county', 'township'],
    ['township', 'village'],
    ['village', null],
  ] as const)('childLevel(%s) = %s', (level, child) => {
    expect(childLevel(level)).toBe(child);
  });

  it('boundsOf spans every feature; none → null', () => {
    expect(boundsOf([square('a', 100, 30), square('b', 102, 33)])).toEqual([100, 30, 103, 34]);
    expect(boundsOf([])).toBeNull();
  });

  it('labelPoints uses the label property, else the bounds centre', () => {
    const pts = labelPoints([square('a', 100, 30, [100.2, 30.3]), square('b', 102, 33)]);
    expect(pts.features.map((f) => f.geometry.coordinates)).toEqual([
      [100.2, 30.3],
      [102.5, 33.5],
    ]);
    expect(pts.features[1]!.properties.code).toBe('b');
  });

  it.each([
    ['610000', '610000'],
    ['610100', '610000'],
    ['610113001', '610000'],
  ])('provinceCodeOf(%s) = %s', (code, province) => {
    expect(provinceCodeOf(code)).toBe(province);
  });
});

describe('illustrativeNote', () => {
  const f = (code: string, level: RegionFeature['properties']['level'], illustrative: boolean, name = code) => {
    const s = square(code, 0, 0);
    return { ...s, properties: { ...s.properties, level, illustrative, name } };
  };
  it('nothing, the cells, a few by name, many by level', () => {
    expect(illustrativeNote([f('610113', 'county', false)])).toEqual({ kind: 'none' });
    expect(illustrativeNote([f('610113001', 'township', true)])).toEqual({ kind: 'cells' });
    expect(illustrativeNote([f('440309', 'county', false), f('440311', 'county', true, '光明区')])).toEqual({
      kind: 'names',
      names: ['光明区'],
    });
    const chongqing = ['500101', '500102', '500103', '500104'].map((c) => f(c, 'county', true));
    expect(illustrativeNote(chongqing)).toEqual({ kind: 'levels', levels: ['county'] });
  });
});
