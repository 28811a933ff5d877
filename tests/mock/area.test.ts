import { describe, expect, it } from 'vitest';
import { levelOf } from '../../geo/codes.ts';
import type { RegionRecord } from '../../geo/types.ts';
import {
  AreaScale,
  areaRegion,
  chooseGranularity,
  countUnits,
  estimateOrgs,
  expectedSize,
  isGrouping,
  ORG_BUDGET,
  VILLAGE_SIZE,
  type Regions,
} from '../../mock/area.ts';
import { COUNTRY_POPULATION, membersFor, PROVINCES } from '../../mock/census.ts';
import { outsideCounties } from '../../mock/places.ts';
import { buildPopulation } from '../../mock/population.ts';
import { buildRoster, orgTypeOf } from '../../mock/roster.ts';

/** A small hierarchy from [code, name] rows; parents by code shape, or the given one. */
function stub(rows: [code: string, name: string, parent?: string][]): Regions {
  const byCode = new Map<string, RegionRecord>();
  const kids = new Map<string, RegionRecord[]>();
  for (const [code, name, given] of rows) {
    const level = levelOf(code);
    const parent =
      given ??
      (level === 'country'
        ? null
        : level === 'province'
          ? '100000'
          : level === 'city'
            ? `${code.slice(0, 2)}0000`
            : level === 'county'
              ? `${code.slice(0, 4)}00`
              : level === 'township'
                ? code.slice(0, 6)
                : code.slice(0, 9));
    const r: RegionRecord = { code, name, level, parent, illustrative: false };
    byCode.set(code, r);
    if (parent) kids.set(parent, [...(kids.get(parent) ?? []), r]);
  }
  return {
    get: (c) => byCode.get(c),
    children: (c) => [...(kids.get(c) ?? [])],
    roots: () => [...byCode.values()].filter((r) => r.parent === null || r.parent === '100000'),
  };
}

// 湖南 with 长沙 (one district, two townships) and 广东 with 东莞 (townships straight under the city)
const CHINA = stub([
  ['100000', '中国'],
  ['430000', '湖南省'],
  ['430100', '长沙市'],
  ['430102', '芙蓉区'],
  ['430102001', '文艺路街道'],
  ['430102001001', '识字岭社区居委会'],
  ['430102001002', '八一路社区居委会'],
  ['430102002', '东湖街道'],
  ['430102002201', '东湖村委会'],
  ['430102002202', '马坡岭村委会'],
  ['440000', '广东省'],
  ['441900', '东莞市'],
  ['441900003', '东城街道', '441900'],
  ['441900003001', '东泰社区居委会', '441900003'],
  ['441900003201', '温塘村委会', '441900003'],
  ['110000', '北京市'],
  ['110100', '市辖区'],
  ['110105', '朝阳区'],
  ['110105001', '建外街道'],
  ['110105001001', '永安里社区居委会'],
]);

describe('population and scaling', () => {
  it('holds the 31 provinces of 七普 and scales members by 西安’s ratio', () => {
    expect(Object.keys(PROVINCES)).toHaveLength(31);
    expect(COUNTRY_POPULATION).toBe(1_409_778_724);
    expect(PROVINCES['440000']!.population).toBe(126_012_510);
    expect(membersFor(12_952_907)).toBe(227_283);
    expect(membersFor(126_012_510)).toBe(Math.round((126_012_510 * 227_283) / 12_952_907));
  });

  it('computes the model’s expected village sizes', () => {
    expect(expectedSize(VILLAGE_SIZE.rural)).toBeGreaterThan(34);
    expect(expectedSize(VILLAGE_SIZE.rural)).toBeLessThan(38);
    expect(expectedSize(VILLAGE_SIZE.urban)).toBeGreaterThan(95);
    expect(expectedSize(VILLAGE_SIZE.urban)).toBeLessThan(115);
  });

  it('gives a prefecture its population share and the members for it', () => {
    const scale = new AreaScale(CHINA, 1);
    const changsha = CHINA.get('430100')!;
    const pop = scale.population(changsha);
    expect(pop).toBeGreaterThan(0);
    expect(pop).toBeLessThan(PROVINCES['430000']!.population);
    const roster = buildRoster('430100', 1, { regions: CHINA });
    const members = roster.reduce((a, o) => a + o.members, 0);
    // villages rescaled to the target (minimum branch sizes and rounding aside)
    expect(Math.abs(members - membersFor(pop))).toBeLessThanOrEqual(4);
    // a county's roster is the subtree of its prefecture's: the same factor
    expect(scale.factor(CHINA.get('430102001001')!)).toBe(scale.factor(changsha));
  });
});

describe('granularity', () => {
  it('takes the finest level that fits the budget', () => {
    const city = { cities: 1, counties: 13, townships: 172, villages: 3223 };
    expect(chooseGranularity(city)).toBe('village');
    expect(chooseGranularity({ cities: 10, counties: 107, townships: 1335, villages: 20356 })).toBe('township');
    expect(chooseGranularity({ cities: 342, counties: 2978, townships: 41352, villages: 620573 })).toBe('county');
    expect(chooseGranularity({ cities: 342, counties: 2978, townships: 41352, villages: 620573 }, 1000)).toBe('city');
    expect(estimateOrgs(city, 'village')).toBeLessThanOrEqual(ORG_BUDGET);
    expect(countUnits(CHINA, '430100')).toEqual({ cities: 1, counties: 1, townships: 2, villages: 4 });
  });

  it('builds a township-level roster with aggregates standing for the villages', () => {
    const roster = buildRoster('430100', 1, { regions: CHINA, granularity: 'township' });
    expect(roster.map((o) => [o.id, o.name, o.kind])).toEqual([
      ['o-430100', '中共长沙市委员会', 'committee'],
      ['o-430102', '中共芙蓉区委员会', 'committee'],
      ['o-430102001', '中共文艺路街道工作委员会', 'committee'],
      ['o-430102001-0', '文艺路街道机关党支部', 'branch'],
      ['o-430102001-u', '文艺路街道各社区党组织', 'branch'],
      ['o-430102002', '中共东湖街道工作委员会', 'committee'],
      ['o-430102002-0', '东湖街道机关党支部', 'branch'],
      ['o-430102002-r', '东湖街道各村党组织', 'branch'],
    ]);
    const village = buildRoster('430100', 1, { regions: CHINA });
    const sum = (r: typeof roster) => r.reduce((a, o) => a + o.members, 0);
    expect(Math.abs(sum(roster) - sum(village))).toBeLessThanOrEqual(4);
    expect(orgTypeOf('o-430102001-u', '430102001')).toBe('urban');
    expect(orgTypeOf('o-430102002-r', '430102002')).toBe('rural');
    expect(orgTypeOf('o-430102002-0', '430102002')).toBe('organ');
  });

  it('handles a city without counties, groupings and the whole country', () => {
    const dongguan = buildRoster('441900', 1, { regions: CHINA });
    expect(dongguan.map((o) => o.id)).toEqual(expect.arrayContaining(['o-441900', 'o-441900003', 'o-441900003-0']));
    expect(dongguan.find((o) => o.region === '441900003201')?.name).toMatch(/^温塘村/);
    // 市辖区 has no committee of its own: 朝阳区 hangs under 北京市
    const beijing = buildRoster('110000', 1, { regions: CHINA });
    expect(isGrouping(CHINA.get('110100')!)).toBe(true);
    expect(beijing.some((o) => o.region === '110100')).toBe(false);
    expect(beijing.find((o) => o.id === 'o-110105')?.parent).toBe('o-110000');
    const country = buildRoster('100000', 1, { regions: CHINA, granularity: 'county' });
    expect(country[0]).toMatchObject({ id: 'o-100000', name: '中国共产党中央委员会', parent: null });
    // 东莞 is its own county-level leaf
    expect(country.filter((o) => o.parent === 'o-441900').map((o) => o.id)).toEqual([
      'o-441900-0',
      'o-441900-u',
      'o-441900-r',
    ]);
    expect(country.find((o) => o.id === 'o-441900-0')?.name).toBe('东莞市乡镇（街道）机关党组织');
  });
});

describe('places beyond 陕西', () => {
  it('sends floating members away from their own prefecture, transfers outside the area', () => {
    const roster = buildRoster('440000', 1, { regions: CHINA, granularity: 'village' });
    const pop = buildPopulation(roster, 42, outsideCounties(CHINA.get('440000')!, CHINA));
    expect(pop.floating.every((f) => !f.city.county.startsWith('4419'))).toBe(true);
    expect(pop.outside.some((c) => c.startsWith('44'))).toBe(false);
    expect(outsideCounties(CHINA.get('100000')!, CHINA)).toEqual([]);
    expect(outsideCounties(CHINA.get('430102')!, CHINA)).not.toContain('430102');
  });

  it('names the covered area in errors', () => {
    expect(() => areaRegion('420100', CHINA)).toThrow(/unknown region 420100: the region data covers 中国 100000/);
    expect(() => areaRegion('430102001', CHINA)).toThrow(/township/);
    const hunan = stub([
      ['430000', '湖南省'],
      ['430100', '长沙市'],
      ['430102', '芙蓉区'],
      ['440000', '广东省'],
    ]);
    expect(() => areaRegion('440000', hunan)).toThrow(/holds nothing below it; it covers 湖南省 430000/);
  });
});
