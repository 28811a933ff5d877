// A quiet village wall on a healthy server stays live: the real server (a roster, NO events),
// headless Chromium at 1920×1080, the wall at a village of 西安 (12-digit code). Nothing changes
// in that region, so no frame is ever sent: only heartbeats keep it live. Sampled, not timed:
//   LIVENESS_SECONDS=3600 npx vitest run --project e2e tests/e2e/liveness.test.ts   (an hour, by hand)
// Then the server hangs (SIGSTOP: the socket stays open, nothing arrives) and the wall turns
// stale by its clock alone; it comes back when the server does; then the server is killed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { simulation } from '../../mock/setup.ts';
import { clockParts } from '../../screen/src/format.ts';
import { chromiumFor, launch, type Launched } from './browser.ts';
import { ensureScreenBuilt, postJson, ROOT, serverProcess, type ServerProc } from './harness.ts';

const HAVE_CHROMIUM = chromiumFor('tests/e2e/liveness.test.ts');

const ARTIFACTS = join(ROOT, 'artifacts');
const CITY = '610100';
const FRAME_INTERVAL_MS = 1000;
const LIVENESS_SECONDS = Number(process.env.LIVENESS_SECONDS ?? 20);
const SAMPLE_MS = 500;
/** the stale check's sampling: stale within 3 intervals, + the wall's liveness re-check (every
 * 250 ms, store.ts) + one sample: a sampled bound, not a timing one */
const STALE_SAMPLE_MS = 250;
const WALL_RECHECK_MS = 250;
const STALE_WITHIN_MS = 3 * FRAME_INTERVAL_MS + WALL_RECHECK_MS + STALE_SAMPLE_MS;

let server: ServerProc;
let chrome: Launched;
let village: string;

interface Sample {
  live: string | null;
  /** the instant 数据截至 shows (data-asof), and its text */
  asOf: number | null;
  asOfText: string | null;
  badge: string | null;
  dimmed: boolean;
}

function sample(page: Page): Promise<Sample> {
  return page.evaluate(() => {
    const badge = document.querySelector('[data-live]');
    const asOf = document.querySelector('[data-asof]');
    return {
      live: badge?.getAttribute('data-live') ?? null,
      asOf: asOf ? Number(asOf.getAttribute('data-asof')) : null,
      asOfText: asOf?.textContent ?? null,
      badge: badge?.textContent ?? null,
      dimmed: document.querySelector('.wall')?.classList.contains('wall-stale') ?? false,
    };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asOfLabel = (ms: number) => `数据截至 ${clockParts(ms).time}`;

/** samples every STALE_SAMPLE_MS from `since` until one shows not live, or STALE_WITHIN_MS ran out */
async function staleSampled(page: Page, since: number): Promise<{ sample: Sample | null; samples: number }> {
  let samples = 0;
  while (Date.now() - since <= STALE_WITHIN_MS) {
    const s = await sample(page);
    samples++;
    if (s.live === 'false') return { sample: s, samples };
    await sleep(STALE_SAMPLE_MS);
  }
  return { sample: null, samples };
}

describe.skipIf(!HAVE_CHROMIUM)('a quiet village wall', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureScreenBuilt();
    // the alert rules' first evaluation is a change every wall gets once (its panel stops saying
    // it awaits one); this test is about a store with no events, so it comes after the test
    server = await serverProcess('server/server.ts', {
      FRAME_INTERVAL_MS: String(FRAME_INTERVAL_MS),
      ALERT_EVAL_INTERVAL_MS: '3600000',
    });
    const roster = simulation({ region: CITY }).roster;
    village = roster.find((o) => o.kind === 'branch' && o.region.length === 12)!.region;
    await postJson(`${server.url}/api/v1/roster`, roster, 'PUT');
    chrome = await launch();
  });

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it(
    `stays live for ${LIVENESS_SECONDS} s with no events; a hung server turns it stale, a killed one too, 数据截至 kept`,
    async () => {
      const page = await chrome.newPage(1920, 1080);
      await page.goto(`${server.url}/?region=${village}&theme=0`);
      await page.waitForSelector('[data-live="true"]', { timeout: 30_000 });
      await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
      expect(await page.evaluate(() => window.__wallStats?.region)).toBe(village);

      // quiet and healthy: every sample live, undimmed, 数据截至 moving with the heartbeats
      const samples: Sample[] = [];
      const started = Date.now();
      while (Date.now() - started < LIVENESS_SECONDS * 1000) {
        samples.push(await sample(page));
        await sleep(SAMPLE_MS);
      }
      const live = samples.filter((s) => s.live === 'true' && !s.dimmed).length;
      console.log(
        `quiet village wall ${village}: ${live} of ${samples.length} samples live over ${LIVENESS_SECONDS} s`,
      );
      const notLive = samples.filter((s) => s.live !== 'true' || s.dimmed);
      expect(notLive).toEqual([]);
      for (const s of samples) expect(s.asOfText).toBe(asOfLabel(s.asOf!));
      // 数据截至 followed the heartbeats: it moved by about the time sampled, not stuck at the snapshot
      const moved = samples.at(-1)!.asOf! - samples[0]!.asOf!;
      expect(moved).toBeGreaterThanOrEqual((LIVENESS_SECONDS - (3 * FRAME_INTERVAL_MS) / 1000) * 1000);
      expect(await page.evaluate(() => window.__wallStats?.framesApplied)).toBe(0); // no frame: beats alone
      await page.screenshot({ path: join(ARTIFACTS, 'wall-quiet-village-live.png') });

      // hung: the socket stays open and nothing arrives; the wall's clock turns it stale
      const beforeHang = (await sample(page)).asOf!;
      server.pause();
      const hungAt = Date.now();
      let hung: Awaited<ReturnType<typeof staleSampled>>;
      try {
        hung = await staleSampled(page, hungAt);
      } finally {
        server.resume();
      }
      console.log(`hung server: stale at sample ${hung.samples} (every ${STALE_SAMPLE_MS} ms)`);
      expect(hung.sample, 'not stale within 3 s + re-check + one sample of a hung server').not.toBeNull();
      expect(hung.sample!.dimmed).toBe(true);
      expect(hung.sample!.asOf).toBeGreaterThanOrEqual(beforeHang);
      expect(hung.sample!.badge).toBe(asOfLabel(hung.sample!.asOf!));
      // the server resumes: heartbeats with a newer asOf make it live again (same socket)
      await page.waitForSelector('[data-live="true"]', { timeout: 10_000 });

      // killed: not live within 3 s + re-check + one sample; 数据截至 keeps the last confirmed instant
      await sleep(2 * FRAME_INTERVAL_MS);
      const beforeKill = await sample(page);
      expect(beforeKill.live).toBe('true');
      await server.kill();
      const killedAt = Date.now();
      const killed = await staleSampled(page, killedAt);
      expect(killed.sample, 'not stale within 3 s + re-check + one sample of a killed server').not.toBeNull();
      const last = killed.sample!.asOf!;
      expect(last).toBeGreaterThanOrEqual(beforeKill.asOf!);
      expect(last - beforeKill.asOf!).toBeLessThanOrEqual(2 * FRAME_INTERVAL_MS); // a beat in flight at most
      const after: Sample[] = [];
      for (let i = 0; i < 8; i++) {
        after.push(await sample(page));
        await sleep(STALE_SAMPLE_MS);
      }
      for (const s of after) {
        expect(s.live).toBe('false');
        expect(s.dimmed).toBe(true);
        expect(s.asOf).toBe(last);
        expect(s.badge).toBe(asOfLabel(last));
      }
      await page.screenshot({ path: join(ARTIFACTS, 'wall-quiet-village-stale.png') });
      await page.close();
    },
    (LIVENESS_SECONDS + 180) * 1000,
  );
});
