// The wall end to end: the real server (server/server.ts, no simulator: this test feeds the
// events, so the numbers hold still between deltas), headless Chromium at 1920×1080 and
// 3840×2160. Screenshots go to artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Org } from '../../server/contract/roster.ts';
import { simulation } from '../../mock/setup.ts';
import { expectKpisMatchApi, pageKpis, snapshotApi } from './kpis.ts';
import { chromiumFor, launch, type Launched } from './browser.ts';
import { ensureScreenBuilt, postJson, ROOT, serverProcess, type ServerProc } from './harness.ts';

const HAVE_CHROMIUM = chromiumFor('tests/e2e/wall.test.ts');

const ARTIFACTS = join(ROOT, 'artifacts');
const REGION = '610100';
const DRILL = '610113';
const NAMES = ['张三明', '李四光', '王五月', '赵六合'];

let server: ServerProc;
let chrome: Launched;
let roster: Org[];
let eventSeq = 0;

/** study, exams and heartbeats by members of branches under `prefix` */
async function ingest(prefix: string, count: number): Promise<void> {
  const orgs = roster.filter((o) => o.kind === 'branch' && o.region.startsWith(prefix));
  expect(orgs.length).toBeGreaterThan(0);
  const now = Date.now() - 1000;
  const events = [];
  for (let i = 0; i < count; i++) {
    const n = eventSeq++;
    const org = orgs[n % orgs.length]!.id;
    const member = `e2e-m-${n}`;
    const name = NAMES[n % NAMES.length]!;
    events.push({
      id: `e2e-s-${n}`,
      type: 'study.completed',
      ts: now,
      org,
      member,
      name,
      course: '党章党规学习',
      minutes: 30,
    });
    if (n % 3 === 0)
      events.push({
        id: `e2e-x-${n}`,
        type: 'exam.submitted',
        ts: now,
        org,
        member,
        name,
        exam: '党规测试',
        score: 50 + (n % 50),
        passed: n % 50 >= 10,
      });
  }
  const res = (await postJson(`${server.url}/api/v1/events`, events)) as { accepted: number };
  expect(res.accepted).toBe(events.length);
}

async function openWall(
  width: number,
  height: number,
  query = `region=${REGION}&theme=0`,
): Promise<{ page: Page; requests: string[] }> {
  const page = await chrome.newPage(width, height);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}/?${query}`);
  await page.waitForSelector('[data-live="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
  return { page, requests };
}

function expectAllLocal(requests: string[]): void {
  expect(requests.length).toBeGreaterThan(0);
  const outside = requests.filter((u) => !/^(data:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
  expect(outside).toEqual([]);
}

describe.skipIf(!HAVE_CHROMIUM)('the wall, end to end', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureScreenBuilt();
    server = await serverProcess('server/server.ts', { FRAME_INTERVAL_MS: '1000' });
    roster = simulation({ region: REGION }).roster;
    await postJson(`${server.url}/api/v1/roster`, roster, 'PUT');
    await ingest('6101', 60);
    chrome = await launch();
  });

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('1920×1080: KPIs equal the snapshot API, a delta moves them, masked names as received, nothing leaves the host', async () => {
    const { page, requests } = await openWall(1920, 1080);
    expect(await page.locator('[data-title]').textContent()).toBe('西安市智慧党建指挥中心');
    const before = await expectKpisMatchApi(page, server.url, REGION);

    await ingest(DRILL, 25);
    const after = await expectKpisMatchApi(page, server.url, REGION);
    expect(after.kpi.learnersToday).toBe(before.kpi.learnersToday + 25);
    expect(await page.getAttribute('[data-kpi="learnersToday"]', 'data-value')).toBe(String(after.kpi.learnersToday));

    // names reach the wall masked by the server, and are shown exactly so
    await page.waitForSelector('[data-who]', { timeout: 10_000 });
    const who = await page.$$eval('[data-who]', (els) => els.map((e) => e.textContent ?? ''));
    expect(who.length).toBeGreaterThan(0);
    const apiWho = new Set(after.ticker.map((t) => t.who).filter((w): w is string => w !== null));
    for (const w of who) {
      expect(w).not.toMatch(new RegExp(NAMES.join('|')));
      expect(apiWho.has(w) || /^\S\*+\S?$/.test(w), w).toBe(true);
    }
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'wall-1080p.png') });
    expectAllLocal(requests);
    await page.close();
  });

  it('3840×2160: the same grid at twice the pixels, numbers ≥ 96 px', async () => {
    const { page, requests } = await openWall(3840, 2160);
    await expectKpisMatchApi(page, server.url, REGION);
    const size = await page.$eval('[data-kpi="members"] .kpi-num', (e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size).toBeGreaterThanOrEqual(96);
    const label = await page.$eval('[data-kpi="members"] .kpi-label', (e) => parseFloat(getComputedStyle(e).fontSize));
    expect(label).toBeGreaterThanOrEqual(36);
    // labels ≥ 18 design px = 36 px here: ticker lines, map legend
    for (const sel of ['.tick-line', '.tick-org', '.legend']) {
      const px = await page.$eval(sel, (e) => parseFloat(getComputedStyle(e).fontSize));
      expect(px, sel).toBeGreaterThanOrEqual(36);
    }
    const map = await page.$eval('[data-panel="map"]', (e) => e.getBoundingClientRect().width);
    expect(map / 3840).toBeGreaterThanOrEqual(0.45);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'wall-4k.png') });
    expectAllLocal(requests);
    await page.close();
  });

  it('drill-down to 雁塔区 rescopes the numbers, the breadcrumb goes back up', async () => {
    const { page, requests } = await openWall(1920, 1080);
    const label = (
      JSON.parse(readFileSync(join(ROOT, 'geo/data/counties.json'), 'utf8')) as {
        features: { properties: { code: string; label: [number, number] } }[];
      }
    ).features.find((f) => f.properties.code === DRILL)!.properties.label;
    await page.waitForFunction(() => typeof window.__wallStats?.project === 'function');
    const [x, y] = await page.evaluate(([lng, lat]) => window.__wallStats!.project!(lng, lat), label);
    await page.mouse.click(x, y);
    await page.waitForFunction(() => document.querySelector('[data-title]')?.textContent?.startsWith('雁塔区'), null, {
      timeout: 15_000,
    });
    await page.waitForSelector('[data-live="true"]', { timeout: 15_000 });
    const county = await expectKpisMatchApi(page, server.url, DRILL);
    expect(county.region.code).toBe(DRILL);
    const city = await snapshotApi(server.url, REGION);
    expect(county.kpi.members).toBeLessThan(city.kpi.members);
    expect(await page.$$eval('[data-crumb]', (els) => els.map((e) => e.getAttribute('data-crumb')))).toEqual([
      '610000',
      REGION,
      DRILL,
    ]);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'wall-drill-610113.png') });

    await page.click(`[data-crumb="${REGION}"]`);
    await page.waitForFunction(() => document.querySelector('[data-title]')?.textContent?.startsWith('西安市'), null, {
      timeout: 15_000,
    });
    await expectKpisMatchApi(page, server.url, REGION);
    expectAllLocal(requests);
    await page.close();
  });

  it('killing the server shows stale data within 3 s, restarting it clears it', async () => {
    const { page, requests } = await openWall(1920, 1080);
    const shown = await pageKpis(page);
    await server.kill();
    const killedAt = Date.now();
    await page.waitForSelector('[data-live="false"]', { timeout: 3000 });
    expect(Date.now() - killedAt).toBeLessThan(3000);
    const text = await page.locator('[data-live]').textContent();
    expect(text).toMatch(/^数据截至 \d\d:\d\d:\d\d$/);
    // stale numbers stay on screen, dimmed and dated: never a blank wall
    expect(await pageKpis(page)).toEqual(shown);
    expect(await page.$eval('.wall', (e) => e.classList.contains('wall-stale'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'wall-stale.png') });

    await server.start();
    if ((await snapshotApi(server.url, REGION)).kpi.orgs === 0)
      await postJson(`${server.url}/api/v1/roster`, roster, 'PUT');
    await page.waitForSelector('[data-live="true"]', { timeout: 30_000 });
    await expectKpisMatchApi(page, server.url, REGION);
    expectAllLocal(requests);
    await page.close();
  });
});

describe.skipIf(!HAVE_CHROMIUM)('a wall whose token is scoped to a county', () => {
  const TOKEN = 'e2e-county-wall';
  let scoped: ServerProc;
  let browser: Launched;

  beforeAll(async () => {
    ensureScreenBuilt();
    scoped = await serverProcess('server/server.ts', { FRAME_INTERVAL_MS: '1000', SCREEN_TOKENS: `${TOKEN}:${DRILL}` });
    await postJson(`${scoped.url}/api/v1/roster`, simulation({ region: REGION }).roster, 'PUT');
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await scoped?.stop();
  });

  it('a breadcrumb level above the scope is refused: the wall stays and hides that level and those above', async () => {
    const page = await browser.newPage(1920, 1080);
    await page.goto(`${scoped.url}/?region=${DRILL}&token=${TOKEN}&theme=0`);
    await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
    const crumbs = () => page.$$eval('[data-crumb]', (els) => els.map((e) => e.getAttribute('data-crumb')));
    expect(await crumbs()).toEqual(['610000', REGION, DRILL]);

    await page.click(`[data-crumb="${REGION}"]`);
    await page.waitForFunction(
      (code) => [...document.querySelectorAll('[data-crumb]')].map((e) => e.getAttribute('data-crumb')).join() === code,
      DRILL,
      { timeout: 15_000 },
    );
    expect(await crumbs()).toEqual([DRILL]);
    expect(await page.locator('[data-title]').textContent()).toMatch(/^雁塔区/);
    await page.close();
  });
});
