// Overload is refused early: under pressure (event-loop delay, heap, RSS) the API answers 503 +
// Retry-After while /healthz keeps answering and /readyz says why; the limits are from config.
import { afterEach, describe, expect, it } from 'vitest';
import { pressureReason } from '../../server/plugins/pressure.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER, studyEvent } from './lib/fixtures.ts';
import { until } from './lib/walls.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const post = async (app: TestApp) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify([studyEvent(`p${Math.random()}`, 'm1')]),
  });

const readyReason = async (app: TestApp): Promise<string | undefined> =>
  ((await app.app.inject({ method: 'GET', url: '/readyz' })).json() as { reason?: string }).reason;

/** Waits (bounded) until readiness names no pressure. */
async function calm(app: TestApp): Promise<void> {
  const start = Date.now();
  while ((await readyReason(app)) !== undefined) {
    if (Date.now() - start > 10_000) throw new Error('still under pressure after 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pressure limits', () => {
  it('heap above PRESSURE_MAX_HEAP_BYTES: the API answers 503 + Retry-After; /healthz 200, /readyz 503 with the reason', async () => {
    t = await buildTestApp({
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      PRESSURE_MAX_HEAP_BYTES: '1024',
      PRESSURE_SAMPLE_INTERVAL_MS: '100',
      PRESSURE_RETRY_AFTER_S: '7',
    });
    // the first sample comes one interval after the start
    await until(() => t!.app.memoryUsage().heapUsed > 0, 2000, 'a pressure sample');
    const r = await post(t);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.json().message).toMatch(/overloaded \(heap used \d+ MiB > 0 MiB\)/);
    const snap = await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100' });
    expect(snap.statusCode).toBe(503);
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ok: false, engine: 'memory' });
    expect(ready.json().reason).toMatch(/^heap used \d+ MiB > 0 MiB$/);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    // the wall's page and files are not the work worth refusing
    expect((await t.app.inject({ method: 'GET', url: '/' })).statusCode).not.toBe(503);
    expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });

  it('RSS above PRESSURE_MAX_RSS_BYTES: 503, and readiness names resident memory', async () => {
    t = await buildTestApp({
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      PRESSURE_MAX_RSS_BYTES: '1024',
      PRESSURE_SAMPLE_INTERVAL_MS: '100',
    });
    await until(() => t!.app.memoryUsage().rssBytes > 0, 2000, 'a pressure sample');
    expect((await post(t)).statusCode).toBe(503);
    expect(await readyReason(t)).toMatch(/^resident memory \d+ MiB > 0 MiB$/);
  });

  it('a blocked event loop: 503 while the delay is above the limit, accepted again once it is back', async () => {
    t = await buildTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '50', PRESSURE_SAMPLE_INTERVAL_MS: '100' });
    const roster = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
    expect(roster.statusCode).toBe(200);
    // a busy machine may delay this process too: start once the loop is calm
    await calm(t);
    expect((await post(t)).statusCode).toBe(200);
    // the process is busy 100 ms of every 110 (a handler that hogs the loop)
    const hog = setInterval(() => {
      const until = performance.now() + 100;
      while (performance.now() < until);
    }, 10);
    try {
      let reason: string | undefined;
      const start = Date.now();
      // inject resolves without a timer turn: sleep so that the hog and the sampler run
      while (reason === undefined && Date.now() - start < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        reason = await readyReason(t);
      }
      expect(reason).toMatch(/^event loop delay (\d+ ms|a whole sample interval) > 50 ms$/);
      const r = await post(t);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json().message).toMatch(/event loop delay/);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      clearInterval(hog);
    }
    await calm(t);
    expect((await post(t)).statusCode).toBe(200);
  });

  it('a busy event loop (PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT): writes 503 while busy, reads answer, accepted once idle', async () => {
    t = await buildTestApp({ PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: '50', PRESSURE_SAMPLE_INTERVAL_MS: '200' });
    await calm(t);
    const hog = setInterval(() => {
      const until = performance.now() + 100;
      while (performance.now() < until);
    }, 10);
    try {
      let reason: string | undefined;
      const start = Date.now();
      while (reason === undefined && Date.now() - start < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        reason = await readyReason(t);
      }
      expect(reason).toMatch(/^event loop busy \d+ % > 50 %$/);
      const r = await post(t);
      expect(r.statusCode).toBe(503);
      expect(r.json().message).toMatch(/event loop busy/);
      // writes only: a wall's reads still answer
      const read = await t.app.inject({ method: 'GET', url: '/api/v1/config' });
      expect(read.statusCode).toBe(200);
    } finally {
      clearInterval(hog);
    }
    await calm(t);
  });

  it.each([
    [{ eventLoopDelay: 812, heapUsed: 0, rssBytes: 0, eventLoopUtilized: 0 }, 'event loop delay 812 ms > 500 ms'],
    [
      { eventLoopDelay: Infinity, heapUsed: 0, rssBytes: 0, eventLoopUtilized: 0 },
      'event loop delay a whole sample interval > 500 ms',
    ],
    [{ eventLoopDelay: 10, heapUsed: 3 * 2 ** 30, rssBytes: 0, eventLoopUtilized: 0 }, 'heap used 3072 MiB > 2048 MiB'],
    [
      { eventLoopDelay: 10, heapUsed: 0, rssBytes: 5 * 2 ** 30, eventLoopUtilized: 0 },
      'resident memory 5120 MiB > 4096 MiB',
    ],
    [{ eventLoopDelay: 10, heapUsed: 0, rssBytes: 0, eventLoopUtilized: 0.97 }, 'event loop busy 97 % > 90 %'],
    [{ eventLoopDelay: 10, heapUsed: 2 ** 30, rssBytes: 2 ** 30, eventLoopUtilized: 0.5 }, null],
  ])('reason of %o: %s', (sample, reason) => {
    const limits = { eventLoopDelayMs: 500, heapBytes: 2 * 2 ** 30, rssBytes: 4 * 2 ** 30, eventLoopUtilization: 0.9 };
    expect(pressureReason(sample, limits)).toBe(reason);
    const off = { eventLoopDelayMs: 0, heapBytes: 0, rssBytes: 0, eventLoopUtilization: 0 };
    expect(pressureReason(sample, off)).toBeNull();
  });
});
