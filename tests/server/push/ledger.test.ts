// Two RegionFeeds (two processes' feeds) on one RedisLedger in a real Redis: one builds a
// region at a time; a builder that stalls past its lease is replaced, and when it comes back it
// neither emits a frame from its stale state nor a heartbeat with an old seq — it reloads the
// fleet's state. The region's log never holds one seq twice.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Heartbeat, Snapshot } from '../../../server/contract/index.ts';
import { RegionFeeds } from '../../../server/push/feeds.ts';
import { LocalLedger, RECOVERY_WINDOW_MS, RedisLedger } from '../../../server/push/ledger.ts';
import { snapshot } from '../lib/fixtures.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';

const reachable = await redisReachable();
if (!reachable && !REQUIRE_REDIS) console.warn(`\n*** SKIPPING tests/server/push/ledger.test.ts: no Redis ***\n`);

const CITY = '610100';
const LEASE_MS = 300;

describe.skipIf(!reachable && !REQUIRE_REDIS)('RegionFeeds on a shared RedisLedger', () => {
  const prefix = privatePrefix('ledger');
  let redis: Redis;
  /** the shared data: each build returns it stamped with the instant asked for */
  let data: Snapshot;
  let version = 1;
  const change = (n: number) => {
    data = { ...data, kpi: { ...data.kpi, onlineNow: n } };
    version += 1;
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_TEST_URL);
    data = snapshot();
  });
  afterAll(async () => {
    redis?.disconnect();
    await dropPrefix(prefix);
  });

  function feed(id: string) {
    const frames: Frame[] = [];
    const beats: Heartbeat[] = [];
    const f = new RegionFeeds({
      version: async () => version,
      views: {
        snapshot: async (_r: string, now: number) => ({ ...structuredClone(data), asOf: now }),
        snapshots: async (rs: readonly string[], now: number) =>
          rs.map(() => ({ ...structuredClone(data), asOf: now })),
      },
      ledger: new RedisLedger({ redis, prefix, id, frameIntervalMs: 100, leaseMs: LEASE_MS }),
      firstSeq: () => 1000,
      emitFrame: (_r, fr) => frames.push(fr),
      emitBeat: (_r, b) => beats.push(b),
    });
    return { f, frames, beats };
  }

  it('one builder at a time; a stalled builder is replaced and reloads instead of forking the seq', async () => {
    const a = feed('a');
    const b = feed('b');
    expect((await a.f.join(CITY)).seq).toBe(1000);
    expect((await b.f.join(CITY)).seq).toBe(1000);
    change(1);
    await a.f.tick();
    await b.f.tick();
    expect(a.frames.map((f) => f.seq)).toEqual([1001]);
    expect(b.frames, 'b does not build while a holds the lease').toEqual([]);
    expect(b.beats).toEqual([]);

    // a stalls (no ticks, no renewals) past its lease: b takes the region over from the stored state
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    change(2);
    await b.f.tick();
    expect(
      b.frames.map((f) => f.seq),
      'b continues the seq',
    ).toEqual([1002]);

    // b stalls in turn; a comes back with its stale state (seq 1001) and the lease free again
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    change(3);
    await a.f.tick();
    const seqs = a.frames.map((f) => f.seq);
    expect(seqs, 'a reloaded the fleet state: its next frame follows 1002').toEqual([1001, 1003]);
    await a.f.tick();
    expect(a.beats.at(-1)?.seq, 'heartbeats carry the fleet seq').toBe(1003);
    // b has lost the lease: its tick sends nothing
    const bFrames = b.frames.length;
    const bBeats = b.beats.length;
    await b.f.tick();
    expect([b.frames.length, b.beats.length]).toEqual([bFrames, bBeats]);

    const log = (await redis.lrange(`{${prefix}:feed:${CITY}}:log`, 0, -1)).map(
      (j) => (JSON.parse(j) as { frame: Frame }).frame.seq,
    );
    expect(log).toEqual([1001, 1002, 1003]);
    await a.f.close();
    await b.f.close();
  });

  it('renew() keeps the lease through a tick longer than it', async () => {
    const a = feed('ra');
    const b = feed('rb');
    await a.f.join('610113');
    await b.f.join('610113');
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, LEASE_MS / 2));
      await a.f.renew();
      await b.f.tick();
    }
    expect(b.beats, 'b never got the lease while a renewed it').toEqual([]);
    await a.f.tick();
    expect(a.beats).toHaveLength(1);
    await a.f.close();
    await b.f.close();
  });
});

describe('the recovery window (LocalLedger, an injected clock)', () => {
  const frame = (seq: number): Frame => ({ seq, region: CITY, asOf: seq, patch: {}, ticker: [] });
  const state = (seq: number) => ({ seq, version: 1, builtAt: 0, snapshot: snapshot() });

  it('a wall back within 2 minutes gets the frames after its seq; past that, nothing (a snapshot)', async () => {
    const clock = { ms: 1_000_000 };
    const ledger = new LocalLedger(() => clock.ms);
    expect(await ledger.commit(CITY, null, state(10), undefined)).toBe('ok');
    for (let seq = 11; seq <= 13; seq++) {
      clock.ms += 1000;
      expect(await ledger.commit(CITY, seq - 1, state(seq), frame(seq))).toBe('ok');
    }
    expect((await ledger.since(CITY, 10))?.map((f) => f.seq)).toEqual([11, 12, 13]);
    expect((await ledger.since(CITY, 12))?.map((f) => f.seq)).toEqual([13]);
    expect(await ledger.since(CITY, 13)).toEqual([]);
    expect(await ledger.since(CITY, 9), 'a seq before the log: not all frames are known').toBeUndefined();
    expect(await ledger.since(CITY, 14), 'a seq ahead of the region').toBeUndefined();
    // frame 11 was logged at +1 s: until +2 min after it the wall catches up, then it cannot
    clock.ms = 1_001_000 + RECOVERY_WINDOW_MS;
    expect((await ledger.since(CITY, 10))?.map((f) => f.seq)).toEqual([11, 12, 13]);
    clock.ms += 1;
    expect(await ledger.since(CITY, 10)).toBeUndefined();
    expect((await ledger.since(CITY, 11))?.map((f) => f.seq)).toEqual([12, 13]);
    // a commit that does not follow the stored seq is refused
    expect(await ledger.commit(CITY, 12, state(14), frame(14))).toBe('stale');
  });
});
