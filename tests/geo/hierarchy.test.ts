import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  childrenOf,
  cityOf,
  contains,
  descendantsAt,
  getRegion,
  levelOf,
  provinces,
} from '../../geo/registry.ts';
import { normalizeCode, parentCodeOf } from '../../geo/codes.ts';
import { parseVillageLine } from '../../geo/build/hierarchy.ts';

describe('hierarchy counts (SPEC section 7)', () => {
  it.each([
    ['610100', 'county', 13],
    ['610100', 'township', 172],
    ['610100', 'village', 3223],
    ['610000', 'city', 10],
    ['610000', 'county', 107],
  ] as const)('$0 has $2 $1 regions', (code, level, n) => {
    expect(descendantsAt(code, level)).toHaveLength(n);
  });

  it('陕西 has 10 cities as direct children, in code order', () => {
    const cities = childrenOf('610000');
    expect(cities.map((c) => c.code)).toEqual([
      '610100',
      '610200',
      '610300',
      '610400',
      '610500',
      '610600',
      '610700',
      '610800',
      '610900',
      '611000',
    ]);
    expect(cities[0]).toEqual({ code: '610100', name: '西安市', level: 'city', parent: '610000', illustrative: false });
  });

  it('China has 34 provincial units including 台湾, 香港, 澳门', () => {
    const all = provinces();
    expect(all).toHaveLength(34);
    expect(all.every((p) => p.level === 'province' && p.parent === null && /^\d{2}0000$/.test(p.code))).toBe(true);
    expect(all.filter((p) => ['710000', '810000', '820000'].includes(p.code)).map((p) => p.name)).toEqual([
      '台湾省',
      '香港特别行政区',
      '澳门特别行政区',
    ]);
  });
});

describe('lookups', () => {
  it('ancestors of a village are province, city, county, township (root first)', () => {
    const village = descendantsAt('610113', 'village')[0]!;
    expect(village.level).toBe('village');
    expect(village.illustrative).toBe(true);
    expect(ancestorsOf(village.code).map((r) => [r.code, r.level])).toEqual([
      ['610000', 'province'],
      ['610100', 'city'],
      ['610113', 'county'],
      [village.code.slice(0, 9), 'township'],
    ]);
    expect(ancestorsOf('610000')).toEqual([]);
  });

  it('getRegion returns the record and undefined for unknown codes', () => {
    expect(getRegion('610113')?.name).toBe('雁塔区');
    expect(getRegion('610199')).toBeUndefined();
    expect(getRegion('nonsense')).toBeUndefined();
  });

  it.each([
    ['610000', '610113001001', true],
    ['610100', '610113', true],
    ['610113', '610113', true],
    ['610100', '610200', false],
    ['610113', '610100', false],
    ['610113001', '610113002001', false],
    ['610000', '620100', false],
  ])('contains(%s, %s) is %s', (a, c, expected) => {
    expect(contains(a, c)).toBe(expected);
  });

  it.each([
    ['610000', 'province'],
    ['610100', 'city'],
    ['610113', 'county'],
    ['610113001', 'township'],
    ['610113001001', 'village'],
  ] as const)('levelOf(%s) is %s', (code, level) => {
    expect(levelOf(code)).toBe(level);
  });

  it('levelOf rejects malformed codes', () => {
    expect(() => levelOf('6101')).toThrow();
  });

  it('cityOf finds the city of any registered region', () => {
    expect(cityOf('610113001')).toBe('610100');
    expect(cityOf('610100')).toBe('610100');
    expect(cityOf('610000')).toBeNull();
    expect(cityOf('619999')).toBeNull();
  });

  it('normalises short codes and derives parents', () => {
    expect(normalizeCode('61')).toBe('610000');
    expect(normalizeCode('6101')).toBe('610100');
    expect(parentCodeOf('610113001001')).toBe('610113001');
    expect(parentCodeOf('610113')).toBe('610100');
    expect(parentCodeOf('610100')).toBe('610000');
  });

  it('every Shaanxi region has a registered parent of the next level up', () => {
    const all = [...descendantsAt('610000', 'village'), ...descendantsAt('610000', 'township')];
    for (const r of all) {
      const parent = getRegion(r.parent ?? '');
      expect(parent, r.code).toBeDefined();
    }
  });

  it('parses quoted village CSV rows', () => {
    expect(parseVillageLine('610113001001,"某""社区",610113001,61,6101,610113')).toEqual({
      code: '610113001001',
      name: '某"社区',
    });
    expect(parseVillageLine('code,name,streetCode')).toBeNull();
  });
});
