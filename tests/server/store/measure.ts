// Hand-run ingest measurement of each engine (not a test; figures go to server/store/README.md):
//   node --import tsx tests/server/store/measure.ts [memory|redis] [seconds]
// Events are pre-built and already normalized, so this measures the store alone
// (validation aside). Redis: REDIS_URL (default redis://127.0.0.1:6379/9), random prefix, cleaned up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Org } from '../../../server/contract/index.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import type { Store } from '../../../server/store/types.ts';
import { batchMaker, MEMBERS_PER_ORG, ORGS } from './measure-events.ts';
import { viewsOf } from './views.ts';

const ENGINE = process.argv[2] ?? 'memory';
const SECONDS = Number(process.argv[3] ?? 10);
const BATCH = 5000;
const IN_FLIGHT = 4;

const towns = ['610113001', '610113002', '610113003', '610102001', '610102002', '610104001'];
const roster: Org[] = Array.from({ length: ORGS }, (_, i) => ({
  id: `org-${i}`,
  name: `第${i}党支部`,
  parent: null,
  kind: 'branch',
  region: towns[i % towns.length]!,
  members: MEMBERS_PER_ORG,
}));

const makeBatch = batchMaker(BATCH);

async function open(): Promise<{ store: Store; done: () => Promise<void> }> {
  if (ENGINE === 'memory') {
    const dir = await mkdtemp(join(tmpdir(), 'zhdj-measure-'));
    const store = new MemoryStore({ dataDir: dir, compactLogBytes: Number(process.env.COMPACT_MB ?? 256) * 2 ** 20 });
    await store.open();
    return { store, done: () => rm(dir, { recursive: true, force: true }) };
  }
  const { RedisStore } = await import('../../../server/store/redis.ts');
  const prefix = `zhdj-measure-${Math.random().toString(36).slice(2, 8)}`;
  const store = new RedisStore({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    prefix,
    dedupeBuckets: Number(process.env.DEDUPE_BUCKETS ?? 4096),
    dedupeGenerations: Number(process.env.DEDUPE_GENS ?? 2),
  });
  await store.open();
  // steady state: a previous dedupe generation exists, so every new id is checked twice
  // (a fresh prefix has none, and the script skips it)
  const gen = Math.floor(Date.now() / (35 * 86_400_000));
  const raw = new (await import('ioredis')).Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9');
  await raw.mset(`${store.base}dd:${gen - 1}:nb`, '4096', `${store.base}dd:${gen - 1}:fmt`, 'set');
  raw.disconnect();
  return { store, done: () => store.destroyAllData() }; // before close()
}

/** Redis server CPU seconds (user+sys), for a CPU-per-event figure independent of other load. */
async function redisCpuS(): Promise<number | null> {
  if (ENGINE !== 'redis') return null;
  const { Redis } = await import('ioredis');
  const r = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9');
  const info = await r.info('cpu');
  r.disconnect();
  const f = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return f('used_cpu_user') + f('used_cpu_sys');
}

const { store, done } = await open();
await store.putRoster(roster);
const now = Date.now();
// Pre-built batches with fresh ids (the generator's cost is not the store's); 600k/s worth.
const batches = Array.from({ length: Math.ceil((SECONDS * 600_000) / BATCH) }, () => makeBatch(now));
const cpu0 = process.cpuUsage();
const redisCpu0 = await redisCpuS();
const t0 = performance.now();
let events = 0;
let next = 0;
const deadline = t0 + SECONDS * 1000;
async function worker(): Promise<void> {
  while (performance.now() < deadline && next < batches.length) {
    const r = await store.ingest(batches[next++]!, now);
    events += r.accepted;
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const nodeCpuUsPerEvent = +((cpu.user + cpu.system) / events).toFixed(2);
const redisCpu1 = await redisCpuS();
const redisCpuUsPerEvent =
  redisCpu0 === null || redisCpu1 === null ? null : +(((redisCpu1 - redisCpu0) * 1e6) / events).toFixed(2);
const s0 = performance.now();
const snap = await viewsOf(store).snapshot('610100', now);
const snapMs = performance.now() - s0;
const w0 = performance.now();
for (const r of ['610100', '610113', '610113001', '610102']) await viewsOf(store).snapshot(r, now + 1000);
const warmSnapMs = (performance.now() - w0) / 4;
console.log(
  JSON.stringify({
    engine: ENGINE,
    events,
    seconds: +secs.toFixed(2),
    eventsPerS: Math.round(events / secs),
    nodeCpuUsPerEvent,
    redisCpuUsPerEvent,
    loadAvg: (await import('node:os')).loadavg()[0]!.toFixed(1),
    batch: BATCH,
    inFlight: IN_FLIGHT,
    snapshotMs: +snapMs.toFixed(1),
    warmSnapshotMs: +warmSnapMs.toFixed(1),
    bytesPerId: await store.dedupeBytesPerId(),
    health: (await store.health()).detail,
    learnersMonth: snap.kpi.learnersMonth,
  }),
);
await done();
await store.close();
