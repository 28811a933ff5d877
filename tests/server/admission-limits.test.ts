// Per-token rate limits (429 + Retry-After; keyed by a hash of the token, in Redis when Redis is
// configured, shared by the processes) and the failed-auth lockout per address.
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Lockout } from '../../server/plugins/lockout.ts';
import { rateKey } from '../../server/plugins/limits.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER } from './lib/fixtures.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from './lib/redis.ts';
import { until } from './lib/walls.ts';

const A = 'token-a-0123456789';
const B = 'token-b-0123456789';
let n = 0;
const batch = () =>
  JSON.stringify([
    {
      id: `l${n++}`,
      type: 'study.completed',
      ts: Date.now() - 1000,
      org: 'b1',
      member: `m${n}`,
      course: '党章',
      minutes: 20,
    },
  ]);
const post = async (t: TestApp, token: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    remoteAddress,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: batch(),
  });
const putRoster = async (t: TestApp, token: string) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/roster',
    headers: { authorization: `Bearer ${token}` },
    payload: ROSTER,
  });

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(async (t) => t.close()));
});

describe('per-token rate limit (memory)', () => {
  it('the (max+1)th ingest of a token in a minute: 429 + Retry-After and a clear message; other tokens unaffected', async () => {
    const t = await buildTestApp({ INGEST_TOKENS: `${A},${B}`, RATE_LIMIT_INGEST_PER_MIN: '3' });
    apps.push(t);
    expect((await putRoster(t, A)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await post(t, A)).statusCode).toBe(200);
    const r = await post(t, A);
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(r.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(r.json().message).toMatch(/rate limit: at most 3 requests a minute per token; retry in \d+ s/);
    // the same address with another token has its own count
    expect((await post(t, B)).statusCode).toBe(200);
  });

  it('roster has its own limit (RATE_LIMIT_ROSTER_PER_MIN)', async () => {
    const t = await buildTestApp({ INGEST_TOKENS: A, RATE_LIMIT_ROSTER_PER_MIN: '2' });
    apps.push(t);
    expect((await putRoster(t, A)).statusCode).toBe(200);
    expect((await putRoster(t, A)).statusCode).toBe(200);
    expect((await putRoster(t, A)).statusCode).toBe(429);
    expect((await post(t, A)).statusCode).toBe(200);
  });

  it('the key is a hash of the token, never the token', () => {
    const k = rateKey({ headers: { authorization: `Bearer ${A}` }, ip: '10.1.2.3' });
    expect(k).toMatch(/^t:[A-Za-z0-9_-]{22}$/);
    expect(k).not.toContain(A);
    expect(rateKey({ headers: { authorization: `Bearer ${B}` }, ip: '10.1.2.3' })).not.toBe(k);
    expect(rateKey({ headers: {}, ip: '10.1.2.3' })).toBe('a:10.1.2.3');
  });
});

const reachable = await redisReachable();
if (!reachable && !REQUIRE_REDIS) {
  console.warn(`\n*** SKIPPING the Redis rate-limit case: Redis at ${REDIS_TEST_URL} is unreachable ***\n`);
}
describe.skipIf(!reachable && !REQUIRE_REDIS)('per-token rate limit (Redis store)', () => {
  const prefix = privatePrefix('ratelimit');
  afterAll(async () => dropPrefix(prefix));

  it('two processes share one count per token; Redis holds only hashed keys', async () => {
    const env = { INGEST_TOKENS: A, RATE_LIMIT_INGEST_PER_MIN: '3', REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix };
    const a = await buildTestApp(env);
    apps.push(a);
    const b = await buildTestApp(env);
    apps.push(b);
    expect((await putRoster(a, A)).statusCode).toBe(200);
    await until(() => b.app.store.isKnownOrg('b1'), 10_000, 'roster on the second process');
    expect((await post(a, A)).statusCode).toBe(200);
    expect((await post(b, A)).statusCode).toBe(200);
    expect((await post(a, A)).statusCode).toBe(200);
    const r = await post(b, A);
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBeDefined();
    const redis = new Redis(REDIS_TEST_URL);
    try {
      const keys = await redis.keys(`${prefix}:ratelimit:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k).not.toContain(A);
      expect(keys.some((k) => k.endsWith(rateKey({ headers: { authorization: `Bearer ${A}` }, ip: '' })))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe('failed-auth lockout', () => {
  it('after AUTH_FAIL_LIMIT wrong tokens the address gets 429 even with the right one, until the lockout passes', async () => {
    const t = await buildTestApp({
      INGEST_TOKENS: A,
      SCREEN_TOKENS: 'wall-token-0123456789:610100',
      AUTH_FAIL_LIMIT: '5',
      AUTH_LOCKOUT_S: '1',
    });
    apps.push(t);
    expect((await putRoster(t, A)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await post(t, `wrong-${i}`, '10.0.0.7')).statusCode).toBe(401);
    const locked = await post(t, A, '10.0.0.7');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    expect(locked.json().message).toMatch(/too many failed token checks from this address/);
    // read auth is locked too; another address is not
    const read = await t.app.inject({
      method: 'GET',
      url: '/api/v1/snapshot?region=610100',
      remoteAddress: '10.0.0.7',
      headers: { authorization: 'Bearer wall-token-0123456789' },
    });
    expect(read.statusCode).toBe(429);
    expect((await post(t, A, '10.0.0.8')).statusCode).toBe(200);
    // bounded wait for the 1 s lockout to pass
    const start = Date.now();
    let status = 429;
    while (status === 429 && Date.now() - start < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await post(t, A, '10.0.0.7')).statusCode;
    }
    expect(status).toBe(200);
  });

  it('wrong screen tokens on the read API count too', async () => {
    const t = await buildTestApp({ SCREEN_TOKENS: 'wall-token-0123456789:610100', AUTH_FAIL_LIMIT: '3' });
    apps.push(t);
    const read = async (token: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/snapshot?region=610100',
        remoteAddress: '10.0.0.9',
        headers: { authorization: `Bearer ${token}` },
      });
    for (let i = 0; i < 3; i++) expect((await read(`nope-${i}`)).statusCode).toBe(401);
    expect((await read('wall-token-0123456789')).statusCode).toBe(429);
  });
});

describe('Lockout (injected clock)', () => {
  const make = (max = 100) => {
    let now = 1_000_000;
    const l = new Lockout({ limit: 3, windowMs: 60_000, lockoutMs: 30_000, now: () => now, maxAddresses: max });
    return { l, tick: (ms: number) => (now += ms) };
  };
  it('locks at the limit within the window, for lockoutMs', () => {
    const { l, tick } = make();
    expect(l.fail('a')).toBe(false);
    expect(l.fail('a')).toBe(false);
    expect(l.lockedForMs('a')).toBe(0);
    expect(l.fail('a')).toBe(true);
    expect(l.lockedForMs('a')).toBe(30_000);
    tick(29_999);
    expect(l.lockedForMs('a')).toBe(1);
    tick(1);
    expect(l.lockedForMs('a')).toBe(0);
  });
  it('failures older than the window do not count; a success clears them', () => {
    const { l, tick } = make();
    l.fail('a');
    l.fail('a');
    tick(60_001);
    expect(l.fail('a')).toBe(false);
    l.fail('a');
    l.succeed('a');
    expect(l.fail('a')).toBe(false);
    expect(l.fail('a')).toBe(false);
    expect(l.fail('a')).toBe(true);
  });
  it('a success during the lockout does not lift it; limit 0 is off; memory is bounded', () => {
    const { l } = make(2);
    for (let i = 0; i < 3; i++) l.fail('a');
    l.succeed('a');
    expect(l.lockedForMs('a')).toBe(30_000);
    const off = new Lockout({ limit: 0, windowMs: 1, lockoutMs: 1 });
    for (let i = 0; i < 10; i++) expect(off.fail('x')).toBe(false);
    l.fail('b');
    l.fail('c');
    expect(l.size).toBe(2);
  });
});
