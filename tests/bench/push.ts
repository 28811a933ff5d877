// npm run bench:push -- [--walls 500] [--seconds 30] [--rate 50] [--backfill-days 30] [--procs 2] [--spread] [--store memory|redis]
// The server runs as a child process with the demo's state (roster, 30 days of history);
// walls are real socket.io-client connections in --procs other processes; this process
// ingests simulator events at a steady rate. Measures
// ack → frame latency per wall, frame and snapshot sizes and the server's event-loop delay.
// Prints a summary and, as the last line, one JSON object.
import { fork, type ChildProcess } from 'node:child_process';
import { childrenOf } from '../../geo/registry.ts';
import { fileURLToPath } from 'node:url';
import { runBackfill } from '../../mock/backfill.ts';
import { runLive } from '../../mock/live.ts';
import { simulation } from '../../mock/setup.ts';
import { startRedisChild, startServerChild, type Child } from './lib/server.ts';
import { arg, flag, metric, percentile, round } from './lib/stats.ts';
import type { ChildMessage, WallResult } from './lib/walls-child.ts';

const wallCount = Number(arg('walls', '500'));
const seconds = Number(arg('seconds', '30'));
const rate = Number(arg('rate', '50'));
const backfillDays = Number(arg('backfill-days', '30'));
const procs = Number(arg('procs', '2'));
const store = arg('store', 'memory');
const intervalMs = Number(arg('interval', '1000'));
const CITY = '610100';
// --spread: walls over the city and its 13 counties (only the city walls see every event)
const REGIONS = flag('spread') ? [CITY, ...childrenOf(CITY).map((r) => r.code)] : [CITY];
const INGEST_INTERVAL_MS = 100;
const CHILD = fileURLToPath(new URL('./lib/walls-child.ts', import.meta.url));
const log = (msg: string) => process.stderr.write(`${msg}\n`);
// auth on, as in production
const INGEST_TOKEN = 'bench-ingest-token';
const WALL_TOKEN = 'bench-wall';
const AUTH_ENV = { INGEST_TOKENS: INGEST_TOKEN, SCREEN_TOKENS: `${WALL_TOKEN}:${CITY}` };

function startWalls(
  url: string,
  count: number,
): { child: ChildProcess; ready: Promise<ChildMessage>; results: Promise<ChildMessage> } {
  const child = fork(CHILD, [url, REGIONS.join(','), String(count), WALL_TOKEN], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  const waiters: ((m: ChildMessage) => void)[] = [];
  child.on('message', (m: ChildMessage) => (waiters.length ? waiters.shift()!(m) : messages.push(m)));
  const nextMessage = () =>
    new Promise<ChildMessage>((resolve) => (messages.length ? resolve(messages.shift()!) : waiters.push(resolve)));
  const ready = nextMessage();
  return { child, ready, results: ready.then(nextMessage) };
}

async function loopDelay(url: string): Promise<{ p99Ms: number; maxMs: number; text: string }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    maxMs: metric(text, 'zhdj_event_loop_delay_max_seconds') * 1000,
    p99Ms: metric(text, 'zhdj_event_loop_delay_p99_seconds') * 1000,
    text,
  };
}

const BUILD = 'zhdj_frame_build_seconds';
/** zhdj_frame_build_seconds between two scrapes: count, sum and the cumulative bucket counts. */
function buildWindow(
  before: string,
  after: string,
): { count: number; sumMs: number; buckets: [leMs: number, share: number][] } {
  const count = metric(after, `${BUILD}_count`) - metric(before, `${BUILD}_count`);
  const sumMs = (metric(after, `${BUILD}_sum`) - metric(before, `${BUILD}_sum`)) * 1000;
  const buckets: [number, number][] = [];
  for (const m of after.matchAll(new RegExp(`^${BUILD}_bucket\\{le="([0-9.e+-]+)"\\} ([0-9]+)$`, 'gm'))) {
    const le = m[1]!;
    const n = Number(m[2]) - metric(before, `${BUILD}_bucket`, `{le="${le}"}`);
    buckets.push([round(Number(le) * 1000, 1), count > 0 ? round(n / count, 3) : Number.NaN]);
  }
  return { count, sumMs, buckets };
}

/** For each frame: every ack after the previous frame's asOf and at or before this frame's
 * asOf is first visible in it (an upper bound: a write may land just before its ack). */
function latencies(walls: WallResult[], acks: number[]): number[] {
  const out: number[] = [];
  for (const w of walls) {
    if (w.region !== CITY) continue;
    let prevAsOf = -Infinity;
    let j = 0;
    for (const [asOf, arrived] of w.frames) {
      while (j < acks.length && acks[j]! <= prevAsOf) j++;
      while (j < acks.length && acks[j]! <= asOf) out.push(arrived - acks[j++]!);
      prevAsOf = asOf;
    }
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  log(
    `bench:push walls=${wallCount} (${REGIONS.length} regions) seconds=${seconds} rate=${rate} events/s procs=${procs} store=${store}`,
  );
  const children: Child[] = [];
  const wallProcs: ChildProcess[] = [];
  try {
    const redis = store === 'redis' ? await startRedisChild() : undefined;
    if (redis) children.push(redis);
    const server = await startServerChild({
      ...AUTH_ENV,
      FRAME_INTERVAL_MS: String(intervalMs),
      ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `zhdjbench${process.pid}` } : {}),
    });
    children.unshift(server);
    const { roster } = simulation({ region: CITY });
    const put = await fetch(`${server.url}/api/v1/roster`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(roster),
    });
    if (!put.ok) throw new Error(`roster refused: ${put.status}`);
    const quiet = { info: () => {}, warn: (m: string) => log(`ingest: ${m}`) };
    if (backfillDays > 0) {
      const b = await runBackfill({ url: server.url, token: INGEST_TOKEN, days: backfillDays, log: quiet });
      log(`backfill: ${b.accepted} events over ${backfillDays} days`);
    }

    const acks: number[] = [];
    const abort = new AbortController();
    let accepted = 0;
    const live = runLive({
      url: server.url,
      token: INGEST_TOKEN,
      rate,
      intervalMs: INGEST_INTERVAL_MS,
      signal: abort.signal,
      log: quiet,
      onBatch: (s) => {
        acks.push(Date.now());
        accepted = s.accepted;
      },
    });

    const per = Math.ceil(wallCount / procs);
    const groups = Array.from({ length: procs }, (_, i) =>
      startWalls(server.url, Math.min(per, wallCount - i * per)),
    ).filter((_, i) => i * per < wallCount);
    wallProcs.push(...groups.map((g) => g.child));
    const ready = await Promise.all(groups.map((g) => g.ready));
    const connected = ready.reduce((n, m) => n + (m.kind === 'ready' ? m.connected : 0), 0);
    const snapshotBytes = Math.max(...ready.map((m) => (m.kind === 'ready' ? m.snapshotBytes : 0)));
    log(`${connected} walls connected; steady state for ${seconds} s`);
    await new Promise((r) => setTimeout(r, 2000));
    const opened = await loopDelay(server.url); // opens the measurement window
    const start = Date.now();
    const acceptedAtStart = accepted;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const loop = await loopDelay(server.url);
    const ingested = accepted - acceptedAtStart;
    const elapsedS = (Date.now() - start) / 1000;
    abort.abort();
    await live;
    // frame builds inside the measurement window (the joins before it are not steady state)
    const build = buildWindow(opened.text, loop.text);
    const frameBuildMs = build.sumMs / build.count;
    for (const g of groups) g.child.send('stop');
    const results = (await Promise.all(groups.map((g) => g.results))).flatMap((m) => (m.kind === 'results' ? [m] : []));
    const walls = results.flatMap((r) => r.walls);
    const lat = latencies(
      walls.map((w) => ({ ...w, frames: w.frames.filter(([asOf]) => asOf >= start) })),
      acks.filter((a) => a >= start),
    );
    const deltas = results.flatMap((r) => r.deltaBytes).sort((a, b) => a - b);
    const deltaBytes = percentile(deltas, 50);
    const out = {
      bench: 'push',
      store,
      walls: connected,
      regions: REGIONS.length,
      seconds,
      frameIntervalMs: intervalMs,
      eventsPerSec: round(ingested / elapsedS, 0),
      latencyP50Ms: percentile(lat, 50),
      latencyP99Ms: percentile(lat, 99),
      latencySamples: lat.length,
      deltaBytes,
      deltaBytesP95: percentile(deltas, 95),
      snapshotBytes,
      deltaRatio: round(deltaBytes / snapshotBytes, 3),
      loopDelayP99Ms: round(loop.p99Ms, 1),
      loopDelayMaxMs: round(loop.maxMs, 1),
      frameBuildMeanMs: round(frameBuildMs, 1),
      frameBuilds: build.count,
      frameBuildShareUnderMs: Object.fromEntries(build.buckets),
      framesPerWall: round(walls.reduce((n, w) => n + w.frames.length, 0) / Math.max(1, walls.length), 1),
      seqGaps: walls.reduce((n, w) => n + w.seqGaps, 0),
      errors: results.flatMap((r) => r.errors),
    };
    log('');
    log(`${out.walls} walls, ${out.eventsPerSec} events/s ingested, frame interval ${intervalMs} ms`);
    log(
      `ack → frame latency p50 ${out.latencyP50Ms} ms, p99 ${out.latencyP99Ms} ms (${lat.length} samples, city walls)`,
    );
    log(
      `frame ${deltaBytes} B (p50; p95 ${out.deltaBytesP95} B) vs snapshot ${snapshotBytes} B = ${round(out.deltaRatio * 100, 1)} %`,
    );
    log(`server event-loop delay p99 ${out.loopDelayP99Ms} ms (max ${out.loopDelayMaxMs} ms); seq gaps ${out.seqGaps}`);
    log(
      `frame build (tick start → frame ready, ${build.count} in the window): mean ${out.frameBuildMeanMs} ms; share ≤ ${build.buckets.map(([le, f]) => `${le} ms: ${round(f * 100, 1)} %`).join(', ')}`,
    );
    console.log(JSON.stringify(out));
    process.exitCode = out.errors.length === 0 && out.seqGaps === 0 ? 0 : 1;
  } finally {
    for (const p of wallProcs) if (p.exitCode === null) p.kill();
    for (const c of children) await c.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
