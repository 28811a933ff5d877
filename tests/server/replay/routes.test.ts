// GET /api/v1/replay/snapshot and /replay/range on the real app (files engine, manual
// recording, an injected clock): the recorded picture, its ancestor for a township, 404 before
// the first record, and the snapshot route's token checks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulation } from '../../../mock/setup.ts';
import { ZonedClock } from '../../../server/aggregate/period.ts';
import app, { serverOptions } from '../../../server/app.ts';
import { localDayStart } from '../../../server/cli/audit-export.ts';
import { testConfig } from '../../../server/config.ts';

const MIN = 60_000;
const WALL = 'replay-wall-token-610113-abcdef';
const CITY_WALL = 'replay-wall-token-610100-abcdef';
const TOWN_WALL = 'replay-wall-token-610113001-abc';
const INGEST = 'replay-ingest-token-0123456789';
const T0 = localDayStart(new ZonedClock('Asia/Shanghai'), '2026-06-01') + 4 * 3_600_000;

let fastify: FastifyInstance;
let dir: string;
let now = T0;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhdj-replay-routes-'));
  const config = testConfig({
    DATA_DIR: dir,
    INGEST_TOKENS: INGEST,
    SCREEN_TOKENS: `${WALL}:610113,${CITY_WALL}:610100,${TOWN_WALL}:610113001`,
  });
  fastify = Fastify({ ...serverOptions(config), logger: false });
  await fastify.register(app, {
    config,
    screenDir: join(dir, 'none'),
    replay: { now: () => now, manual: true },
    alerts: { now: () => now, manual: true },
    control: { now: () => now, manual: true },
  });
  await fastify.ready();
  await fastify.store.putRoster(simulation({ region: '610100' }).roster);
  await fastify.replay.record(T0 + 50);
  await fastify.replay.record(T0 + MIN + 50);
  now = T0 + 2 * MIN;
});
afterAll(async () => {
  await fastify.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, token = WALL) => fastify.inject({ method: 'GET', url, headers: auth(token) });

describe('GET /api/v1/replay/snapshot', () => {
  it('answers the latest record at or before `at`, as the snapshot was then', async () => {
    const res = await get(`/api/v1/replay/snapshot?region=610113&at=${T0 + MIN + 59_000}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.region).toBe('610113');
    expect(body.at).toBe(T0 + MIN);
    const live = await fastify.views.snapshot('610113', T0 + MIN + 50);
    expect(body.snapshot).toStrictEqual(JSON.parse(JSON.stringify(live)));
  });

  it('a township is answered by its county', async () => {
    const res = await get(`/api/v1/replay/snapshot?region=610113001&at=${T0 + 1000}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().region).toBe('610113');
    expect(res.json().snapshot.region.code).toBe('610113');
  });

  it('404 before the first record, and for a region not recorded', async () => {
    const before = await get(`/api/v1/replay/snapshot?region=610113&at=${T0 - 1}`);
    expect(before.statusCode).toBe(404);
    expect(before.json().message).toMatch(/nothing is recorded for 610113 at or before/);
    const other = await fastify.inject({
      method: 'GET',
      url: `/api/v1/replay/snapshot?region=610200&at=${T0 + 1000}`,
      headers: auth(INGEST),
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().message).toMatch(/not recorded/);
  });

  it('refuses a missing or unknown token (401) and a region outside the scope (403)', async () => {
    const url = `/api/v1/replay/snapshot?region=610113&at=${T0 + 1000}`;
    expect((await fastify.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await get(url, 'not-a-token-at-all-0123456789')).statusCode).toBe(401);
    expect((await get(`/api/v1/replay/snapshot?region=610100&at=${T0 + 1000}`)).statusCode).toBe(403);
    expect((await get(url, CITY_WALL)).statusCode).toBe(200);
    // a township's wall would be answered by its county, which it may not read
    const town = await get(`/api/v1/replay/snapshot?region=610113001&at=${T0 + 1000}`, TOWN_WALL);
    expect(town.statusCode).toBe(403);
  });

  it('400 without `at`', async () => {
    expect((await get('/api/v1/replay/snapshot?region=610113')).statusCode).toBe(400);
  });
});

describe('GET /api/v1/replay/range', () => {
  it('answers the first and last record, the count and the interval', async () => {
    const res = await get('/api/v1/replay/range?region=610113');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ region: '610113', from: T0, to: T0 + MIN, count: 2, intervalMs: 60_000 });
    expect((await fastify.inject({ method: 'GET', url: '/api/v1/replay/range?region=610113' })).statusCode).toBe(401);
  });
});
