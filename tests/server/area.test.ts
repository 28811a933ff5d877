// AREA: what a deployment covers. A prefecture outside 陕西 (长沙) served from its built
// geography, the whole country rolling up its provinces, a missing area's geography built at
// start, and bad AREA values refused with the variable named.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureArea, DEFAULT_AREA } from '../../geo/area.ts';
import { buildRoster } from '../../mock/roster.ts';
import { ensureAreaData, useArea } from '../../server/area.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { Org } from '../../server/contract/roster.ts';
import { builtArea } from '../geo/lib/built-areas.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';

afterAll(() => configureArea(DEFAULT_AREA));

const sum = (orgs: readonly Org[]): number => orgs.reduce((s, o) => s + o.members, 0);

describe('AREA in the configuration', () => {
  it.each(['610113', '6101', 'abc', '610100001'])('refuses AREA=%s naming the variable', (area) => {
    expect(() => loadConfig({ AREA: area })).toThrow(ConfigError);
    expect(() => loadConfig({ AREA: area })).toThrow(/AREA/);
  });

  it.each(['610100', '430000', '441900', '100000'])('accepts AREA=%s', (area) => {
    expect(loadConfig({ AREA: area }).AREA).toBe(area);
  });

  it('defaults to 西安 610100 with the committed data', () => {
    expect(loadConfig({}).AREA).toBe('610100');
  });
});

describe('AREA=430100 (长沙, outside 陕西)', () => {
  let t: TestApp;
  let roster: Org[];
  beforeAll(async () => {
    const dir = await builtArea('430100');
    useArea('430100', dir);
    roster = buildRoster('430100');
    t = await buildTestApp({ AREA: '430100', GEO_DIR: dir });
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: roster })).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => t?.close());

  it('/api/v1/config names the area', async () => {
    const r = await t.app.inject({ url: '/api/v1/config' });
    expect(r.json()).toMatchObject({
      area: { code: '430100', name: '长沙市', level: 'city' },
      defaultRegion: '430100',
    });
  });

  it('a snapshot without region answers for the area, with its counties and the simulator’s members', async () => {
    const s = (await t.app.inject({ url: '/api/v1/snapshot' })).json() as {
      region: { code: string; name: string; ancestors: { code: string }[] };
      kpi: { members: number; orgs: number };
      children: Record<string, { name: string }>;
    };
    expect(s.region).toMatchObject({ code: '430100', name: '长沙市' });
    expect(s.region.ancestors.map((a) => a.code)).toEqual(['430000']);
    expect(s.kpi.members).toBe(sum(roster));
    expect(s.kpi.members).toBeGreaterThan(50_000);
    expect(Object.keys(s.children)).toHaveLength(9);
    expect(s.children['430102']?.name).toBe('芙蓉区');
  });

  it('a region outside the area is 404, a township inside answers', async () => {
    const out = await t.app.inject({ url: '/api/v1/snapshot?region=610100' });
    expect(out.statusCode).toBe(404);
    expect(out.json()).toMatchObject({ message: expect.stringMatching(/not a code of the configured area/) });
    const town = roster.find((o) => o.region.length === 9)!.region;
    expect((await t.app.inject({ url: `/api/v1/snapshot?region=${town}` })).statusCode).toBe(200);
  });

  it('serves the area’s geography at /geo/ (its city file, not 陕西’s)', async () => {
    expect((await t.app.inject({ url: '/geo/city/430100.json' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/geo/province/430000.json' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/geo/city/610100.json' })).statusCode).toBe(404);
  });
});

describe('AREA=110000 (北京, a municipality)', () => {
  let t: TestApp;
  let roster: Org[];
  beforeAll(async () => {
    const dir = await builtArea('110000');
    useArea('110000', dir);
    roster = buildRoster('110000');
    t = await buildTestApp({ AREA: '110000', GEO_DIR: dir });
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: roster })).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => t?.close());

  it('its snapshot shows its 16 districts (as its map draws them), not the 市辖区 grouping', async () => {
    const s = (await t.app.inject({ url: '/api/v1/snapshot' })).json() as {
      children: Record<string, { name: string; kpi: { members: number } }>;
    };
    expect(Object.keys(s.children)).toHaveLength(16);
    expect(s.children['110101']?.name).toBe('东城区');
    const members = Object.values(s.children).reduce((sum, c) => sum + c.kpi.members, 0);
    expect(members).toBe(sum(roster));
  });
});

describe('AREA=100000: the country above the provinces', () => {
  let t: TestApp;
  let roster: Org[];
  beforeAll(async () => {
    // a national registry holding two areas' trees (the full country's build takes minutes)
    const changsha = await builtArea('430100');
    const beijing = await builtArea('110000');
    const rows = new Map<string, unknown[]>();
    for (const dir of [changsha, beijing]) {
      const doc = JSON.parse(readFileSync(join(dir, 'regions.json'), 'utf8')) as { rows: unknown[][] };
      for (const r of doc.rows) rows.set(r[0] as string, r);
    }
    rows.set('100000', ['100000', '中国', null, null, null]);
    const dir = mkdtempSync(join(tmpdir(), 'zhdj-country-'));
    const sorted = [...rows.values()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    writeFileSync(join(dir, 'regions.json'), JSON.stringify({ format: 'zhdj-regions/1', rows: sorted }));
    copyFileSync(join(changsha, 'china.json'), join(dir, 'china.json'));
    useArea('430100', changsha);
    const cs = buildRoster('430100');
    useArea('110000', beijing);
    roster = [...cs, ...buildRoster('110000')];
    t = await buildTestApp({ AREA: '100000', GEO_DIR: dir });
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: roster })).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => t?.close());

  it('the national snapshot has the provinces as children, each with its members', async () => {
    const s = (await t.app.inject({ url: '/api/v1/snapshot' })).json() as {
      region: { code: string; level: string };
      kpi: { members: number };
      children: Record<string, { kpi: { members: number } }>;
    };
    expect(s.region).toMatchObject({ code: '100000', level: 'country' });
    expect(s.kpi.members).toBe(sum(roster));
    expect(Object.keys(s.children)).toHaveLength(34);
    const inProvince = (p: string): number => sum(roster.filter((o) => o.region.startsWith(p)));
    expect(s.children['430000']?.kpi.members).toBe(inProvince('43'));
    expect(s.children['110000']?.kpi.members).toBe(inProvince('11'));
    expect(s.children['710000']?.kpi.members).toBe(0);
  });

  it('a county’s ancestors start with 中国', async () => {
    const s = (await t.app.inject({ url: '/api/v1/snapshot?region=430102' })).json() as {
      region: { ancestors: { code: string }[] };
    };
    expect(s.region.ancestors.map((a) => a.code)).toEqual(['100000', '430000', '430100']);
  });
});

describe('an area whose geography is missing', () => {
  it('the app refuses to start naming the build command; the entry points build it first and say where', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'zhdj-nogeo-'));
    await expect(buildTestApp({ AREA: '620200', GEO_DIR: empty })).rejects.toThrow(
      /AREA 620200: no geography .*npm run geo:build -- --area 620200/,
    );
    const lines: string[] = [];
    await ensureAreaData('620200', empty, (l) => lines.push(l));
    expect(lines.join('\n')).toContain(`geography built`);
    expect(lines.join('\n')).toContain(empty);
    const t = await buildTestApp({ AREA: '620200', GEO_DIR: empty });
    try {
      const r = await t.app.inject({ url: '/api/v1/config' });
      expect(r.json()).toMatchObject({ area: { code: '620200', name: '嘉峪关市' } });
    } finally {
      await t.close();
    }
  }, 120_000);
});
