// The ingest and push path on RedisStore, with two app instances sharing one Redis (the
// scale-out setup: REDIS_URL + the Socket.IO Redis adapter). Private key prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER } from './lib/fixtures.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from './lib/redis.ts';
import { connectWall, settled, until, type Wall } from './lib/walls.ts';

const reachable = await redisReachable();
if (!reachable && !REQUIRE_REDIS) {
  console.warn(
    `\n*** SKIPPING tests/server/redis.test.ts: Redis at ${REDIS_TEST_URL} is unreachable (set REDIS_TEST_URL, or REQUIRE_REDIS=1 to fail) ***\n`,
  );
}

describe.skipIf(!reachable && !REQUIRE_REDIS)('RedisStore through the server (two processes)', () => {
  const prefix = privatePrefix('server');
  const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, FRAME_INTERVAL_MS: '100' };
  let a: TestApp;
  let b: TestApp;
  const walls: Wall[] = [];
  let n = 0;
  const study = (member: string, org = 'b1') => ({
    id: `r${n++}`,
    type: 'study.completed',
    ts: Date.now() - 1000,
    org,
    member,
    course: 'c',
    minutes: 10,
  });
  const kpiOn = async (t: TestApp, region = '610100') =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/snapshot?region=${region}` })).json().kpi;

  beforeAll(async () => {
    expect(reachable, `Redis at ${REDIS_TEST_URL} is unreachable and REQUIRE_REDIS=1`).toBe(true);
    a = await buildTestApp(env);
    b = await buildTestApp(env);
    await b.listen();
    const r = await a.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
    expect(r.statusCode).toBe(200);
    // the other process picks the roster up by polling
    await until(() => b.app.store.isKnownOrg('b1'), 10_000, 'roster on the second process');
  }, 30_000);

  afterAll(async () => {
    for (const w of walls) w.socket.disconnect();
    await a?.close();
    await b?.close();
    await dropPrefix(prefix);
  });

  it('readyz reports the Redis persistence mode', async () => {
    const r = await a.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, engine: 'redis', persistence: expect.any(String) });
  });

  it('ingest on one process shows in the other one’s snapshot; duplicates across processes count once', async () => {
    const before = await kpiOn(b);
    const e1 = study('x1');
    const bad = { ...study('x2'), minutes: 9999 };
    const r1 = (await a.app.inject({ method: 'POST', url: '/api/v1/events', payload: [e1, bad, study('x3')] })).json();
    expect([r1.accepted, r1.duplicates, r1.rejected.length]).toEqual([2, 0, 1]);
    const r2 = (await b.app.inject({ method: 'POST', url: '/api/v1/events', payload: [e1] })).json();
    expect([r2.accepted, r2.duplicates]).toEqual([0, 1]);
    const after = await kpiOn(b);
    expect(after.learnersToday - before.learnersToday).toBe(2);
    expect(after.studyMinutesToday - before.studyMinutesToday).toBe(20);
  });

  it('NDJSON on Redis', async () => {
    const body = [study('n1'), study('n2')].map((e) => JSON.stringify(e)).join('\n');
    const r = await a.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(r.json().accepted).toBe(2);
  });

  it('a wall on one process gets frames for events ingested through the other; seq +1; resync', async () => {
    const w = connectWall(b.url, { region: '610100' });
    walls.push(w);
    await until(() => w.snapshots.length === 1, 10_000, 'snapshot');
    const seq = w.snapshots[0]!.seq;
    await settled(b.app.feeds, w);
    expect(w.frames).toEqual([]);
    await a.app.inject({ method: 'POST', url: '/api/v1/events', payload: [study('f1'), study('f2', 'b2')] });
    await until(() => w.frames.length === 1, 10_000, 'frame');
    expect(w.frames[0]!.seq).toBe(seq + 1);
    expect((w.frames[0]!.patch as { kpi?: { learnersToday?: number } }).kpi?.learnersToday).toBe(
      w.snapshots[0]!.snapshot.kpi.learnersToday + 2,
    );
    await a.app.inject({ method: 'POST', url: '/api/v1/events', payload: [study('f3')] });
    await until(() => w.frames.length === 2, 10_000, 'second frame');
    expect(w.frames[1]!.seq).toBe(seq + 2);
    w.socket.emit('resync');
    await until(() => w.snapshots.length === 3, 10_000, 'resync'); // the second came from settled()
    expect(w.snapshots[2]!.seq).toBe(seq + 2);
    expect(w.snapshots[2]!.snapshot.kpi.learnersToday).toBe(w.snapshots[0]!.snapshot.kpi.learnersToday + 3);
  });
});
