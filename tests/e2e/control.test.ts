// 大屏联动 end to end (issue 11): two server processes (server/server.ts) on one Redis, the
// presenter's control page at 1280×800 on the first, three walls in one room — two on the first
// process, one on the second — in headless Chromium.
// - A scene tapped on the control page reaches all three walls (region, theme, the room version
//   each wall committed); the tap → three walls figure is printed.
// - A tour paused and resumed continues with the dwell it had left, then steps on.
// - A newly firing red alert takes over a tour that allows it (badge with countdown on every
//   wall), and the tour comes back after it.
// - A replay at 60×: 回放 and the replayed clock on every wall, a seek shows the recorded picture
//   (the time from the scrubber's release to three walls is printed), stop returns to live.
// - Pairing: a wrong code and a code no longer shown are refused, the walls' code pairs a second
//   tablet, which takes control with a handover shown on the walls and the first page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulation } from '../../mock/setup.ts';
import type { RoomState } from '../../server/contract/control.ts';
import { clockParts } from '../../screen/src/format.ts';
import { chromiumFor, launch, type Launched } from './browser.ts';
import { ensureScreenBuilt, ROOT, serverProcess, type ServerProc } from './harness.ts';

const HAVE_CHROMIUM = chromiumFor('tests/e2e/control.test.ts');
const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379/9';
const PREFIX = `e2e-rooms-${process.pid}`;
const ROOM = 'e2e-hall';
const INGEST = 'e2e-ingest-token-0123456789';
const OP = 'e2e-presenter-token-0123456789';
const ARTIFACTS = join(ROOT, 'artifacts');

let a: ServerProc;
let b: ServerProc;
let chrome: Launched;
let control: Page;
let walls: Page[];
let redisOk = true;

const api = async <T>(path: string, init: RequestInit = {}, token = OP): Promise<{ status: number; body: T }> => {
  const r = await fetch(`${a.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
};
/** the room's stored state (a room nobody drove yet: version 0) */
const room = async (): Promise<RoomState> =>
  (await api<RoomState[]>('/api/v1/control/rooms')).body.find((r) => r.room === ROOM) ??
  ({ room: ROOM, v: 0 } as RoomState);

/** every wall shows `text` in its header and has committed room version ≥ v; resolves with the
 * instant (this machine's clock) each wall did */
const wallsShow = (text: string, v = 0, timeout = 30_000): Promise<number[]> =>
  Promise.all(
    walls.map(async (w) => {
      await w.waitForFunction(
        ([t, min]) => {
          const el = document.querySelector<HTMLElement>('.wall');
          return (
            (document.querySelector('[data-title]')?.textContent ?? '').includes(t as string) &&
            Number(el?.dataset.roomV ?? -1) >= (min as number)
          );
        },
        [text, v] as const,
        { timeout, polling: 10 },
      );
      return w.evaluate(() => Date.now());
    }),
  );

/** the control page's last click event (this machine's clock): the tap, without the time
 * Playwright's click takes to get there in a browser busy with three software-rendered walls */
const tapAt = () => control.evaluate(() => (window as unknown as { tapAt: number }).tapAt);

async function ingestOne(): Promise<void> {
  const { roster } = simulation({ region: '610100' });
  const org = roster.find((o) => o.kind === 'branch' && o.region.startsWith('610113'))!.id;
  const r = await fetch(`${a.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        id: `e2e-room-${Date.now()}`,
        type: 'study.completed',
        ts: Date.now() - 500,
        org,
        member: 'e2e-room-m',
        name: '张三',
        course: '党章党规学习',
        minutes: 20,
      },
    ]),
  });
  expect(r.status).toBe(200);
}

describe.skipIf(!HAVE_CHROMIUM)('rooms: a control page and three walls on two processes', () => {
  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await probe.connect();
      await probe.ping();
    } catch {
      redisOk = false;
      if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but no Redis at ${REDIS_URL}`);
      return;
    } finally {
      probe.disconnect();
    }
    ensureScreenBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    // one red rule that fires on demand: the upstream source silent for 1 s, at any hour (the
    // takeover's trigger); every other shipped rule off, so no other alert takes the room
    const rulesFile = join(ARTIFACTS, 'e2e-room-rules.json');
    const off = ['transfers-overdue', 'out-of-contact', 'study-rate-low', 'compliance-low', 'dues-low'];
    writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: [
          ...[...off, 'probation-overdue', 'study-anomaly'].map((id) => ({ id, enabled: false })),
          {
            id: 'source-silent',
            for: '0s',
            keepFiringFor: '0s',
            params: { silentFor: '2s', workingHours: '00:00-24:00', workingDays: [] },
          },
        ],
      }),
    );
    const env = {
      REDIS_URL,
      REDIS_PREFIX: PREFIX,
      INGEST_TOKENS: `${INGEST}:org-platform`,
      OPERATOR_TOKENS: `${OP}:王讲解:610100`,
      ALERT_RULES_FILE: rulesFile,
      ALERT_EVAL_INTERVAL_MS: '1000',
      REPLAY_RECORD_INTERVAL_MS: '1000',
    };
    [a, b] = await Promise.all([serverProcess('server/server.ts', env), serverProcess('server/server.ts', env)]);
    const { roster } = simulation({ region: '610100' });
    const put = await fetch(`${a.url}/api/v1/roster`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: JSON.stringify(roster),
    });
    expect(put.status).toBe(200);
    await ingestOne();
    const scene = (id: string, body: object) =>
      api(`/api/v1/control/scenes/${id}`, { method: 'PUT', body: JSON.stringify(body) });
    expect(
      (await scene('yanta', { name: '雁塔 · 转接', region: '610113', theme: 'transfers', panel: null, lang: 'zh' }))
        .status,
    ).toBe(200);
    expect(
      (await scene('changan', { name: '长安 · 学习', region: '610116', theme: 'study', panel: null, lang: 'zh' }))
        .status,
    ).toBe(200);
    const tour = (id: string, body: object) =>
      api(`/api/v1/control/tours/${id}`, { method: 'PUT', body: JSON.stringify(body) });
    const steps = (dwellS: number) => [
      { scene: 'yanta', dwellS },
      { scene: 'changan', dwellS },
    ];
    expect(
      (await tour('visit', { name: '视察', steps: steps(8), loop: true, takeover: false, takeoverS: 20 })).status,
    ).toBe(200);
    expect(
      (await tour('watch', { name: '值守', steps: steps(90), loop: true, takeover: true, takeoverS: 20 })).status,
    ).toBe(200);

    chrome = await launch();
    control = await chrome.newPage(1280, 800);
    walls = [await chrome.newPage(1920, 1080), await chrome.newPage(960, 540), await chrome.newPage(960, 540)];
    await control.goto(`${a.url}/control?token=${OP}&room=${ROOM}`);
    await control.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await control.evaluate(() =>
      document.addEventListener('click', () => ((window as unknown as { tapAt: number }).tapAt = Date.now()), true),
    );
    await Promise.all(walls.map((w, i) => w.goto(`${(i < 2 ? a : b).url}/?room=${ROOM}`)));
    await Promise.all(walls.map((w) => w.locator('[data-live="true"]').waitFor({ timeout: 60_000 })));
    // the control page mirrors the three walls (their reports come through both processes)
    await control.waitForFunction(() => document.querySelectorAll('[data-wall]').length === 3, null, {
      timeout: 30_000,
    });
  }, 180_000);

  afterAll(async () => {
    await chrome?.close();
    await a?.stop();
    await b?.stop();
    if (!redisOk) return;
    const r = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `*${PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
    r.disconnect();
  });

  it('a scene tapped on the control page reaches all three walls', async ({ skip }) => {
    if (!redisOk) skip();
    await control.locator('[data-tab="scenes"]').click();
    /** the tap → the command stored (the room's updatedAt), → the last wall showing the scene */
    const stored: number[] = [];
    const shown: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [id, name] = i % 2 === 0 ? ['yanta', '雁塔区'] : ['changan', '长安区'];
      const before = (await room()).v;
      await control.locator(`[data-cmd="scene:${id}"]`).click();
      const at = await wallsShow(name, before + 1);
      const tap = await tapAt();
      stored.push((await room()).updatedAt - tap);
      shown.push(Math.max(...at) - tap);
    }
    const s = await room();
    expect(s.view).toMatchObject({ region: '610116', theme: 'study', scene: 'changan' });
    for (const w of walls) {
      expect(await w.locator('.wall').getAttribute('data-room-v')).toBe(String(s.v));
      expect(await w.locator('[data-map-theme]').first().getAttribute('data-map-theme')).toBe('study');
    }
    // the mirror: every wall at the room's version, at 长安区
    await control.waitForFunction(
      (v) => [...document.querySelectorAll('[data-wall]')].every((e) => e.textContent?.includes(`v${v}`)),
      s.v,
      { timeout: 15_000 },
    );
    console.log(
      `[rooms e2e] scene: tap → stored ${stored.join(', ')} ms; tap → 3 walls showing the new region ` +
        `(its snapshot, map and charts rendered): ${shown.join(', ')} ms`,
    );
  }, 120_000);

  it('a paused tour resumes with the dwell it had left, then steps on', async ({ skip }) => {
    if (!redisOk) skip();
    await control.locator('[data-tab="tours"]').click();
    await control.locator('[data-cmd="tour.play:visit"]').click();
    await wallsShow('雁塔区');
    await new Promise((r) => setTimeout(r, 2500));
    await control.locator('[data-cmd="tour.pause"]').click();
    const paused = await room();
    expect(paused.tour).toMatchObject({ id: 'visit', index: 0, playing: false, pausedBy: 'presenter' });
    // at least 2.5 s of the 8 s dwell had passed
    expect(paused.tour!.remainingMs).toBeGreaterThan(0);
    expect(paused.tour!.remainingMs).toBeLessThanOrEqual(5500);
    await new Promise((r) => setTimeout(r, 3000));
    // still the first scene while paused
    expect((await room()).tour).toMatchObject({ index: 0, playing: false });
    await control.locator('[data-cmd="tour.resume"]').click();
    // the tap's command is on its way (socket → store): read the room once it is stored
    let resumed = await room();
    for (let i = 0; i < 20 && resumed.tour?.playing !== true; i++) {
      await new Promise((r) => setTimeout(r, 100));
      resumed = await room();
    }
    expect(resumed.tour).toMatchObject({ index: 0, playing: true, pausedBy: null });
    // the step ends the dwell left after the resume, not a whole dwell
    expect(resumed.tour!.endsAt! - resumed.updatedAt).toBe(paused.tour!.remainingMs);
    await wallsShow('长安区', resumed.v + 1);
    expect((await room()).tour).toMatchObject({ index: 1, playing: true });
    await control.locator('[data-cmd="tour.stop"]').click();
  }, 120_000);

  it('a newly firing red alert takes over the tour, with a countdown, and the tour comes back', async ({ skip }) => {
    if (!redisOk) skip();
    await control.locator('[data-tab="tours"]').click();
    await control.locator('[data-cmd="tour.play:watch"]').click();
    await wallsShow('雁塔区');
    // the source speaks, then falls silent: its alert resolves and fires again after the tour began
    await ingestOne();
    await Promise.all(walls.map((w) => w.locator('[data-room-takeover]').waitFor({ timeout: 60_000 })));
    const s = await room();
    expect(s.takeover).toMatchObject({ rule: 'source-silent', region: '610100', severity: 'red' });
    expect(s.tour).toMatchObject({ id: 'watch', playing: false, pausedBy: 'takeover' });
    await wallsShow('西安市');
    expect(await walls[0]!.locator('[data-countdown]').textContent()).toMatch(/\d+/);
    await walls[0]!.screenshot({ path: join(ARTIFACTS, 'wall-takeover-1080p.png') });
    // at most takeoverS (20 s) later the tour's scene is back and the tour plays on
    await wallsShow('雁塔区', s.v + 1, 45_000);
    await Promise.all(walls.map((w) => w.locator('[data-room-takeover]').waitFor({ state: 'detached' })));
    const back = await room();
    expect(back.takeover).toBeNull();
    expect(back.tour).toMatchObject({ id: 'watch', index: 0, playing: true, pausedBy: null });
    // the rest of the 90 s dwell, not a new one: the takeover's 20 s came out of nothing
    expect(back.tour!.endsAt! - back.updatedAt).toBeLessThan(90_000);
    await control.locator('[data-cmd="tour.stop"]').click();
  }, 150_000);

  it('a replay at 60× shows 回放 and the replayed time; a seek shows the recorded picture; stop is live', async ({
    skip,
  }) => {
    if (!redisOk) skip();
    const range = (await api<{ from: number; to: number; count: number }>('/api/v1/replay/range?region=610113')).body;
    expect(range.count).toBeGreaterThan(10);
    await control.locator('[data-tab="replay"]').click();
    await control.locator('[data-cmd="speed:60"]').click();
    await control.locator('[data-cmd="replay.24h"]').click();
    await Promise.all(walls.map((w) => w.locator('.live-replay').waitFor({ timeout: 15_000 })));
    for (const w of walls) expect(await w.locator('.live-replay').textContent()).toContain('回放');
    await control.locator('[data-cmd="replay.pause"]').click();
    // seek into what was recorded, paused: every wall shows that record's picture and time
    const seeks: number[] = [];
    const stored: number[] = [];
    for (const frac of [0.3, 0.7, 0.5]) {
      // on the scrubber's grid: whole seconds from the window's start
      const from = (await room()).replay!.from;
      const at = from + Math.round((range.from + (range.to - range.from) * frac - from) / 1000) * 1000;
      const want = (await api<{ snapshot: { asOf: number } }>(`/api/v1/replay/snapshot?region=610113&at=${at}`)).body;
      const scrubber = control.locator('[data-scrubber]');
      await scrubber.fill(String(at));
      const t0 = Date.now();
      await scrubber.dispatchEvent('pointerup');
      // each wall: when (its clock, this machine's) the recorded picture was on screen
      const shownAt = await Promise.all(
        walls.map(async (w) => {
          await w.waitForFunction(
            (asOf) => document.querySelector<HTMLElement>('.wall')?.dataset.replayedAsof === String(asOf),
            want.snapshot.asOf,
            { timeout: 10_000, polling: 10 },
          );
          return w.evaluate(() => Date.now());
        }),
      );
      seeks.push(Date.now() - t0);
      // from the seek stored (the room's updatedAt, same machine) to the last wall showing it
      stored.push(Math.max(...shownAt) - (await room()).updatedAt);
      for (const w of walls) {
        expect(await w.locator('[data-replay-at]').getAttribute('data-replay-at')).toBe(String(at));
        expect(await w.locator('[data-clock]').textContent()).toBe(clockParts(at).time);
        expect(await w.locator('[data-live]').getAttribute('data-live')).toBe('false');
      }
    }
    console.log(
      `[rooms e2e] replay seek, scrubber released → 3 walls showing the record: ${seeks.join(', ')} ms; ` +
        `seek stored → 3 walls: ${stored.join(', ')} ms`,
    );
    // docs/screenshots/wall-replay-1080p.png is a copy of this one
    await walls[0]!.screenshot({ path: join(ARTIFACTS, 'wall-replay-1080p.png') });
    // 60× for a moment: the replayed clock runs a minute per second
    await control.locator('[data-cmd="replay.resume"]').click();
    const r0 = Number(await walls[0]!.locator('[data-replay-at]').getAttribute('data-replay-at'));
    await new Promise((r) => setTimeout(r, 1500));
    const r1 = Number(await walls[0]!.locator('[data-replay-at]').getAttribute('data-replay-at'));
    expect(r1 - r0).toBeGreaterThan(30_000);
    await control.locator('[data-cmd="replay.stop"]').click();
    const liveAt = await Promise.all(
      walls.map(async (w) => {
        await w.locator('[data-live="true"]').waitFor({ timeout: 15_000 });
        return w.evaluate(() => Date.now());
      }),
    );
    const stoppedAt = (await room()).updatedAt;
    const stopTap = await tapAt();
    console.log(
      `[rooms e2e] replay stop: tap → stored ${stoppedAt - stopTap} ms; stored → each wall live ` +
        `${liveAt.map((t) => t - stoppedAt).join(', ')} ms`,
    );
    for (const w of walls) expect(await w.locator('.live-replay').count()).toBe(0);
  }, 120_000);

  it('pairing: a wrong or void code is refused; the walls’ code pairs a tablet that takes control', async ({
    skip,
  }) => {
    if (!redisOk) skip();
    const show = async () => {
      const r = await api<{ code: string }>('/api/v1/control/pairing', {
        method: 'POST',
        body: JSON.stringify({ room: ROOM }),
      });
      expect(r.status).toBe(200);
      // the code on every wall is the one the console was told
      await Promise.all(walls.map((w) => w.locator(`[data-room-pairing="${r.body.code}"]`).waitFor()));
      return r.body.code;
    };
    const tablet = await chrome.newPage(1280, 800);
    await tablet.goto(`${b.url}/control?room=${ROOM}`);
    const pairWith = async (code: string) => {
      await tablet.locator('[data-pair] input[name="code"]').fill(code);
      await tablet.locator('[data-pair] button[type="submit"]').click();
    };
    const first = await show();
    await pairWith(first === '000000' ? '000001' : '000000');
    await tablet.locator('[data-pair-error]').waitFor();
    // a code no longer shown (hidden from the console) is void
    expect((await api(`/api/v1/control/pairing/${ROOM}`, { method: 'DELETE' })).status).toBe(204);
    await Promise.all(walls.map((w) => w.locator('[data-room-pairing]').waitFor({ state: 'detached' })));
    await pairWith(first);
    await tablet.locator('[data-pair-error]').waitFor();
    const code = await show();
    await walls[0]!.screenshot({ path: join(ARTIFACTS, 'wall-pairing-1080p.png') });
    await pairWith(code);
    await tablet.locator('[data-session="pairing"]').waitFor({ timeout: 15_000 });
    // the code is spent: the walls show another one at once
    await walls[0]!.waitForFunction(
      (c) => {
        const el = document.querySelector<HTMLElement>('[data-room-pairing]');
        return el !== null && el.dataset.roomPairing !== c;
      },
      code,
      { timeout: 10_000 },
    );
    // the presenter's page still controls the room; the tablet takes over, visibly
    await tablet.locator('[data-take-control]').first().click();
    await control.locator('[data-handover]').waitFor({ timeout: 10_000 });
    await Promise.all(walls.map((w) => w.locator('[data-room-handover]').waitFor({ timeout: 10_000 })));
    const s = await room();
    expect(s.controller?.via).toBe('pairing');
    expect(s.handover).toMatchObject({ from: '王讲解' });
    // the tablet drives the room now; the first page is refused until it takes control back
    await tablet.locator('[data-tab="view"]').click();
    await tablet.locator('[data-cmd="region:610113"]').click();
    await wallsShow('雁塔区', s.v + 1);
    await control.locator('[data-tab="view"]').click();
    await control.locator('[data-cmd="region:610116"]').click();
    await control.locator('[data-refusal="not_controller"]').waitFor({ timeout: 10_000 });
    await tablet.close();
  }, 120_000);
});
