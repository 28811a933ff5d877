// Hand-run measurement of the read path (not a test; figures go to server/store/README.md):
//   node --import tsx tests/server/store/measure-snapshot.ts [rounds] [--live N]
// A MemoryStore gets the demo roster (西安 610100) and the demo's backfill (mock/backfill.ts:
// 30 days, realistic volume, thinned as the demo and bench:push send it) in process,
// then builds the city's snapshot and its 13 counties' per round, after a small live batch
// (N events, default 50: one frame interval at the demo's rate) so that every round sees a new
// store version, as the push feed does. Prints ms per region set (the frame tick's work).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backfillEvents, backfillPlan } from '../../../mock/backfill.ts';
import { eventStream } from '../../../mock/stream.ts';
import { scaleForRate, simulation } from '../../../mock/setup.ts';
import { validateEvent } from '../../../server/contract/validate.ts';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import { registryGeo } from '../../../server/aggregate/geo.ts';
import { viewsOf } from './views.ts';

const ROUNDS = Number(process.argv[2] ?? 30);
const liveAt = process.argv.indexOf('--live');
const LIVE = liveAt > 0 ? Number(process.argv[liveAt + 1]) : 50;
const DAY = 86_400_000;
const CITY = '610100';

const dir = await mkdtemp(join(tmpdir(), 'zhdj-measure-snap-'));
const store = new MemoryStore({ dataDir: dir, compactIntervalMs: 0 });
await store.open();
const { roster, pop } = simulation({ region: CITY });
// through JSON, as the server gets them (strings from JSON.parse, not the generator's)
await store.putRoster(JSON.parse(JSON.stringify(roster)) as typeof roster);
const end = Date.now();
const ctx = { nowMs: end, retentionMs: 35 * DAY, isKnownOrg: (o: string) => store.isKnownOrg(o) };
const normalize = (raw: unknown[]): NormalizedEvent[] =>
  (JSON.parse(JSON.stringify(raw)) as unknown[]).flatMap((r, i) => {
    const v = validateEvent(r, i, ctx);
    return v.ok ? [v.event] : [];
  });
let batch: unknown[] = [];
let n = 0;
for (const ev of backfillEvents(backfillPlan(pop, end))) {
  batch.push(ev);
  if (batch.length === 5000) {
    n += (await store.ingest(normalize(batch), end)).accepted;
    batch = [];
  }
}
n += (await store.ingest(normalize(batch), end)).accepted;
const live = eventStream({ pop, startMs: end, scale: scaleForRate(pop, LIVE) });
const regions = [CITY, ...registryGeo.children(CITY).map((c) => c.code)];
console.error(
  `${roster.length} orgs, ${roster.reduce((s, o) => s + o.members, 0)} members, ${n} events backfilled; regions ${regions.length}`,
);

const first = performance.now();
for (const r of regions) await viewsOf(store).snapshot(r, Date.now());
console.error(`first build of ${regions.length} regions: ${(performance.now() - first).toFixed(1)} ms`);

const perSet: number[] = [];
const cityOnly: number[] = [];
const cpuSet: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const evs: unknown[] = [];
  for (const ev of live) {
    evs.push({ ...ev, ts: Math.min(Date.now(), typeof ev.ts === 'number' ? ev.ts : Date.parse(ev.ts)) });
    if (evs.length >= LIVE) break;
  }
  ctx.nowMs = Date.now();
  await store.ingest(normalize(evs));
  const now = Date.now();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await viewsOf(store).snapshot(CITY, now);
  const t1 = performance.now();
  for (const r of regions.slice(1)) await viewsOf(store).snapshot(r, now);
  const t2 = performance.now();
  const c = process.cpuUsage(c0);
  cpuSet.push((c.user + c.system) / 1000);
  cityOnly.push(t1 - t0);
  perSet.push(t2 - t0);
}
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);
console.error(`city snapshot: p50 ${q(cityOnly, 50)} ms, p90 ${q(cityOnly, 90)} ms`);
console.error(
  `city + 13 counties: p50 ${q(perSet, 50)} ms, p90 ${q(perSet, 90)} ms, max ${q(perSet, 100)} ms; CPU p50 ${q(cpuSet, 50)} ms, p90 ${q(cpuSet, 90)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'snapshot',
    orgs: roster.length,
    regions: regions.length,
    cityP50Ms: Number(q(cityOnly, 50)),
    setP50Ms: Number(q(perSet, 50)),
    setP90Ms: Number(q(perSet, 90)),
    setCpuP50Ms: Number(q(cpuSet, 50)),
  }),
);
await store.close();
await rm(dir, { recursive: true, force: true });
