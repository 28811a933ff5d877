// A frozen Redis (SIGSTOP: the connection stays open, nothing answers) must not freeze the
// server: with REDIS_COMMAND_TIMEOUT_MS every route answers 503 + Retry-After (never 500, never a
// hang), walls get no heartbeat, and everything recovers by itself once Redis answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER, studyEvent } from './lib/fixtures.ts';
import { REQUIRE_REDIS } from './lib/redis.ts';
import { connectWall, until, type Wall } from './lib/walls.ts';
import { haveRedisServer, PrivateRedis } from './store/redis-server.ts';

const ok = haveRedisServer();
if (!ok && !REQUIRE_REDIS) console.warn('\n*** SKIPPING tests/server/redis-frozen.test.ts: no redis-server ***\n');

describe.skipIf(!ok && !REQUIRE_REDIS)('a frozen Redis', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let wall: Wall;
  let n = 0;
  const study = () => studyEvent(`fz${n++}`);

  beforeAll(async () => {
    redis = await PrivateRedis.start([]);
    t = await buildTestApp({ REDIS_URL: redis.url, FRAME_INTERVAL_MS: '100', REDIS_COMMAND_TIMEOUT_MS: '300' });
    await t.listen();
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER })).statusCode).toBe(200);
    wall = connectWall(t.url, { region: '610113' });
    await until(() => wall.snapshots.length === 1 && wall.beats.length > 0, 10_000, 'snapshot and heartbeats');
  }, 30_000);
  afterAll(async () => {
    wall?.socket.disconnect();
    if (redis?.proc?.pid) process.kill(redis.proc.pid, 'SIGCONT');
    await t?.close();
    await redis?.stop();
  });

  it('answers 503 + Retry-After on every route while Redis is stopped, sends no heartbeat, and recovers', async () => {
    process.kill(redis.proc!.pid!, 'SIGSTOP');
    try {
      const requests = {
        ingest: { method: 'POST', url: '/api/v1/events', payload: [study()] },
        snapshot: { method: 'GET', url: '/api/v1/snapshot?region=610113' },
        orgs: { method: 'GET', url: '/api/v1/orgs?region=610113' },
        roster: { method: 'PUT', url: '/api/v1/roster', payload: ROSTER },
        readyz: { method: 'GET', url: '/readyz' },
      } as const;
      for (const [what, req] of Object.entries(requests)) {
        const r = await t.app.inject(req);
        expect(r.statusCode, `${what} while Redis is frozen`).toBe(503);
        if (what !== 'readyz') expect(r.headers['retry-after'], what).toBeDefined();
      }
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // the frame tick's reads time out too: no heartbeat for what could not be confirmed
      await t.app.feeds.afterTicks(2);
      const beats = wall.beats.length;
      await t.app.feeds.afterTicks(3);
      expect(wall.beats.length, 'heartbeats while Redis is frozen').toBe(beats);
    } finally {
      process.kill(redis.proc!.pid!, 'SIGCONT');
    }
    await until(() => wall.beats.length > 0 && Date.now() - wall.beats.at(-1)!.asOf < 1000, 10_000, 'heartbeats again');
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: [study()] });
    expect(r.statusCode).toBe(200);
    expect(r.json().accepted).toBe(1);
  }, 60_000);
});
