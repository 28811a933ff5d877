// The recorder and the seek on both engines: every record restores exactly, a seek between
// records answers the latest before it, the local day's first record opens a block, two
// processes on one Redis keep one record per interval, and old days go.
import { readdir, readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ZonedClock } from '../../../server/aggregate/period.ts';
import { localDayStart } from '../../../server/cli/audit-export.ts';
import type { Snapshot } from '../../../server/contract/index.ts';
import { Recorder, recordedRegions } from '../../../server/replay/recorder.ts';
import { replayStreamKey } from '../../../server/replay/redis.ts';
import type { ReplayEngine } from '../../../server/replay/types.ts';
import { KPI, snapshot, tickerItem } from '../lib/fixtures.ts';
import { REDIS_TEST_URL } from '../lib/redis.ts';
import { engineHarnesses, type EngineHarness } from './engines.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';
const clock = new ZonedClock(ZONE);
const REGIONS = recordedRegions('610100');
/** Simulated days lie in the coming months: Redis expires streams by its own (real) clock, so a
 * past day would be gone at once. The hour never comes from the real clock. */
const MONTH = clock.day(Date.now()).slice(0, 7);
const NEXT_MONTH = addDays(`${MONTH}-28`, 7).slice(0, 7);
const AFTER = addDays(`${NEXT_MONTH}-28`, 7).slice(0, 7);
const DAY1 = `${NEXT_MONTH}-10`;
/** simulated hours: a local midnight, 04:00, and the first hour of a month */
const STARTS: [name: string, ms: number][] = [
  ['midnight', localDayStart(clock, DAY1)],
  ['04:00', localDayStart(clock, DAY1) + 4 * 3_600_000],
  ['month start', localDayStart(clock, `${AFTER}-01`) + 30 * MIN],
];

/** a snapshot of `region` that changes with the minute (figures, a rate that is null at times, the ticker) */
function fake(region: string, nowMs: number): Snapshot {
  const i = Math.floor(nowMs / MIN);
  const s = snapshot({
    asOf: nowMs,
    day: clock.day(nowMs),
    kpi: { ...KPI, learnersToday: i % 97, studyRateToday: i % 4 === 0 ? null : (i % 100) / 100, onlineNow: i % 7 },
    ticker: [tickerItem(`t${i}`, nowMs - 1000), tickerItem(`t${i - 1}`, nowMs - MIN)],
  });
  s.region = { ...s.region, code: region };
  return s;
}
const plain = (s: Snapshot): unknown => JSON.parse(JSON.stringify(s));

function recorder(engine: ReplayEngine, o: { retentionDays?: number; fail?: Set<string> } = {}): Recorder {
  return new Recorder({
    engine,
    snapshots: async (regions, nowMs) => regions.map((r) => (o.fail?.has(r) ? new Error('no data') : fake(r, nowMs))),
    regions: REGIONS,
    intervalMs: MIN,
    retentionDays: o.retentionDays ?? 7,
    timeZone: ZONE,
  });
}

let harnesses: EngineHarness[] = [];
beforeAll(async () => {
  harnesses = await engineHarnesses();
});
afterAll(async () => {
  for (const h of harnesses) await h.cleanup();
});

/** the keyframe flags stored for a region's day, in order */
async function flags(h: EngineHarness, region: string, day: string): Promise<number[]> {
  if (h.name === 'files') {
    const text = await readFile(join(h.where(), day, `${region}.ndjson`), 'utf8');
    return text
      .split('\n')
      .filter((l) => l)
      .map((l) => (JSON.parse(l) as { k: number }).k);
  }
  const r = new Redis(REDIS_TEST_URL);
  try {
    const entries = await r.xrange(replayStreamKey(h.where(), region, day), '-', '+');
    return entries.map(([, f]) => Number(f[f.indexOf('k') + 1]));
  } finally {
    r.disconnect();
  }
}

describe.each(['files', 'redis'] as const)('replay recorder on %s', (name) => {
  const harness = () => harnesses.find((h) => h.name === name);

  it.each(STARTS)('every record and every instant between restores exactly (start at %s)', async (_n, t0) => {
    const h = harness();
    if (!h) return;
    const engine = await h.create();
    const rec = recorder(engine);
    const N = 40;
    // the timer fires a little after each interval's start
    for (let i = 0; i < N; i++) await rec.record(t0 + i * MIN + 50);
    const now = t0 + N * MIN;
    for (let i = 0; i < N; i++) {
      for (const region of ['610100', '610113']) {
        const a = await rec.snapshotAt(region, t0 + i * MIN + 30_000, now);
        expect(a?.at).toBe(t0 + i * MIN);
        expect(a?.region).toBe(region);
        expect(a?.snapshot).toStrictEqual(plain(fake(region, t0 + i * MIN + 50)));
      }
    }
    // after a fresh start (another process, an empty cache) the same
    const cold = recorder(await h.again());
    expect((await cold.snapshotAt('610113', t0 + 17 * MIN, now))?.snapshot).toStrictEqual(
      plain(fake('610113', t0 + 17 * MIN + 50)),
    );
    expect(await rec.snapshotAt('610113', t0 - 1, now)).toBeNull();
    expect(await rec.range('610113', now)).toEqual({ region: '610113', from: t0, to: t0 + (N - 1) * MIN, count: N });
    // blocks of 15: keyframes at records 0, 15, 30 (one local day: the starts are not near midnight's end)
    const k = await flags(h, '610113', clock.day(t0));
    expect(k.flatMap((f, i) => (f === 1 ? [i] : []))).toEqual([0, 15, 30]);
  });

  it('a region below a recorded one is answered by its nearest recorded ancestor', async () => {
    const h = harness();
    if (!h) return;
    const t0 = STARTS[1]![1];
    const rec = recorder(await h.create());
    await rec.record(t0 + 50);
    expect((await rec.snapshotAt('610113001', t0 + 1000, t0 + MIN))?.region).toBe('610113');
    expect((await rec.snapshotAt('610113001001', t0 + 1000, t0 + MIN))?.snapshot.region.code).toBe('610113');
    // another city is not recorded
    expect(await rec.snapshotAt('610200', t0 + 1000, t0 + MIN)).toBeNull();
    expect(rec.recordedRegion('610000')).toBeNull();
  });

  it('the local day’s first record is a keyframe; a seek early in a day finds the day before', async () => {
    const h = harness();
    if (!h) return;
    const engine = await h.create();
    const rec = recorder(engine);
    const day2 = addDays(DAY1, 1);
    const midnight = localDayStart(clock, day2);
    // 23:57 … 00:02, with 00:00 and 00:01 missing (the server was down)
    const times = [-3, -2, -1, 2].map((m) => midnight + m * MIN);
    for (const t of times) await rec.record(t + 50);
    expect(await flags(h, '610100', DAY1)).toEqual([1, 0, 0]);
    expect(await flags(h, '610100', day2)).toEqual([1]);
    const a = await rec.snapshotAt('610100', midnight + 90_000, midnight + 3 * MIN);
    expect(a?.at).toBe(midnight - MIN);
    expect(a?.snapshot).toStrictEqual(plain(fake('610100', midnight - MIN + 50)));
    expect((await rec.range('610100', midnight + 3 * MIN))?.count).toBe(4);
  });

  it('a region whose snapshot fails is skipped; the others are recorded', async () => {
    const h = harness();
    if (!h) return;
    const t0 = STARTS[0]![1];
    const rec = recorder(await h.create(), { fail: new Set(['610113']) });
    await rec.record(t0 + 50);
    expect(await rec.snapshotAt('610113', t0 + 1000, t0 + MIN)).toBeNull();
    expect(await rec.snapshotAt('610112', t0 + 1000, t0 + MIN)).not.toBeNull();
  });
});

describe('replay retention', () => {
  it('files: the day directories past the retention are removed', async () => {
    const h = harnesses.find((x) => x.name === 'files')!;
    const rec = recorder(await h.create(), { retentionDays: 2 });
    const d0 = localDayStart(clock, '2026-03-01') + 10 * 3_600_000;
    for (let d = 0; d < 5; d++) await rec.record(d0 + d * DAY);
    expect((await readdir(h.where())).sort()).toEqual(['2026-03-03', '2026-03-04', '2026-03-05']);
    expect(await rec.snapshotAt('610100', d0 + DAY, d0 + 4 * DAY)).toBeNull();
    expect((await rec.snapshotAt('610100', d0 + 2 * DAY, d0 + 4 * DAY))?.at).toBe(rec.alignedAt(d0 + 2 * DAY));
  });

  it('redis: a day’s streams expire a day after the retention has passed the day', async () => {
    const h = harnesses.find((x) => x.name === 'redis');
    if (!h) return;
    const rec = recorder(await h.create(3), { retentionDays: 3 });
    const t = localDayStart(clock, DAY1) + 10 * 3_600_000;
    await rec.record(t);
    const r = new Redis(REDIS_TEST_URL);
    try {
      const at = await r.call('EXPIRETIME', replayStreamKey(h.where(), '610100', DAY1));
      const endOfDay = localDayStart(clock, addDays(DAY1, 1));
      expect(Number(at) * 1000).toBeGreaterThanOrEqual(endOfDay + 3 * DAY);
      expect(Number(at) * 1000).toBeLessThanOrEqual(endOfDay + 5 * DAY);
    } finally {
      r.disconnect();
    }
  });
});

describe('replay on one Redis from two processes', () => {
  it('keeps one record per interval, and every record restores exactly', async () => {
    const h = harnesses.find((x) => x.name === 'redis');
    if (!h) return;
    const a = recorder(await h.create());
    const b = recorder(await h.again());
    const t0 = STARTS[1]![1];
    // b starts mid-block, both race each interval (either may win), a stops for a while
    for (let i = 0; i < 50; i++) {
      const t = t0 + i * MIN;
      const racers = i < 7 ? [a] : i >= 20 && i < 30 ? [b] : i % 2 ? [a, b] : [b, a];
      await Promise.all(racers.map((r, n) => r.record(t + 50 + n * 200)));
    }
    const k = await flags(h, '610100', clock.day(t0));
    expect(k).toHaveLength(50);
    const now = t0 + 50 * MIN;
    for (let i = 0; i < 50; i++) {
      const got = await a.snapshotAt('610100', t0 + i * MIN, now);
      expect(got?.at).toBe(t0 + i * MIN);
      // either process's snapshot of that interval (they differ in asOf only)
      const { asOf: _a, ...rest } = got!.snapshot;
      const { asOf: _b, ...want } = plain(fake('610100', t0 + i * MIN + 50)) as Snapshot;
      expect(rest).toStrictEqual(want);
    }
  });
});

describe('replay files survive a torn last line', () => {
  it('the torn line is ignored and the next record starts a line of its own', async () => {
    const h = harnesses.find((x) => x.name === 'files')!;
    const rec = recorder(await h.create());
    const t0 = STARTS[1]![1];
    await rec.record(t0 + 50);
    const file = join(h.where(), clock.day(t0), '610100.ndjson');
    await appendFile(file, '{"at":1,"k":0,"kf":1,"z":"tor');
    const again = recorder(await h.again());
    await again.record(t0 + MIN + 50);
    const a = await again.snapshotAt('610100', t0 + MIN, t0 + 2 * MIN);
    expect(a?.snapshot).toStrictEqual(plain(fake('610100', t0 + MIN + 50)));
    expect((await again.range('610100', t0 + 2 * MIN))?.count).toBe(2);
  });
});
