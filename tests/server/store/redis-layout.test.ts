// RedisStore's key layout 3 on a single Redis: a deployment written in layout 2 (every key under
// `{prefix}:`) is converted when a store opens — the same roll-up as the embedded engine before
// and after, its ids still duplicates, its distinct members still counted once per county — and
// what per-county distinct sets mean for a member seen under orgs of two counties.
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { clockFor } from '../../../server/aggregate/rollup.ts';
import { RedisStore } from '../../../server/store/redis.ts';
import { encodeBatch } from '../../../server/store/redis/encode.ts';
import type { Store } from '../../../server/store/types.ts';
import { memoryHarness } from './engines.ts';
import * as F from './fixtures.ts';
import { REDIS_TEST_URL, redisHarness, runId } from './redis-harness.ts';
import { viewsOf } from './views.ts';

const clock = clockFor('Asia/Shanghai');
const LUA = readFileSync(new URL('../../../server/store/redis/ingest.lua', import.meta.url), 'utf8');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

function stream(seed: number, n: number): NormalizedEvent[] {
  const r = rng(seed);
  const orgs = F.ROSTER.map((o) => o.id);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const org = pick(orgs);
    const sp = F.idSpace(org);
    const member = `${sp}m${Math.floor(r() * 20)}`;
    const ts = F.NOW - Math.floor(r() * 3) * F.DAY - Math.floor(r() * 3) * F.HOUR;
    const k = r();
    if (k < 0.35) out.push(F.study(org, member, ts, 1 + Math.floor(r() * 30)));
    else if (k < 0.45) out.push(F.exam(org, member, ts, r() < 0.5));
    else if (k < 0.55) out.push(F.meeting(org, pick(['assembly', 'group'] as const), ts, 5, 10));
    else if (k < 0.65)
      out.push(F.transfer(org, `${sp}T${Math.floor(r() * 5)}`, pick(['applied', 'received'] as const), ts));
    else if (k < 0.75) out.push(F.checkin(org, member, F.NOW - Math.floor(r() * 3) * F.HOUR, 108.9, 34.2));
    else if (k < 0.85) out.push(F.points(org, member, ts, 3));
    else if (k < 0.92) out.push(F.dues(org, member, ts, '2026-11', 12.5));
    else out.push(F.active(org, member, F.NOW - Math.floor(r() * 4 * F.MIN)));
  }
  return out;
}

const copy = (evs: readonly NormalizedEvent[]): NormalizedEvent[] => evs.map((e) => ({ ...e }));
const REGIONS = ['610100', F.T_COUNTY, F.T_TOWN_A, F.T_TOWN_B, F.T_VILLAGE_A1, F.T_OTHER_COUNTY];

const redis = await redisHarness();
describe.skipIf(!redis)('RedisStore key layout 3', () => {
  const mem = memoryHarness();
  const stores: Store[] = [];
  const raw = new Redis(REDIS_TEST_URL);
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const p of prefixes) {
      const s = new RedisStore({ url: REDIS_TEST_URL, prefix: p });
      await s.open();
      await s.destroyAllData();
      await s.close();
    }
    await mem.cleanup();
    await redis?.cleanup();
    raw.disconnect();
  });

  const expectSame = async (a: Store, b: Store, what: string) => {
    for (const region of REGIONS) {
      for (const now of [F.NOW, F.NOW + 2 * F.MIN]) {
        const [x, y] = [await viewsOf(a).snapshot(region, now), await viewsOf(b).snapshot(region, now)];
        expect(y, `${what}: ${region} at ${now}`).toEqual(x);
      }
    }
  };

  it('converts a layout-2 deployment once on open: same roll-up, ids remembered, members counted once', async () => {
    const prefix = runId();
    prefixes.push(prefix);
    const B = `{${prefix}}:`;
    // layout 2 as the former version wrote it: the same script, every key under `{prefix}:`
    const enc = {
      clock,
      retentionMs: 35 * F.DAY,
      replayMs: 24 * F.HOUR,
      onlineWindowMs: 5 * F.MIN,
      buckets: 16,
      gens: 2,
    };
    const old = stream(20261204, 600);
    await raw.set(B + 'roster', JSON.stringify(F.ROSTER));
    await raw.set(B + 'rv', '1');
    await raw.set(B + 'layout', '2');
    for (let i = 0; i < old.length; i += 100) {
      await raw.eval(LUA, 1, B, ...encodeBatch(copy(old.slice(i, i + 100)), F.NOW, enc));
    }
    expect(await raw.exists(B + 'meta', B + 'on', B + 'tk', B + 'x', B + 'tx')).toBe(5);

    const m = await mem.create();
    stores.push(m);
    await m.putRoster(F.ROSTER);
    for (let i = 0; i < old.length; i += 100) await m.ingest(copy(old.slice(i, i + 100)), F.NOW);

    const s = new RedisStore({ url: REDIS_TEST_URL, prefix, dedupeBuckets: 16 });
    stores.push(s);
    await s.open();
    expect(await raw.get(B + 'layout')).toBe('3');
    expect(await raw.exists(B + 'meta', B + 'on', B + 'tk', B + 'x', B + 'tx', B + 'ver')).toBe(0);
    expect(await raw.get(B + 'ddlegacy')).not.toBeNull(); // the old ids are checked until swept
    expect(await raw.exists(s.countyBase(F.T_COUNTY) + 'meta', s.countyBase(F.T_OTHER_COUNTY) + 'meta')).toBe(2);
    await expectSame(m, s, 'converted');
    expect((await s.recentEvents(0)).length).toBe(old.length); // the streams, split by county

    // the old ids are duplicates; new events that repeat old members count them once per county
    const again = await s.ingest(copy(old.slice(0, 100)), F.NOW);
    expect(again.accepted).toBe(0);
    const fresh = stream(20261205, 400);
    for (let i = 0; i < fresh.length; i += 100) {
      const [x, y] = [
        await m.ingest(copy(fresh.slice(i, i + 100)), F.NOW),
        await s.ingest(copy(fresh.slice(i, i + 100)), F.NOW),
      ];
      expect(y).toEqual(x);
    }
    await expectSame(m, s, 'after new events');

    // a second process opening it finds layout 3 and converts nothing
    const t = new RedisStore({ url: REDIS_TEST_URL, prefix });
    stores.push(t);
    await t.open();
    await expectSame(m, t, 'second process');
  });

  it('keeps distinct members per county: one member under orgs of two counties counts in each', async () => {
    const s = (await redis!.create()) as RedisStore;
    const m = await mem.create();
    stores.push(s, m);
    for (const st of [s, m]) {
      await st.putRoster(F.ROSTER);
      // m1 studies in 雁塔 (b-a1) and in 新城 (b-x1) the same day
      await st.ingest([F.study('b-a1', 'm1', F.NOW - F.HOUR, 10), F.study('b-x1', 'm1', F.NOW - F.HOUR, 10)], F.NOW);
    }
    const learners = async (st: Store, region: string) => (await viewsOf(st).snapshot(region, F.NOW)).kpi.learnersToday;
    // RedisStore: once in each county, so twice in the city that holds both
    expect(await learners(s, F.T_COUNTY)).toBe(1);
    expect(await learners(s, F.T_OTHER_COUNTY)).toBe(1);
    expect(await learners(s, '610100')).toBe(2);
    // MemoryStore: once in the deployment, under the org of the first sighting
    expect(await learners(m, F.T_COUNTY)).toBe(1);
    expect(await learners(m, F.T_OTHER_COUNTY)).toBe(0);
    expect(await learners(m, '610100')).toBe(1);
  });
});
