// The server starts while Redis is down (a private redis-server, started then killed, so its
// port is known and free): it listens, /healthz is 200, /readyz 503 with the reason, every store
// route 503 + Retry-After (never 500, never "unknown_org" for a roster it could not read), a
// wall is told `unavailable` (not bad_request). Redis starts: /readyz turns 200 by itself, the
// one-time open work (layout, roster) runs then, and the screen's own transport — refused until
// then — comes back live with no action.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhdj, { serverOptions } from '../../../server/app.ts';
import { testConfig } from '../../../server/config.ts';
import { buildTestApp, type TestApp } from '../lib/app.ts';
import { ROSTER, studyEvent } from '../lib/fixtures.ts';
import { REQUIRE_REDIS } from '../lib/redis.ts';
import { connectWall, until, type Wall } from '../lib/walls.ts';
import { haveRedisServer, PrivateRedis } from '../store/redis-server.ts';

// the screen's store drains on an animation frame (with a timer fallback): node has none
globalThis.requestAnimationFrame ??= (cb: FrameRequestCallback) =>
  setTimeout(() => cb(performance.now()), 0) as unknown as number;
globalThis.cancelAnimationFrame ??= (id: number) => clearTimeout(id);

const ok = haveRedisServer();
if (!ok && !REQUIRE_REDIS)
  console.warn('\n*** SKIPPING tests/server/faults/redis-down-at-start.test.ts: no redis-server ***\n');

const INTERVAL_MS = 200;

describe.skipIf(!ok && !REQUIRE_REDIS)('Redis down when the server starts', () => {
  let redis: PrivateRedis;
  let t: TestApp | undefined;
  const walls: Wall[] = [];
  let closeScreen: (() => void) | undefined;
  let n = 0;
  const study = () => studyEvent(`ds${n++}`);

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always']);
    await redis.kill();
  }, 30_000);
  afterAll(async () => {
    closeScreen?.();
    for (const w of walls) w.socket.disconnect();
    await t?.close();
    await redis?.stop();
  });

  it('starts and listens, answers 503 with the reason, tells walls `unavailable`; ready and live once Redis is up', async () => {
    t = await buildTestApp({
      REDIS_URL: redis.url,
      FRAME_INTERVAL_MS: String(INTERVAL_MS),
      REDIS_COMMAND_TIMEOUT_MS: '500',
    });
    const app = t.app;
    await t.listen();
    expect(app.store.isOpen).toBe(false);

    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ok: false, engine: 'redis', detail: { reason: 'redis unreachable' } });

    const requests = {
      ingest: { method: 'POST', url: '/api/v1/events', payload: [study()] },
      snapshot: { method: 'GET', url: '/api/v1/snapshot?region=610113' },
      orgs: { method: 'GET', url: '/api/v1/orgs?region=610113' },
      roster: { method: 'PUT', url: '/api/v1/roster', payload: ROSTER },
    } as const;
    for (const [what, req] of Object.entries(requests)) {
      const r = await app.inject(req);
      expect(r.statusCode, `${what} with Redis down at start`).toBe(503);
      expect(r.headers['retry-after'], what).toBeDefined();
    }

    // a wall: told the truth, then disconnected
    const w = connectWall(t.url, { region: '610113' });
    walls.push(w);
    await w.disconnected;
    expect(w.errors).toEqual([
      { reason: 'unavailable', message: expect.any(String), retryAfterMs: expect.any(Number) },
    ]);
    expect(w.errors[0]!.retryAfterMs).toBeGreaterThan(0);

    // the screen's own transport: refused, it keeps trying by itself
    const { connect } = await import('../../../screen/src/transport.ts');
    const { resetStore, wallStore } = await import('../../../screen/src/state/store.ts');
    const { isLive } = await import('../../../screen/src/state/apply.ts');
    resetStore('610113');
    closeScreen = connect('610113', undefined, t.url).close;
    await until(() => wallStore.getState().error?.reason === 'unavailable', 10_000, 'the screen refused');
    expect(isLive(wallStore.getState(), Date.now(), INTERVAL_MS)).toBe(false);

    await redis.up();
    await until(() => app.store.isOpen === true, 15_000, 'the store opened once Redis answers');
    const back = await app.inject({ method: 'GET', url: '/readyz' });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ ok: true, engine: 'redis', persistence: 'aof' });

    expect((await app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER })).statusCode).toBe(200);
    const r = await app.inject({ method: 'POST', url: '/api/v1/events', payload: [study()] });
    expect(r.statusCode).toBe(200);
    expect(r.json().accepted).toBe(1);

    await until(
      () =>
        wallStore.getState().snapshot?.region.code === '610113' &&
        isLive(wallStore.getState(), Date.now(), INTERVAL_MS),
      15_000,
      'the screen live again by itself',
    );
    expect(wallStore.getState().error).toBeNull();
    // and frames reach it over the adapter, which started reading once Redis answered
    const seq = wallStore.getState().seq;
    await app.inject({ method: 'POST', url: '/api/v1/events', payload: [study()] });
    await until(() => wallStore.getState().seq > seq, 10_000, 'a frame after the ingest');
  }, 60_000);

  it('checks persistence when Redis first answers: no AOF warning for a Redis it could not ask, one once it answers without AOF', async () => {
    const plain = await PrivateRedis.start(['--appendonly', 'no']);
    await plain.kill();
    const lines: { msg: string }[] = [];
    const config = testConfig({ DATA_DIR: join(tmpdir(), 'zhdj-unused'), REDIS_URL: plain.url, LOG_LEVEL: 'info' });
    const app = Fastify({
      ...serverOptions(config),
      logger: { level: 'info', stream: { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string }) } },
    });
    try {
      await app.register(zhdj, { config, screenDir: join(tmpdir(), 'zhdj-no-screen') });
      await app.ready();
      expect(lines.map((l) => l.msg)).toContain('redis unreachable: not ready until it answers');
      expect(
        lines.filter((l) => /AOF is off/.test(l.msg)),
        'an AOF warning before Redis answered',
      ).toEqual([]);
      await plain.up();
      await until(() => lines.some((l) => /AOF is off/.test(l.msg)), 15_000, 'the AOF warning once Redis answers');
      expect(lines.filter((l) => l.msg === 'store open')).toHaveLength(1);
    } finally {
      await app.close();
      await plain.stop();
    }
  }, 30_000);
});
