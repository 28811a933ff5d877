// Any area of China (issue 12), end to end: for six areas that cover the odd cases, the area's
// geography built (tests/geo/lib/built-areas.ts, cached), the real app with AREA and GEO_DIR, the
// simulator's roster and a few thousand of its events, and the wall opened with no ?region=:
// it shows the area's name, its KPIs equal the snapshot's, the map drew the area's children,
// a click on a child drills in, and no request leaves the host. The country (100000) takes four
// minutes to build: it is checked only where geo/areas/100000/ was built (npm run geo:build --
// --area 100000).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Org } from '../../server/contract/roster.ts';
import type { RegionFeatureCollection } from '../../geo/browser.ts';
import { simulation } from '../../mock/setup.ts';
import { eventStream } from '../../mock/stream.ts';
import { builtArea } from '../geo/lib/built-areas.ts';
import { buildTestApp, type TestApp } from '../server/lib/app.ts';
import { expectKpisMatchApi } from './kpis.ts';
import { chromiumFor, launch, type Launched } from './browser.ts';
import { ensureScreenBuilt, postJson, ROOT } from './harness.ts';

const HAVE_CHROMIUM = chromiumFor('tests/e2e/areas.test.ts');

const ARTIFACTS = join(ROOT, 'artifacts');
const EVENTS = 3000;
const NATIONAL_DIR = join(ROOT, 'geo/areas/100000');

interface AreaCase {
  code: string;
  name: string;
  /** a child to click: it drills in and the map draws its children */
  drill: string;
  /** the 示意 note the area's own map shows (data-illustrative), or null for none */
  note: 'levels' | 'names' | 'cells' | null;
  /** a municipality: the map draws districts, the snapshot lists the 市辖区/县 groupings */
  municipality?: true;
}

const AREAS: AreaCase[] = [
  { code: '110000', name: '北京市', drill: '110101', note: null, municipality: true },
  { code: '500000', name: '重庆市', drill: '500101', note: 'levels', municipality: true },
  // 东莞 has no counties: its townships are its map
  { code: '440000', name: '广东省', drill: '441900', note: null },
  // 儋州 has no counties; 4690 (省直辖县级行政区划) is a city-level unit of its own; 三沙 is drawn 示意
  { code: '460000', name: '海南省', drill: '460400', note: 'names' },
  { code: '650000', name: '新疆维吾尔自治区', drill: '650100', note: null },
  { code: '430100', name: '长沙市', drill: '430104', note: null },
];

let chrome: Launched;
let screenDir: string;

/**
 * the simulator's events (up to `count`) of the two hours ending 10 minutes ago: older than the
 * 5-minute 在线党员 window, so no KPI moves by the clock alone while the wall and the API are compared
 */
function simulatedEvents(pop: ReturnType<typeof simulation>['pop'], count: number): unknown[] {
  const end = Date.now() - 10 * 60_000;
  const out: unknown[] = [];
  for (const ev of eventStream({ pop, startMs: end - 2 * 3600_000, endMs: end })) {
    out.push(ev);
    if (out.length >= count) break;
  }
  return out;
}

/** the city map's drawn children ('code:count'), once it names `region` */
async function drawn(page: Page, region: string): Promise<number> {
  await page.waitForFunction((r) => window.__wallStats?.mapDrawn.startsWith(`${r}:`), region, { timeout: 20_000 });
  const key = await page.evaluate(() => window.__wallStats!.mapDrawn);
  return Number(key.split(':')[1]);
}

/** the label point of `code` in the file the wall drew it from */
async function labelOf(url: string, area: string, code: string): Promise<[number, number]> {
  const level = area === '100000' ? 'china' : area.endsWith('0000') ? `province/${area}` : `city/${area}`;
  const r = await fetch(`${url}/geo/${level}.json`);
  expect(r.status).toBe(200);
  const body = (await r.json()) as RegionFeatureCollection | { counties: RegionFeatureCollection };
  const fc = 'counties' in body ? body.counties : body;
  const f = fc.features.find((x) => x.properties.code === code);
  expect(f, `${code} in ${level}.json`).toBeDefined();
  expect(f!.properties.label).toBeDefined();
  return f!.properties.label!;
}

async function openWall(url: string): Promise<{ page: Page; requests: string[] }> {
  const page = await chrome.newPage(1920, 1080);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${url}/?theme=0`);
  await page.waitForSelector('[data-live="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
  return { page, requests };
}

function expectAllLocal(requests: string[]): void {
  expect(requests.length).toBeGreaterThan(0);
  const outside = requests.filter((u) => !/^(data:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
  expect(outside).toEqual([]);
}

/** the app for `area` with the simulator's roster and events */
async function areaApp(area: string, geoDir: string, roster?: Org[]): Promise<{ app: TestApp; roster: Org[] }> {
  const app = await buildTestApp({ AREA: area, GEO_DIR: geoDir, FRAME_INTERVAL_MS: '1000' }, screenDir);
  const url = await app.listen();
  // the app pointed the registry at the area: the simulator builds the area's roster from it
  const sim = roster ? null : simulation({ region: area });
  const orgs = roster ?? sim!.roster;
  await postJson(`${url}/api/v1/roster`, orgs, 'PUT');
  if (sim) {
    const res = (await postJson(`${url}/api/v1/events`, simulatedEvents(sim.pop, EVENTS))) as { accepted: number };
    expect(res.accepted).toBeGreaterThan(0);
  }
  return { app, roster: orgs };
}

describe.skipIf(!HAVE_CHROMIUM)('the wall for any area', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureScreenBuilt();
    screenDir = join(ROOT, 'dist/screen');
    chrome = await launch();
  });

  afterAll(async () => {
    await chrome?.close();
  });

  for (const a of AREAS) {
    it(`${a.code} ${a.name}: the area's wall without ?region=, its children drawn, a drill, nothing off the host`, async () => {
      const dir = await builtArea(a.code);
      const { app, roster } = await areaApp(a.code, dir);
      const { url } = app;
      try {
        const config = (await (await fetch(`${url}/api/v1/config`)).json()) as {
          defaultRegion: string;
          area: { name: string };
        };
        expect(config.defaultRegion).toBe(a.code);
        expect(config.area.name).toBe(a.name);

        const { page, requests } = await openWall(url);
        const title = await page.textContent('[data-title]');
        expect(title?.startsWith(a.name)).toBe(true);
        const snap = await expectKpisMatchApi(page, url, a.code);
        // the simulator's roster, whole
        expect(snap.region.code).toBe(a.code);
        expect(snap.kpi.orgs).toBe(roster.length);
        expect(snap.kpi.members).toBe(roster.reduce((s, o) => s + o.members, 0));
        const children = Object.keys(snap.children).length;
        expect(children).toBeGreaterThan(0);
        const features = await drawn(page, a.code);
        // a municipality's map draws its districts under the snapshot's 市辖区/县 groupings
        if (a.municipality) expect(features).toBeGreaterThanOrEqual(children);
        else expect(features).toBe(children);
        const note = await page.$eval('[data-map-view="city"]', (el) =>
          el.querySelector('[data-illustrative]')?.getAttribute('data-illustrative'),
        );
        expect(note ?? null).toBe(a.note);
        expect(await page.$$eval('[data-crumb]', (els) => els.at(-1)?.getAttribute('data-crumb'))).toBe(a.code);
        await page.screenshot({ path: join(ARTIFACTS, `wall-area-${a.code}.png`) });

        // a click on a child drills in: the numbers rescope, the map draws the child's children
        const [lng, lat] = await labelOf(url, a.code, a.drill);
        await page.waitForFunction(() => typeof window.__wallStats?.project === 'function');
        const [x, y] = await page.evaluate(([g, t]) => window.__wallStats!.project!(g!, t!), [lng, lat]);
        await page.mouse.click(x, y);
        const below = await drawn(page, a.drill);
        expect(below).toBeGreaterThan(0);
        await page.waitForSelector('[data-live="true"]', { timeout: 15_000 });
        const child = await expectKpisMatchApi(page, url, a.drill);
        expect(child.region.code).toBe(a.drill);
        expect(await page.textContent('[data-title]')).toContain(child.region.name);
        const crumbs = await page.$$eval('[data-crumb]', (els) => els.map((e) => e.getAttribute('data-crumb')));
        expect(crumbs).toContain(a.code);
        expect(crumbs.at(-1)).toBe(a.drill);
        // and back up to the area
        await page.click(`[data-crumb="${a.code}"]`);
        await drawn(page, a.code);
        await expectKpisMatchApi(page, url, a.code);
        expectAllLocal(requests);
        await page.close();
      } finally {
        await app.close();
      }
    });
  }

  it.skipIf(!existsSync(join(NATIONAL_DIR, 'regions.json')))(
    '100000 中国: the provinces with the 南海诸岛, a province drills in, nothing off the host',
    async () => {
      // the simulator cannot build the country's roster yet (no census figures for 台湾, 香港, 澳门):
      // one organisation per province with members, enough for the wall's numbers and map
      const regions = JSON.parse(readFileSync(join(NATIONAL_DIR, 'regions.json'), 'utf8')) as {
        rows: [string, string, string | null, number | null, number | null][];
      };
      const provinces = regions.rows.filter((r) => r[2] === null && r[0] !== '100000' && r[3] !== null);
      const roster: Org[] = provinces.map((p, i) => ({
        id: `o-${p[0]}`,
        name: `${p[1]}党委`,
        parent: null,
        kind: 'branch',
        region: p[0],
        members: 100 + i,
        lng: p[3]!,
        lat: p[4]!,
      }));
      const { app } = await areaApp('100000', NATIONAL_DIR, roster);
      try {
        const { page, requests } = await openWall(app.url);
        expect((await page.textContent('[data-title]'))?.startsWith('中国')).toBe(true);
        const snap = await expectKpisMatchApi(page, app.url, '100000');
        expect(Object.keys(snap.children).length).toBeGreaterThanOrEqual(31);
        // 34 provincial units (the 南海诸岛 drawn beside them, not a region)
        expect(await drawn(page, '100000')).toBe(34);
        const [x, y] = await page.evaluate(() => window.__wallStats!.project!(113.4, 23.6));
        await page.mouse.click(x, y);
        expect(await drawn(page, '440000')).toBeGreaterThan(0);
        await expectKpisMatchApi(page, app.url, '440000');
        expectAllLocal(requests);
        await page.close();
      } finally {
        await app.close();
      }
    },
  );
});
