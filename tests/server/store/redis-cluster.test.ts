// RedisStore on a real Redis Cluster (3 masters + 3 replicas started here, redis-cluster.ts):
// the Store contract; two store instances (two server processes' clients) ingesting one stream
// answer every region's KPIs as the independent reference does, with keys on every master; and
// a master SIGKILLed mid-stream with REDIS_MIN_REPLICAS=1: ingest answers StoreUnavailableError
// (503) while its replica takes over and until a replica holds the batches again, then succeeds,
// and the store equals the reference built from the acknowledged batches (nothing lost, nothing
// counted twice by the retries). Prints the failover figures.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { childrenOf } from '../../../geo/registry.ts';
import type { NormalizedEvent, Org } from '../../../server/contract/index.ts';
import { tickerItems } from '../../../server/aggregate/prepare.ts';
import { MemState } from '../../../server/store/memory/state.ts';
import { RedisStore, type RedisStoreOptions } from '../../../server/store/redis.ts';
import { countyBase } from '../../../server/store/redis/keys.ts';
import { keySlot } from '../../../server/store/redis/slot.ts';
import { StoreUnavailableError, type Store } from '../../../server/store/types.ts';
import { clockFor } from '../../../server/aggregate/rollup.ts';
import { contractCases } from './contract-cases.ts';
import { streamCases } from './contract-streams.ts';
import * as F from './fixtures.ts';
import { referenceSnapshot } from './reference-snapshot.ts';
import type { PrivateCluster } from './redis-cluster.ts';
import { sleep, startClusterOrSkip } from './redis-cluster.ts';
import { runId } from './redis-harness.ts';
import { viewsOf } from './views.ts';

/** the 13 county-level units of 西安 */
const COUNTIES = childrenOf('610100').map((r) => r.code);
const ROSTER: Org[] = [
  { id: 'c-city', name: '西安市委', parent: null, kind: 'committee', region: '610100', members: 5 },
  ...COUNTIES.flatMap((c): Org[] => [
    { id: `c-${c}`, name: `${c}党委`, parent: null, kind: 'committee', region: c, members: 3 },
    { id: `b-${c}-1`, name: `${c}第一党支部`, parent: `c-${c}`, kind: 'branch', region: `${c}001`, members: 30 },
    { id: `b-${c}-2`, name: `${c}第二党支部`, parent: `c-${c}`, kind: 'branch', region: `${c}002001`, members: 20 },
  ]),
];
const REGIONS = ['610100', ...COUNTIES, '610113001', '610102002001'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

/** A seeded stream of every event type over every org; member, transfer and person ids stay in
 * the org's county (the per-county distinct sets and records: server/store/README.md). */
function stream(seed: number, n: number): NormalizedEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const o = pick(ROSTER);
    const org = o.id;
    const c = o.region.slice(0, 6);
    const member = `${c}-m${Math.floor(r() * 25)}`;
    const ts = F.NOW - Math.floor(r() * 20 * F.DAY) + Math.floor(r() * 4 * F.MIN);
    const k = r();
    let ev: NormalizedEvent;
    if (k < 0.3) ev = F.study(org, member, ts, 1 + Math.floor(r() * 60));
    else if (k < 0.4) ev = F.exam(org, member, ts, r() < 0.7);
    else if (k < 0.5)
      ev = F.meeting(org, pick(['assembly', 'committee', 'group', 'lecture'] as const), ts, Math.floor(r() * 10), 10);
    else if (k < 0.58)
      ev = F.transfer(
        org,
        `${c}-T${Math.floor(r() * 10)}`,
        pick(['applied', 'approved', 'received', 'completed', 'rejected'] as const),
        ts,
        { toRegion: pick(['440100', '110000']) },
      );
    else if (k < 0.7) ev = F.checkin(org, member, ts, 100 + r() * 20, 22 + r() * 15);
    else if (k < 0.8) ev = F.points(org, member, ts, pick([-5, 3, 10]));
    else if (k < 0.88) ev = F.active(org, member, F.NOW - Math.floor(r() * 10 * F.MIN));
    else if (k < 0.94) ev = F.dues(org, member, ts, pick(['2026-10', '2026-11', '2026-12']), pick([0.2, 12.34, 50]));
    else {
      const stage = pick(['applicant', 'activist', 'candidate', 'probationary', 'full', 'dropped'] as const);
      ev = F.development(org, `${c}-p${Math.floor(r() * 10)}`, stage, pick(['2025-11-26', '2026-03-01']), ts);
    }
    out.push(ev);
  }
  return out;
}

const copy = (evs: readonly NormalizedEvent[]): NormalizedEvent[] => evs.map((e) => ({ ...e }));

/** The independent reference: the acknowledged events, first of each id, through the embedded
 * state and the region-by-region sum (reference-snapshot.ts). */
function referenceKpis(store: RedisStore, events: readonly NormalizedEvent[]) {
  const st = new MemState(clockFor(store.opts.timeZone), store.opts.retentionDays, store.opts.onlineWindowMs);
  st.setRoster(ROSTER);
  const seen = new Set<string>();
  for (const ev of events) if (!seen.has(ev.id) && seen.add(ev.id)) st.apply({ ...ev });
  const input = st.rollupInput(() => tickerItems(st.recent));
  return {
    unique: seen.size,
    kpi: (region: string, now: number) => referenceSnapshot(region, now, input, store.opts).kpi,
  };
}

async function expectReference(stores: RedisStore[], events: readonly NormalizedEvent[]): Promise<void> {
  const ref = referenceKpis(stores[0]!, events);
  for (const s of stores) {
    for (const region of REGIONS) {
      for (const now of [F.NOW, F.NOW + 2 * F.MIN]) {
        const kpi = (await viewsOf(s).snapshot(region, now)).kpi;
        expect(kpi, `${region} at ${now}`).toEqual(ref.kpi(region, now));
      }
    }
  }
  const n = await Promise.all(stores.map((s) => s.isEmpty()));
  expect(n.every((e) => !e)).toBe(true);
}

const cluster = await startClusterOrSkip('RedisStore cluster tests');

describe.skipIf(!cluster)('RedisStore on a Redis Cluster', () => {
  const c = cluster as PrivateCluster;
  const prefixes: string[] = [];
  const stores: RedisStore[] = [];
  const make = async (o: RedisStoreOptions = {}, prefix = runId()): Promise<RedisStore> => {
    prefixes.push(prefix);
    const s = new RedisStore({ target: { kind: 'cluster', nodes: c.seedList }, prefix, dedupeBuckets: 64, ...o });
    await s.open();
    stores.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    await c.stop();
  });

  describe('Store contract', () => {
    const open: Store[] = [];
    const prefixOf = new Map<Store, string>();
    const ctx = {
      async store(): Promise<Store> {
        const p = runId();
        const s = await make({}, p);
        prefixOf.set(s, p);
        open.push(s);
        return s;
      },
      async reopen(prev: Store, restart: boolean): Promise<Store> {
        if (restart) await prev.close();
        const s = await make({}, prefixOf.get(prev)!);
        prefixOf.set(s, prefixOf.get(prev)!);
        open.push(s);
        return s;
      },
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
    });
    contractCases(ctx);
    streamCases(ctx);
  });

  describe('two store instances, one stream', () => {
    it('gives every region the reference KPIs, with keys of the deployment on every master', async () => {
      // two clients on one prefix: two server processes of one deployment
      const shared = runId();
      const s1 = await make({}, shared);
      const s2 = await make({}, shared);
      await s1.putRoster(ROSTER);
      await s2.getRoster(); // the other process' roster poll, now
      const evs = stream(20261202, 3000);
      const sent: NormalizedEvent[] = [];
      for (let i = 0, k = 0; i < evs.length; i += 150, k++) {
        const batch = evs.slice(i, i + 150);
        // every fourth batch re-sends ten events of the one before through the other store
        const again = k % 4 === 3 ? evs.slice(i - 150, i - 140) : [];
        const via = k % 2 === 0 ? s1 : s2;
        const res = await via.ingest(copy([...batch, ...again]), F.NOW);
        expect(res.duplicates).toBe(again.length);
        expect(res.duplicateIndexes).toEqual(again.map((_, j) => batch.length + j));
        sent.push(...batch, ...again);
      }
      await expectReference([s1, s2], sent);
      expect(await s1.acceptedEvents()).toBe(new Set(sent.map((e) => e.id)).size);
      expect(await s1.version()).toBe(await s2.version());

      // one pipeline per master per batch (plus a registry write per county the first time)
      for (const s of [s1, s2]) {
        expect(s.ingestGroups).toBeGreaterThan(s.ingestShards); // several counties per master
        expect(s.ingestRoundTrips).toBeLessThanOrEqual(s.ingestShards + COUNTIES.length + 1);
      }
      // keys on every master, and the slot the store computes is the cluster's
      const masters = await c.masterPorts();
      expect(masters).toHaveLength(3);
      for (const port of masters) {
        const keys = (await c.ask(port, (r) => r.keys(`{${shared}:*`))) ?? [];
        expect(keys.length, `keys on master ${port}`).toBeGreaterThan(0);
      }
      for (const county of COUNTIES) {
        const key = `${countyBase(shared, county)}meta`;
        expect(await c.ask(masters[0]!, (r) => r.cluster('KEYSLOT', key))).toBe(keySlot(key));
      }
    });
  });

  describe('a master killed mid-stream, REDIS_MIN_REPLICAS=1', () => {
    it('answers 503 while the replica takes over, then 200; nothing acknowledged is lost or counted twice', async () => {
      const s = await make({ minReplicas: 1, replicaTimeoutMs: 300 });
      await s.putRoster(ROSTER);
      const evs = stream(20261203, 4000);
      const batches: NormalizedEvent[][] = [];
      for (let i = 0; i < evs.length; i += 100) batches.push(evs.slice(i, i + 100));
      const prefix = prefixes[prefixes.length - 1]!;
      const victim = await c.ownerOf(keySlot(countyBase(prefix, COUNTIES[0]!)));

      const acked: NormalizedEvent[] = [];
      let unavailable = 0;
      let killedAt = 0;
      let firstOkAfterKill = 0;
      let promotedMs = 0;
      let rejoinedMs = 0;
      let watcher: Promise<void> = Promise.resolve();
      let accepted = 0;
      for (let i = 0; i < batches.length; i++) {
        if (i === 10) {
          await c.kill(victim);
          killedAt = performance.now();
          watcher = (async () => {
            // the replica's promotion, then the old master back (as a replica: WAIT 1 holds again)
            for (;;) {
              const m = await c.masterPorts();
              if (m.length === 3 && !m.includes(victim)) break;
              await sleep(50);
            }
            promotedMs = performance.now() - killedAt;
            await c.restart(victim);
            while (!(await c.isSyncedReplica(victim))) await sleep(50);
            rejoinedMs = performance.now() - killedAt;
          })();
        }
        for (let attempt = 0; ; attempt++) {
          expect(attempt, `batch ${i} still refused after 60 s`).toBeLessThan(600);
          try {
            const res = await s.ingest(copy(batches[i]!), F.NOW);
            accepted += res.accepted;
            if (killedAt && !firstOkAfterKill) firstOkAfterKill = performance.now() - killedAt;
            break;
          } catch (e) {
            if (!(e instanceof StoreUnavailableError)) throw e;
            unavailable += 1;
            await sleep(100);
          }
        }
        acked.push(...batches[i]!);
      }
      await watcher;
      console.log(
        `[cluster failover] master ${victim} SIGKILLed: replica promoted after ${Math.round(promotedMs)} ms, ` +
          `old master resynced as replica after ${Math.round(rejoinedMs)} ms, first ingest 200 after ` +
          `${Math.round(firstOkAfterKill)} ms; StoreUnavailableError (503) answers: ${unavailable}; ` +
          `batches acknowledged ${batches.length}/${batches.length}`,
      );
      expect(unavailable).toBeGreaterThan(0);
      const ref = referenceKpis(s, acked);
      // every acknowledged event is in (accepted now or, for a retried batch, counted by the try
      // that failed after applying): the retries counted nothing twice
      expect(accepted).toBeLessThanOrEqual(ref.unique);
      expect(await s.acceptedEvents()).toBe(ref.unique);
      await expectReference([s], acked);
      const fresh = await make({}, prefix);
      await expectReference([fresh], acked);
    }, 120_000);
  });
});
