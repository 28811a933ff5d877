// Liveness in both directions (SPEC 6): a quiet region's walls get a heartbeat every interval
// while the server can read the store, and none once it cannot — with the embedded store, and
// with a real Redis that is killed and comes back. Counted over the app's own frame ticks, not
// over sleeps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../server/store/types.ts';
import { buildTestApp, type TestApp } from '../lib/app.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { REQUIRE_REDIS } from '../lib/redis.ts';
import { connectWall, until, type Wall } from '../lib/walls.ts';
import { haveRedisServer, PrivateRedis } from '../store/redis-server.ts';

const INTERVAL_MS = 100;
/** a village of 雁塔区 with no events at all */
const VILLAGE = '610113001001';
const walls: Wall[] = [];

afterEach(() => {
  for (const w of walls.splice(0)) w.socket.disconnect();
});

async function quietWall(t: TestApp, region = VILLAGE): Promise<Wall> {
  const w = connectWall(t.url, { region });
  walls.push(w);
  await until(() => w.snapshots.length === 1, 10_000, 'snapshot');
  return w;
}

describe('heartbeats on the embedded store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ FRAME_INTERVAL_MS: String(INTERVAL_MS) });
    await t.listen();
    const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it('a wall of a region with no events gets a heartbeat per interval: its seq, a later asOf each time', async () => {
    const w = await quietWall(t);
    const snap = w.snapshots[0]!;
    await t.app.feeds.afterTicks(2);
    const from = w.beats.length;
    await t.app.feeds.afterTicks(10);
    // the last tick's beat may still be on the wire
    await until(() => w.beats.length - from >= 9, 2000, 'nine heartbeats in ten ticks');
    const beats = w.beats.slice(from);
    expect(w.frames).toEqual([]);
    for (const b of beats) expect(b).toEqual({ region: VILLAGE, seq: snap.seq, asOf: expect.any(Number) });
    for (let i = 1; i < beats.length; i++) expect(beats[i]!.asOf).toBeGreaterThan(beats[i - 1]!.asOf);
    expect(beats[0]!.asOf).toBeGreaterThanOrEqual(snap.snapshot.asOf);
    // a few dozen bytes on the wire
    expect(JSON.stringify(beats[0]).length).toBeLessThan(80);
  });

  it('an interval with a frame has no heartbeat; the next heartbeats carry the new seq', async () => {
    const w = await quietWall(t, '610113');
    const seq0 = w.snapshots[0]!.seq;
    const ev = { id: `lv-${Date.now()}`, type: 'study.completed', ts: Date.now() - 1000, org: 'b1', member: 'lv1' };
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      payload: [{ ...ev, course: 'c', minutes: 5 }],
    });
    expect(r.json().accepted).toBe(1);
    await until(() => w.frames.length === 1, 5000, 'a frame');
    const n = w.beats.length;
    await until(() => w.beats.length >= n + 2, 5000, 'heartbeats after the frame');
    expect(w.frames[0]!.seq).toBe(seq0 + 1);
    expect(w.beats.slice(n).every((b) => b.seq === seq0 + 1)).toBe(true);
  });

  it('no heartbeat while the store cannot be read; they resume when it can', async () => {
    const w = await quietWall(t);
    await until(() => w.beats.length >= 2, 5000, 'heartbeats');
    const version = t.app.store.version.bind(t.app.store);
    t.app.store.version = async () => {
      throw new StoreUnavailableError('disk gone');
    };
    try {
      await t.app.feeds.afterTicks(2);
      await new Promise((r) => setTimeout(r, 50));
      const n = w.beats.length;
      await t.app.feeds.afterTicks(5);
      expect(w.beats.length, 'heartbeats while the store is unreadable').toBe(n);
    } finally {
      t.app.store.version = version;
    }
    const n = w.beats.length;
    await until(() => w.beats.length >= n + 2, 5000, 'heartbeats again');
  });

  it('a wall that drops and comes back within the window gets what it missed, not a snapshot', async () => {
    const w = connectWall(t.url, { region: '610113' }, { reconnect: true });
    walls.push(w);
    await until(() => w.snapshots.length === 1 && w.beats.length > 0, 5000, 'snapshot and a heartbeat');
    const seq0 = w.snapshots[0]!.seq;
    w.socket.io.reconnectionDelay(500);
    w.socket.io.engine.close();
    const ev = { id: `lv2-${Date.now()}`, type: 'study.completed', ts: Date.now() - 1000, org: 'b1', member: 'lv2' };
    await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: [{ ...ev, course: 'c', minutes: 5 }] });
    await until(() => w.frames.some((f) => f.seq === seq0 + 1), 5000, 'the missed frame');
    expect(w.socket.recovered).toBe(true);
    expect(w.snapshots).toHaveLength(1);
  });

  it('a new connection that says which seq it holds gets the frames after it, not a snapshot', async () => {
    const first = await quietWall(t, '610112');
    const seq0 = first.snapshots[0]!.seq;
    const ev = { id: `lv3-${Date.now()}`, type: 'study.completed', ts: Date.now() - 1000, org: 'b2', member: 'lv3' };
    await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: [{ ...ev, course: 'c', minutes: 5 }] });
    await until(() => first.frames.length === 1, 5000, 'a frame');
    const back = connectWall(t.url, { region: '610112', seq: seq0 });
    walls.push(back);
    await until(() => back.frames.length === 1, 5000, 'the frame it missed');
    expect(back.frames[0]).toEqual(first.frames[0]);
    expect(back.snapshots).toEqual([]);
    // a seq it cannot prove (from before this server's states) gets a snapshot
    const stranger = connectWall(t.url, { region: '610112', seq: 3 });
    walls.push(stranger);
    await until(() => stranger.snapshots.length === 1, 5000, 'a snapshot');
    expect(stranger.frames).toEqual([]);
  });
});

const redisOk = haveRedisServer();
if (!redisOk && !REQUIRE_REDIS) console.warn('\n*** SKIPPING Redis liveness tests: no redis-server binary ***\n');

describe.skipIf(!redisOk && !REQUIRE_REDIS)('heartbeats on Redis that dies and comes back', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await PrivateRedis.start([]);
    t = await buildTestApp({ REDIS_URL: redis.url, FRAME_INTERVAL_MS: String(INTERVAL_MS) });
    await t.listen();
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('Redis killed: heartbeats stop (the wall turns stale); Redis back: they resume', async () => {
    const w = await quietWall(t);
    await until(() => w.beats.length >= 3, 5000, 'heartbeats');
    await redis.kill();
    await t.app.feeds.afterTicks(2);
    await new Promise((r) => setTimeout(r, 50));
    const n = w.beats.length;
    await t.app.feeds.afterTicks(5);
    expect(w.beats.length, 'heartbeats with Redis down').toBe(n);
    expect(w.socket.connected, 'the wall stays connected: only its heartbeats stop').toBe(true);
    await redis.up();
    await until(() => w.beats.length >= n + 2, 15_000, 'heartbeats after Redis is back');
  }, 40_000);
});
