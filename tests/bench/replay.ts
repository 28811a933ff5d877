// npm run bench:replay -- [--records 240] [--live 50] [--seeks 200] [--backfill-days 3]
// The replay's cost for 西安 (the city and its 13 counties): a MemoryStore gets the demo roster
// and backfill, then the simulated clock walks minute by minute — each minute's live events
// (--live per second, the demo's rate) ingested, then one record of the 14 snapshots — into both
// engines at once (files in a temp DATA_DIR, Redis at REDIS_URL, default redis://127.0.0.1:6379/9,
// under a private prefix removed at the end). A day is 1440 records per region: with fewer
// (--records), bytes are scaled to a day and the output says so. Then --seeks random seeks
// (region and instant) on a fresh engine of each kind (cold index, empty keyframe cache).
// Prints the figures; the last line is one JSON object.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { backfillEvents, backfillPlan } from '../../mock/backfill.ts';
import { scaleForRate, simulation } from '../../mock/setup.ts';
import { eventStream, tsOf } from '../../mock/stream.ts';
import { Views } from '../../server/aggregate/views.ts';
import type { NormalizedEvent, Snapshot } from '../../server/contract/index.ts';
import { validateEvent } from '../../server/contract/validate.ts';
import { storeOptions } from '../../server/plugins/store.ts';
import { FileReplayEngine } from '../../server/replay/files.ts';
import { Recorder, recordedRegions } from '../../server/replay/recorder.ts';
import { RedisReplayEngine, replayStreamKey } from '../../server/replay/redis.ts';
import type { ReplayEngine } from '../../server/replay/types.ts';
import { testConfig } from '../../server/config.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import { arg, percentile, round } from './lib/stats.ts';

const RECORDS = Number(arg('records', '240'));
const LIVE_PER_S = Number(arg('live', '50'));
const SEEKS = Number(arg('seeks', '200'));
const BACKFILL_DAYS = Number(arg('backfill-days', '3'));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const CITY = '610100';
const MIN = 60_000;
const DAY = 86_400_000;
const RECORDS_PER_DAY = DAY / MIN;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const dir = await mkdtemp(join(tmpdir(), 'zhdj-bench-replay-'));
const prefix = `bench-replay-${process.pid}`;
const config = testConfig({ DATA_DIR: dir });
const store = new MemoryStore({ ...storeOptions(config), dataDir: join(dir, 'store') });
await store.open();
const views = new Views(store, storeOptions(config));
const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
redis.on('error', () => undefined);
const haveRedis = await redis.connect().then(
  () => true,
  () => false,
);
if (!haveRedis) log(`no Redis at ${REDIS_URL}: the Redis figures are left out`);

try {
  const { roster, pop } = simulation({ region: CITY });
  await store.putRoster(JSON.parse(JSON.stringify(roster)) as typeof roster);
  // the record window ends at the real now (Redis expires streams by its own clock)
  const start = Math.floor((Date.now() - RECORDS * MIN) / MIN) * MIN;
  const normalize = (raw: unknown[], nowMs: number): NormalizedEvent[] =>
    (JSON.parse(JSON.stringify(raw)) as unknown[]).flatMap((r, i) => {
      const v = validateEvent(r, i, { nowMs, retentionMs: 35 * DAY, isKnownOrg: (o) => store.isKnownOrg(o) });
      return v.ok ? [v.event] : [];
    });
  let backfilled = 0;
  let batch: unknown[] = [];
  for (const ev of backfillEvents(backfillPlan(pop, start, { days: BACKFILL_DAYS }))) {
    batch.push(ev);
    if (batch.length === 5000) {
      backfilled += (await store.ingest(normalize(batch, start), start)).accepted;
      batch = [];
    }
  }
  backfilled += (await store.ingest(normalize(batch, start), start)).accepted;
  log(`${roster.length} orgs, ${backfilled} events backfilled (${BACKFILL_DAYS} days)`);

  const regions = recordedRegions(CITY);
  // one build of the 14 snapshots per record, shared by both recorders
  let cached: { nowMs: number; snaps: Promise<(Snapshot | Error)[]> } | undefined;
  const snapshots = (rs: readonly string[], nowMs: number) => {
    if (cached?.nowMs !== nowMs) cached = { nowMs, snaps: views.snapshots(rs, nowMs) };
    return cached.snaps;
  };
  const recorderOf = (engine: ReplayEngine) =>
    new Recorder({
      engine,
      snapshots,
      regions,
      intervalMs: MIN,
      retentionDays: 7,
      timeZone: config.TIME_ZONE,
      onError: (err, region) => log(`record failed for ${region}: ${String(err)}`),
    });
  const filesDir = join(dir, 'replay');
  const fileEngine = new FileReplayEngine(filesDir);
  await fileEngine.open();
  const redisOf = () => new RedisReplayEngine({ redis, prefix, retentionDays: 7 });
  const recorders = [recorderOf(fileEngine), ...(haveRedis ? [recorderOf(redisOf())] : [])];

  const live = eventStream({ pop, startMs: start, scale: scaleForRate(pop, LIVE_PER_S) })[Symbol.iterator]();
  let pending = live.next();
  let liveEvents = 0;
  const recordMs: number[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const t = start + i * MIN + 50;
    const minute: unknown[] = [];
    while (!pending.done && tsOf(pending.value) < t) {
      minute.push(pending.value);
      pending = live.next();
    }
    liveEvents += (await store.ingest(normalize(minute, t), t)).accepted;
    const r0 = performance.now();
    for (const r of recorders) await r.record(t);
    recordMs.push(performance.now() - r0);
  }
  const end = start + RECORDS * MIN;
  log(`${RECORDS} records × ${regions.length} regions, ${liveEvents} live events between them`);

  // bytes: files on disk, Redis MEMORY USAGE of the streams
  let fileBytes = 0;
  for (const day of await readdir(filesDir)) {
    for (const f of await readdir(join(filesDir, day))) fileBytes += (await stat(join(filesDir, day, f))).size;
  }
  let redisBytes = 0;
  if (haveRedis) {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${replayStreamKey(prefix, '*', '*')}`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    for (const k of keys) redisBytes += Number(await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0'));
  }
  const scale = RECORDS_PER_DAY / RECORDS;

  // seeks: a fresh engine each (cold), random region and instant in the recorded window
  const seekMs = async (engine: ReplayEngine): Promise<number[]> => {
    const rec = recorderOf(engine);
    const out: number[] = [];
    let seed = 12345;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < SEEKS; i++) {
      const region = regions[Math.floor(rnd() * regions.length)]!;
      const at = start + Math.floor(rnd() * (end - start));
      const t0 = performance.now();
      const a = await rec.snapshotAt(region, at, end);
      out.push(performance.now() - t0);
      if (!a) throw new Error(`seek ${region} ${at}: nothing`);
    }
    return out.sort((x, y) => x - y);
  };
  const filesSeek = await seekMs(new FileReplayEngine(filesDir));
  const redisSeek = haveRedis ? await seekMs(redisOf()) : [];
  recordMs.sort((x, y) => x - y);

  const figures = {
    records: RECORDS,
    regions: regions.length,
    scaledToDay: scale !== 1,
    liveEventsPerS: LIVE_PER_S,
    bytesPerDayFiles: Math.round(fileBytes * scale),
    bytesPerDayRedis: haveRedis ? Math.round(redisBytes * scale) : null,
    bytesPerRecordFiles: Math.round(fileBytes / (RECORDS * regions.length)),
    recordP50Ms: round(percentile(recordMs, 50)),
    seekP50MsFiles: round(percentile(filesSeek, 50), 2),
    seekP95MsFiles: round(percentile(filesSeek, 95), 2),
    seekP50MsRedis: haveRedis ? round(percentile(redisSeek, 50), 2) : null,
    seekP95MsRedis: haveRedis ? round(percentile(redisSeek, 95), 2) : null,
    seekP50Ms: round(Math.max(percentile(filesSeek, 50), haveRedis ? percentile(redisSeek, 50) : 0), 2),
    seekP95Ms: round(Math.max(percentile(filesSeek, 95), haveRedis ? percentile(redisSeek, 95) : 0), 2),
  };
  const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(2)} MiB`);
  const scaled = scale !== 1 ? ` (${RECORDS} records scaled ×${round(scale, 2)} to a day of ${RECORDS_PER_DAY})` : '';
  console.log(`replay, 西安 (${regions.length} regions), one record a minute, ${LIVE_PER_S} live events/s${scaled}`);
  console.log(`  per day on disk (files):        ${mb(figures.bytesPerDayFiles)}`);
  console.log(`  per day in Redis (MEMORY USAGE): ${mb(figures.bytesPerDayRedis)}`);
  console.log(`  record of the 14 regions, both engines: p50 ${figures.recordP50Ms} ms`);
  console.log(`  ${SEEKS} random seeks, files: p50 ${figures.seekP50MsFiles} ms, p95 ${figures.seekP95MsFiles} ms`);
  console.log(`  ${SEEKS} random seeks, Redis: p50 ${figures.seekP50MsRedis} ms, p95 ${figures.seekP95MsRedis} ms`);
  console.log(JSON.stringify(figures));
} finally {
  if (haveRedis) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== '0');
    redis.disconnect();
  }
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
