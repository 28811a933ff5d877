// The control store's contract (server/control/store.ts) on every engine: the files store (a
// reopen keeps scenes, tours, rooms and sessions), Redis, and a private Redis Cluster (every key
// on the `{prefix}` slot, the compare-and-set script included). saveRoom refuses a stale version,
// a pairing code is taken once and expires, a session expires.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoomState, Scene, Tour } from '../../../server/contract/control.ts';
import { initialRoom } from '../../../server/control/room.ts';
import {
  FileControlStore,
  RedisControlStore,
  type ControlSession,
  type ControlStore,
} from '../../../server/control/store.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';
import { sleep } from '../lib/walls.ts';
import { startClusterOrSkip, type PrivateCluster } from '../store/redis-cluster.ts';

const T0 = 1_800_000_000_000;

interface Engine {
  /** a store; `reopen` gives another store on the same data */
  make(): Promise<{ store: ControlStore; reopen(): Promise<ControlStore> }>;
  /** lets `ms` pass for the store's expiries */
  pass(ms: number): Promise<void>;
}

const engines: [string, Engine][] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

{
  let t = T0;
  engines.push([
    'files',
    {
      async make() {
        const dir = await mkdtemp(join(tmpdir(), 'zhdj-control-store-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        const open = async () => {
          const s = new FileControlStore(dir, () => t);
          await s.open();
          return s;
        };
        return { store: await open(), reopen: open };
      },
      async pass(ms) {
        t += ms;
      },
    },
  ]);
}

const redisUp = await redisReachable();
if (!redisUp) {
  if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
  console.warn(`\n*** SKIPPING the Redis control store: Redis at ${REDIS_TEST_URL} is unreachable ***\n`);
} else {
  engines.push([
    'redis',
    {
      async make() {
        const prefix = privatePrefix('control-store');
        cleanups.push(async () => void (await dropPrefix(prefix)));
        const open = async () => {
          const s = new RedisControlStore({ target: { kind: 'single', url: REDIS_TEST_URL }, prefix });
          cleanups.push(() => s.close());
          await s.open();
          return s;
        };
        return { store: await open(), reopen: open };
      },
      // Redis expires by its own (real) clock
      pass: async (ms) => void (await sleep(ms + 20)),
    },
  ]);
}

const cluster = await startClusterOrSkip('the control store on a Redis Cluster', { replicas: 1 });
if (cluster) {
  cleanups.unshift(() => (cluster as PrivateCluster).stop());
  engines.push([
    'redis cluster',
    {
      async make() {
        const prefix = privatePrefix('control-cluster');
        const open = async () => {
          const s = new RedisControlStore({ target: { kind: 'cluster', nodes: cluster.seedList }, prefix });
          cleanups.push(() => s.close());
          await s.open();
          return s;
        };
        return { store: await open(), reopen: open };
      },
      pass: async (ms) => void (await sleep(ms + 20)),
    },
  ]);
}

const scene: Scene = { id: 's1', name: '雁塔', region: '610113', theme: 'study', panel: null, lang: 'zh' };
const tour: Tour = {
  id: 't1',
  name: '巡展',
  steps: [{ scene: 's1', dwellS: 30 }],
  loop: true,
  takeover: true,
  takeoverS: 60,
};
const session = (o: Partial<ControlSession> = {}): ControlSession => ({
  id: 'abc123',
  name: '平板 abcd (王市)',
  room: 'hall',
  region: '610100',
  expiresAt: T0 + 3_600_000_000,
  ...o,
});
const roomAt = (v: number, region: string): RoomState => ({
  ...initialRoom('hall', T0),
  v,
  view: { ...initialRoom('hall', T0).view, region },
});

describe.each(engines)('control store (%s)', (name, engine) => {
  it('saveRoom is a compare-and-set on the room version', async () => {
    const { store } = await engine.make();
    expect(await store.room('hall')).toBeNull();
    // nothing stored: only expected 0 passes
    expect(await store.saveRoom(roomAt(1, '610113'), 3)).toBe(false);
    expect(await store.saveRoom(roomAt(1, '610113'), 0)).toBe(true);
    expect(await store.saveRoom(roomAt(1, '610112'), 0)).toBe(false);
    expect(await store.saveRoom(roomAt(2, '610112'), 1)).toBe(true);
    // a stale writer (it read v1)
    expect(await store.saveRoom(roomAt(2, '610100'), 1)).toBe(false);
    expect((await store.room('hall'))?.view.region).toBe('610112');
    expect((await store.room('hall'))?.v).toBe(2);
    expect(await store.saveRoom({ ...roomAt(1, '610100'), room: 'lobby' }, 0)).toBe(true);
    expect((await store.rooms()).map((r) => r.room).sort()).toEqual(['hall', 'lobby']);
  });

  it('two writers from the same version: exactly one wins', async () => {
    const { store, reopen } = await engine.make();
    const other = name === 'files' ? store : await reopen();
    expect(await store.saveRoom(roomAt(1, '610113'), 0)).toBe(true);
    const results = await Promise.all([store.saveRoom(roomAt(2, '610112'), 1), other.saveRoom(roomAt(2, '610100'), 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('scenes and tours: put, list, replace, delete', async () => {
    const { store } = await engine.make();
    await store.putScene(scene);
    await store.putScene({ ...scene, id: 's2', name: '未央', region: '610112' });
    await store.putScene({ ...scene, name: '雁塔区' });
    expect((await store.scenes()).map((s) => [s.id, s.name]).sort()).toEqual([
      ['s1', '雁塔区'],
      ['s2', '未央'],
    ]);
    expect(await store.deleteScene('s2')).toBe(true);
    expect(await store.deleteScene('s2')).toBe(false);
    await store.putTour(tour);
    expect(await store.tours()).toEqual([tour]);
    expect(await store.deleteTour('t1')).toBe(true);
    expect(await store.deleteTour('t1')).toBe(false);
    expect(await store.tours()).toEqual([]);
  });

  it('a pairing code is taken once, and expires', async () => {
    const { store } = await engine.make();
    const grant = { room: 'hall', by: '王市', region: '610100' };
    await store.putCode('123456', grant, 60_000);
    expect(await store.takeCode('654321')).toBeNull();
    expect(await store.takeCode('123456')).toEqual(grant);
    expect(await store.takeCode('123456')).toBeNull();
    await store.putCode('222222', grant, 200);
    await store.putCode('333333', grant, 60_000);
    await store.deleteCode('333333');
    await engine.pass(200);
    expect(await store.takeCode('222222')).toBeNull();
    expect(await store.takeCode('333333')).toBeNull();
  });

  it('a session expires', async () => {
    const { store } = await engine.make();
    await store.putSession('h1', session(), 60_000);
    await store.putSession('h2', session({ id: 'def456' }), 200);
    expect(await store.session('h1')).toMatchObject({ id: 'abc123', room: 'hall' });
    expect(await store.session('nope')).toBeNull();
    await engine.pass(200);
    expect(await store.session('h2')).toBeNull();
    expect(await store.session('h1')).not.toBeNull();
  });

  it('a reopen keeps scenes, tours, rooms and sessions', async () => {
    const { store, reopen } = await engine.make();
    await store.putScene(scene);
    await store.putTour(tour);
    expect(await store.saveRoom(roomAt(1, '610113'), 0)).toBe(true);
    await store.putSession('h1', session(), 60_000);
    await store.close();
    const again = await reopen();
    expect(await again.scenes()).toEqual([scene]);
    expect(await again.tours()).toEqual([tour]);
    expect((await again.room('hall'))?.view.region).toBe('610113');
    expect(await again.session('h1')).toMatchObject({ id: 'abc123' });
    // the version survives too: the CAS goes on from it
    expect(await again.saveRoom(roomAt(2, '610112'), 0)).toBe(false);
    expect(await again.saveRoom(roomAt(2, '610112'), 1)).toBe(true);
    await again.close();
  });
});
