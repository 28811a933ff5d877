// npm run bench:fleet -- [--processes 2] [--walls 2000] [--seconds 60] [--rate 50] [--interval 1000]
//   [--backfill-days 2] [--wall-procs 2] [--townships 2] [--redis redis://127.0.0.1:6379] [--cold]
// A fleet of --processes server processes sharing one Redis (REDIS_URL, default the local
// Redis; a private REDIS_PREFIX whose keys are removed at the end), walls as real
// socket.io-client connections in --wall-procs other processes, spread round-robin over the
// processes and over the regions (the city 610100, its 13 counties and --townships townships of
// each), simulator events ingested at a steady rate through the live processes in turn. At 2/3
// of the run one server process is SIGKILLed (with --processes 1 it is restarted on its port);
// its walls reconnect, each attempt to the next process in their list. The walls join in two
// waves — one per region per process, then the rest — unless --cold: all at once.
// Measures event → wall latency (city walls, both processes), event-loop delay per process,
// frame builds per region per interval over the fleet, heartbeat bytes per wall per minute and
// the recovery after the kill. Prints a summary on stderr, and as the last stdout line one JSON
// object. Targets are printed next to the figures, never asserted.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { runBackfill } from '../../mock/backfill.ts';
import { runLive } from '../../mock/live.ts';
import { simulation } from '../../mock/setup.ts';
import { startServerChild, type Child } from './lib/server.ts';
import { arg, flag, metric, percentile, round } from './lib/stats.ts';
import type { FleetChildMessage, FleetWallResult, FleetWallsConfig, StopMessage } from './lib/fleet-walls.ts';
import { dropPrefix } from '../server/lib/redis.ts';

const processes = Number(arg('processes', '2'));
const wallCount = Number(arg('walls', '2000'));
const seconds = Number(arg('seconds', '60'));
const rate = Number(arg('rate', '50'));
const intervalMs = Number(arg('interval', '1000'));
const backfillDays = Number(arg('backfill-days', '2'));
const wallProcs = Number(arg('wall-procs', '2'));
const townshipsPerCounty = Number(arg('townships', '2'));
/** every wall at once, as after a fleet restart (default: one wall per region per process first) */
const cold = flag('cold');
const redisUrl = arg('redis', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PREFIX = `benchfleet${process.pid}`;
const CITY = '610100';
const INGEST_INTERVAL_MS = 100;
const CHILD = fileURLToPath(new URL('./lib/fleet-walls.ts', import.meta.url));
const INGEST_TOKEN = 'bench-ingest-token';
const WALL_TOKEN = 'bench-wall';
const AUTH_ENV = { INGEST_TOKENS: INGEST_TOKEN, SCREEN_TOKENS: `${WALL_TOKEN}:${CITY}` };
/** the ingest client posts here; routeIngest sends each request to the next live process */
const FLEET_BASE = 'http://fleet.invalid';
const TARGET = {
  latencyP99Ms: intervalMs + 150,
  loopDelayP99Ms: 50,
  recoveryMs: 10_000,
  frameBuildsPerRegionPerInterval: 1,
};
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The city, its counties, and the first `perCounty` townships of each county on the roster. */
function benchRegions(roster: readonly { region: string }[], perCounty: number): string[] {
  const codes = [...new Set(roster.map((o) => o.region))];
  const counties = codes.filter((c) => c.length === 6 && c !== CITY).sort();
  const towns = counties.flatMap((county) =>
    codes
      .filter((c) => c.length === 9 && c.startsWith(county))
      .sort()
      .slice(0, perCounty),
  );
  return [CITY, ...counties, ...towns];
}

/** fetch, with requests to FLEET_BASE sent to the live processes in turn. */
function routeIngest(live: () => string[]): void {
  const real = globalThis.fetch;
  let next = 0;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(FLEET_BASE)) return real(input, init);
    const targets = live();
    const base = targets[next++ % Math.max(1, targets.length)] ?? FLEET_BASE;
    return real(base + url.slice(FLEET_BASE.length), init);
  };
}

interface Scrape {
  at: number;
  intervals: number;
  heartbeats: number;
  frames: number;
  joins: Record<'snapshot' | 'frames' | 'recovered', number>;
  loopP99Ms: number;
  loopMaxMs: number;
  walls: number;
  buildCount: number;
  buildSumS: number;
}

/** One scrape of a process's /metrics (it resets the event-loop delay window). */
async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const joins = (how: string) => metric(text, 'zhdj_wall_joins_total', `{how="${how}"}`) || 0;
  return {
    at: Date.now(),
    intervals: metric(text, 'zhdj_region_intervals_total'),
    heartbeats: metric(text, 'zhdj_heartbeats_total'),
    frames: metric(text, 'zhdj_frames_total'),
    joins: { snapshot: joins('snapshot'), frames: joins('frames'), recovered: joins('recovered') },
    loopP99Ms: metric(text, 'zhdj_event_loop_delay_p99_seconds') * 1000,
    loopMaxMs: metric(text, 'zhdj_event_loop_delay_max_seconds') * 1000,
    walls: metric(text, 'zhdj_walls_connected'),
    buildCount: metric(text, 'zhdj_frame_build_seconds_count'),
    buildSumS: metric(text, 'zhdj_frame_build_seconds_sum'),
  };
}

function startWalls(config: FleetWallsConfig): {
  child: ChildProcess;
  ready: Promise<FleetChildMessage>;
  results: Promise<FleetChildMessage>;
} {
  const child = fork(CHILD, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: FleetChildMessage[] = [];
  const waiters: ((m: FleetChildMessage) => void)[] = [];
  child.on('message', (m: FleetChildMessage) => (waiters.length ? waiters.shift()!(m) : messages.push(m)));
  const nextMessage = () =>
    new Promise<FleetChildMessage>((resolve) => (messages.length ? resolve(messages.shift()!) : waiters.push(resolve)));
  const ready = nextMessage();
  return { child, ready, results: ready.then(nextMessage) };
}

/** As bench:push: every ack after the previous frame's asOf and at or before this frame's asOf
 * is first visible in it (an upper bound: a write may land just before its ack). Frames of walls
 * that see every event (the city's), kept when `keep` says so. */
function latencies(
  walls: readonly FleetWallResult[],
  acks: readonly number[],
  keep: (asOf: number, arrived: number, url: number) => boolean,
): number[] {
  const out: number[] = [];
  for (const w of walls) {
    if (w.region !== CITY) continue;
    let prevAsOf = -Infinity;
    let j = 0;
    for (const [asOf, arrived, url] of w.frames) {
      if (asOf <= prevAsOf) continue; // a replayed frame already seen
      if (keep(asOf, arrived, url)) {
        while (j < acks.length && acks[j]! <= prevAsOf) j++;
        while (j < acks.length && acks[j]! <= asOf) out.push(arrived - acks[j++]!);
      }
      prevAsOf = asOf;
    }
  }
  return out.sort((a, b) => a - b);
}

/** Longest silence (no snapshot, frame or heartbeat) of a wall within [from, to]. */
function longestGap(w: FleetWallResult, from: number, to: number): number {
  let prev = from;
  let gap = 0;
  for (const at of w.messages) {
    if (at < from) continue;
    if (at > to) break;
    gap = Math.max(gap, at - prev);
    prev = at;
  }
  return Math.max(gap, to - prev);
}

async function leaseHolders(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${PREFIX}:feed:*}:lease`, 'COUNT', 1000);
    cursor = next;
    const values = keys.length > 0 ? await redis.mget(...keys) : [];
    keys.forEach((k, i) => values[i] && out.set(k.slice(`{${PREFIX}:feed:`.length, -'}:lease'.length), values[i]));
  } while (cursor !== '0');
  return out;
}

/** The ledger's own record (`{prefix:feed:REGION}:log`, frames in commit order): entries whose
 * seq is not above the one before (a builder that continued from a stale state), with examples. */
async function logRegressions(
  redis: Redis,
  regions: readonly string[],
): Promise<{ regressions: number; examples: string[] }> {
  let regressions = 0;
  const examples: string[] = [];
  for (const region of regions) {
    const log = await redis.lrange(`{${PREFIX}:feed:${region}}:log`, 0, -1);
    let prev: { seq: number; asOf: number } | undefined;
    for (const entry of log) {
      const { frame } = JSON.parse(entry) as { frame: { seq: number; asOf: number } };
      if (prev && frame.seq <= prev.seq) {
        regressions += 1;
        if (examples.length < 3) {
          examples.push(`${region}: seq ${prev.seq} (asOf ${prev.asOf}) then ${frame.seq} (asOf ${frame.asOf})`);
        }
      }
      prev = frame;
    }
  }
  return { regressions, examples };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const { roster } = simulation({ region: CITY });
  const regions = benchRegions(roster, townshipsPerCounty);
  log(
    `bench:fleet processes=${processes} walls=${wallCount} (${regions.length} regions) seconds=${seconds} ` +
      `rate=${rate} events/s interval=${intervalMs} ms redis=${redisUrl} prefix=${PREFIX}`,
  );
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const servers: (Child | undefined)[] = [];
  const wallChildren: ChildProcess[] = [];
  const env = {
    ...AUTH_ENV,
    FRAME_INTERVAL_MS: String(intervalMs),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: PREFIX,
  };
  try {
    if ((await dropPrefix(PREFIX, redisUrl)) > 0) log(`removed stale keys of ${PREFIX}`);
    servers.push(
      ...(await Promise.all(Array.from({ length: processes }, (_, i) => startServerChild(env, `server ${i}`)))),
    );
    const urls = servers.map((s) => s!.url);
    const live = () => servers.flatMap((s) => (s && !s.exited?.() ? [s.url] : []));
    routeIngest(live);
    log(`servers: ${urls.join(' ')}`);

    const put = await fetch(`${urls[0]}/api/v1/roster`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(roster),
    });
    if (!put.ok) throw new Error(`roster refused: ${put.status} ${await put.text()}`);
    const quiet = { info: () => {}, warn: (m: string) => log(`ingest: ${m}`) };
    if (backfillDays > 0) {
      const t0 = Date.now();
      const b = await runBackfill({ url: FLEET_BASE, token: INGEST_TOKEN, days: backfillDays, log: quiet });
      log(`backfill: ${b.accepted} events over ${backfillDays} days in ${round((Date.now() - t0) / 1000)} s`);
    }

    const acks: number[] = [];
    const abort = new AbortController();
    let accepted = 0;
    const ingest = runLive({
      url: FLEET_BASE,
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

    const groups = Array.from({ length: Math.min(wallProcs, wallCount) }, (_, i) =>
      startWalls({
        urls,
        regions,
        first: i,
        step: wallProcs,
        count: Math.ceil((wallCount - i) / wallProcs),
        firstWave: cold ? 0 : regions.length * processes,
        token: WALL_TOKEN,
        latencyRegions: [CITY],
      }),
    );
    wallChildren.push(...groups.map((g) => g.child));
    // progress while the walls join: what each process has served so far
    const progress = setInterval(() => {
      void Promise.all(urls.map(scrape)).then(
        (m) =>
          log(
            `joining: ${m.map((x, i) => `server ${i} walls ${x.walls} snapshots ${x.joins.snapshot} builds ${x.buildCount} (mean ${round((x.buildSumS * 1000) / Math.max(1, x.buildCount), 0)} ms)`).join('; ')}`,
          ),
        () => undefined,
      );
    }, 5000);
    const ready = await Promise.all(groups.map((g) => g.ready)).finally(() => clearInterval(progress));
    const connected = sum(ready.map((m) => (m.kind === 'ready' ? m.connected : 0)));
    const snapshotBytes = Math.max(...ready.map((m) => (m.kind === 'ready' ? m.snapshotBytes : 0)));
    const regionsWithWalls = Math.min(regions.length, wallCount);
    log(`${connected} of ${wallCount} walls connected; steady state for ${seconds} s`);
    await sleep(2000);

    // windows: [start, preKill] on every process, [preKill, end] on the survivors
    const opened = await Promise.all(urls.map(scrape));
    const start = Date.now();
    const acceptedAtStart = accepted;
    await sleep(Math.round((seconds * 1000 * 2) / 3));
    const holdersBefore = await leaseHolders(redis);
    const preKill = await Promise.all(urls.map(scrape));
    // the process that built the most region-intervals: its regions must be taken over
    const builtByProcess = urls.map((_, i) => preKill[i]!.intervals - opened[i]!.intervals);
    const victim = builtByProcess.indexOf(Math.max(...builtByProcess));
    const killAt = Date.now();
    process.kill(servers[victim]!.pid, 'SIGKILL');
    log(`SIGKILL server ${victim} (${urls[victim]}) at +${round((killAt - start) / 1000)} s`);
    const victimUrl = urls[victim]!;
    let restartedAt: number | undefined;
    if (processes === 1) {
      // nowhere else to go: the process comes back on its port, as a supervisor would restart it
      const old = servers[victim]!;
      servers[victim] = undefined;
      await old.stop();
      servers[victim] = await startServerChild(env, `server ${victim} (restarted)`, {
        port: Number(new URL(victimUrl).port),
      });
      restartedAt = Date.now();
      log(`server ${victim} restarted in ${restartedAt - killAt} ms`);
    }
    await sleep(start + seconds * 1000 - Date.now());
    const survivors = urls.map((_, i) => i).filter((i) => i !== victim || processes === 1);
    const closing = await Promise.all(survivors.map((i) => scrape(urls[i]!)));
    const end = Date.now();
    const holdersAfter = await leaseHolders(redis);
    const ledgerLog = await logRegressions(redis, regions);
    // the Socket.IO adapter's stream: every broadcast, and (connection state recovery) every
    // message to one socket — snapshots and replayed frames included
    const stream = `{${PREFIX}}:sio`;
    const streamEntries = await redis.xlen(stream);
    const streamBytes = Number((await redis.call('MEMORY', 'USAGE', stream, 'SAMPLES', '0')) ?? 0);
    const ingested = accepted - acceptedAtStart;
    abort.abort();
    await ingest;
    for (const g of groups) g.child.send({ kind: 'stop', from: start, to: end } satisfies StopMessage);
    const results = (await Promise.all(groups.map((g) => g.results))).flatMap((m) => (m.kind === 'results' ? [m] : []));
    const walls = results.flatMap((r) => r.walls);
    const elapsedMs = end - start;

    // latency: both processes before the kill; the survivors once the walls are back
    const lat = latencies(
      walls,
      acks.filter((a) => a >= start && a < killAt),
      (asOf, arrived) => asOf >= start && arrived < killAt,
    );
    const latByProcess = urls.map((_, u) =>
      latencies(
        walls,
        acks.filter((a) => a >= start && a < killAt),
        (asOf, arrived, url) => asOf >= start && arrived < killAt && url === u,
      ),
    );

    // recovery: the walls that were on the victim when it died
    const hit = walls.flatMap((w) => {
      const before = w.connections.find(
        (c) => c.url === victim && c.at < killAt && (c.endedAt === undefined || c.endedAt >= killAt),
      );
      if (!before) return [];
      const back = w.connections.find(
        (c) => c.at > killAt && c.firstMessageAt !== undefined && (processes === 1 || c.url !== victim),
      );
      return [{ w, back }];
    });
    const recovered = hit.flatMap(({ back }) => (back ? [back] : []));
    const recoveryTimes = recovered.map((c) => c.firstMessageAt! - killAt).sort((a, b) => a - b);
    const notRecovered = hit.length - recovered.length;
    const recoveryMs = notRecovered === 0 && hit.length > 0 ? recoveryTimes.at(-1)! : null;
    const how = {
      recovered: recovered.filter((c) => c.recovered).length,
      snapshot: recovered.filter((c) => !c.recovered && c.snapshot).length,
      frames: recovered.filter((c) => !c.recovered && !c.snapshot).length,
    };
    const lateLat = recoveryMs
      ? latencies(
          walls,
          acks.filter((a) => a >= killAt + recoveryMs + 1000),
          (asOf) => asOf >= killAt + recoveryMs + 1000,
        )
      : [];

    // frame builds: Σ region-intervals over the fleet ÷ (regions with walls × intervals)
    const intervalsOf = (i: number, to: Scrape | undefined) => (to ? to.intervals - opened[i]!.intervals : 0);
    const builtBefore = sum(urls.map((_, i) => intervalsOf(i, preKill[i])));
    const builtWhole = sum(
      urls.map((_, i) => {
        const k = survivors.indexOf(i);
        if (k < 0) return intervalsOf(i, preKill[i]);
        if (processes === 1) return intervalsOf(i, preKill[i]) + closing[k]!.intervals; // a fresh process
        return intervalsOf(i, closing[k]);
      }),
    );
    const perInterval = (n: number, ms: number) => round(n / (regionsWithWalls * (ms / intervalMs)), 3);
    const frameBuildsPerRegionPerInterval = perInterval(builtWhole, elapsedMs);
    const frameBuildsBeforeKill = perInterval(builtBefore, preKill[0]!.at - start);

    // loop delay: p99 of each window, the worst window of each process
    const loopByProcess = urls.map((_, i) => {
      const k = survivors.indexOf(i);
      const windows = [preKill[i]!.loopP99Ms, ...(k >= 0 ? [closing[k]!.loopP99Ms] : [])];
      return round(Math.max(...windows), 1);
    });
    const loopMaxByProcess = urls.map((_, i) => {
      const k = survivors.indexOf(i);
      return round(Math.max(preKill[i]!.loopMaxMs, ...(k >= 0 ? [closing[k]!.loopMaxMs] : [])), 1);
    });

    // heartbeats: bytes on the wire (engine.io + Socket.IO text) per connected wall-minute
    const beatBytes = sum(walls.map((w) => w.beatBytesInWindow));
    const beats = sum(walls.map((w) => w.beatsInWindow));
    const wallMinutes = sum(walls.map((w) => w.connectedMsInWindow)) / 60_000;
    const towns = walls.filter((w) => w.region.length === 9);
    const townMinutes = sum(towns.map((w) => w.connectedMsInWindow)) / 60_000;

    // liveness: longest silence of a wall before the kill; after it, of the walls not on the victim
    const stale = 3 * intervalMs;
    const gapsBefore = walls.map((w) => longestGap(w, start, killAt)).sort((a, b) => a - b);
    const untouched = walls.filter((w) => !hit.some((h) => h.w === w));
    const gapsAfter = untouched.map((w) => longestGap(w, killAt, end)).sort((a, b) => a - b);

    // one seq per region across the fleet: the same seq never carries two different asOf
    const asOfBySeq = new Map<string, number>();
    const conflicting = new Map<string, Set<number>>();
    for (const w of walls) {
      for (const [seq, asOf] of w.seqs) {
        const key = `${w.region}:${seq}`;
        const seen = asOfBySeq.get(key);
        if (seen === undefined) asOfBySeq.set(key, asOf);
        else if (seen !== asOf) conflicting.set(key, (conflicting.get(key) ?? new Set([seen])).add(asOf));
      }
    }
    const seqConflicts = conflicting.size;
    const taken = [...holdersBefore].filter(([r, h]) => holdersAfter.get(r) !== h).length;
    const serverJoinsAfterKill = { snapshot: 0, frames: 0, recovered: 0 };
    survivors.forEach((i, k) => {
      for (const key of ['snapshot', 'frames', 'recovered'] as const) {
        const from = processes === 1 ? 0 : preKill[i]!.joins[key];
        serverJoinsAfterKill[key] += closing[k]!.joins[key] - from;
      }
    });
    const errors = results.flatMap((r) => r.errors);
    const connections = walls.flatMap((w) => w.connections);
    const gapConnections = connections.filter((c) => c.gaps > 0);
    const buildMeanMsByProcess = urls.map((_, i) => {
      const k = survivors.indexOf(i);
      const to = k >= 0 && processes > 1 ? closing[k]! : preKill[i]!;
      return round(
        ((to.buildSumS - opened[i]!.buildSumS) * 1000) / Math.max(1, to.buildCount - opened[i]!.buildCount),
        1,
      );
    });

    const out = {
      bench: 'fleet',
      processes,
      walls: wallCount,
      /** walls holding their first snapshot when the measurement began */
      wallsJoined: connected,
      regions: regions.length,
      regionsWithWalls,
      coldJoin: cold,
      seconds,
      frameIntervalMs: intervalMs,
      eventsPerSec: round(ingested / (elapsedMs / 1000), 0),
      backfillDays,
      latencyP50Ms: percentile(lat, 50),
      latencyP99Ms: percentile(lat, 99),
      latencySamples: lat.length,
      latencyP99MsByProcess: latByProcess.map((l) => percentile(l, 99)),
      latencyP99MsAfterRecovery: percentile(lateLat, 99),
      loopDelayP99Ms: Math.max(...loopByProcess),
      loopDelayP99MsByProcess: loopByProcess,
      loopDelayMaxMsByProcess: loopMaxByProcess,
      frameBuildsPerRegionPerInterval,
      frameBuildsPerRegionPerIntervalBeforeKill: frameBuildsBeforeKill,
      heartbeatBytesPerWallPerMinute: round(beatBytes / Math.max(1e-9, wallMinutes), 0),
      heartbeatBytesPerTownshipWallPerMinute: round(
        sum(towns.map((w) => w.beatBytesInWindow)) / Math.max(1e-9, townMinutes),
        0,
      ),
      heartbeatBytesMean: round(beatBytes / Math.max(1, beats), 1),
      heartbeatsPerWallPerMinute: round(beats / Math.max(1e-9, wallMinutes), 1),
      frameBuildMeanMsByProcess: buildMeanMsByProcess,
      regionIntervalsBeforeKillByProcess: builtByProcess,
      snapshotBytes,
      killedProcess: victim,
      killedAtS: round((killAt - start) / 1000, 1),
      restartMs: restartedAt === undefined ? null : restartedAt - killAt,
      wallsOnKilled: hit.length,
      recoveryMs,
      recoveryP50Ms: percentile(recoveryTimes, 50),
      wallsNotRecovered: notRecovered,
      recoveredOnReconnect: how.recovered,
      framesOnRecovery: how.frames,
      snapshotsOnRecovery: how.snapshot,
      serverJoinsAfterKill,
      adapterStreamEntries: streamEntries,
      adapterStreamBytes: streamBytes,
      leasesTakenOver: taken,
      leaseHoldersBefore: new Set(holdersBefore.values()).size,
      leaseHoldersAfter: new Set(holdersAfter.values()).size,
      maxSilenceBeforeKillMs: gapsBefore.at(-1) ?? null,
      staleWallsBeforeKill: gapsBefore.filter((g) => g > stale).length,
      maxSilenceAfterKillMs: gapsAfter.at(-1) ?? null,
      staleWallsAfterKill: gapsAfter.filter((g) => g > stale).length,
      seqGaps: sum(walls.map((w) => w.seqGaps)),
      seqGapsFirstWithin3sOfConnect: gapConnections.filter((c) => c.firstGapAfterMs! <= 3000).length,
      seqGapConnectionsAfterKill: gapConnections.filter((c) => c.at > killAt).length,
      seqRepeats: sum(walls.map((w) => w.seqRepeats)),
      seqRepeatConnectionsAfterKill: connections.filter((c) => c.at > killAt && c.repeats > 0).length,
      seqConflicts,
      seqConflictExamples: [...conflicting].slice(0, 3).map(([k, a]) => `${k} asOf ${[...a].join(' / ')}`),
      ledgerLogSeqRegressions: ledgerLog.regressions,
      ledgerLogExamples: ledgerLog.examples,
      beatsAhead: sum(walls.map((w) => w.beatsAhead)),
      beatsAheadAfterKill: sum(walls.map((w) => w.beatsAheadAt.filter((t) => t >= killAt).length)),
      beatsBehind: sum(walls.map((w) => w.beatsBehind)),
      beatsBehindAfterKill: sum(walls.map((w) => w.beatsBehindAt.filter((t) => t >= killAt).length)),
      resyncs: sum(walls.map((w) => w.resyncs)),
      firstMessageNotSnapshot: walls.filter((w) => w.connections[0]?.firstMessage !== 'snapshot').length,
      firstMessageKinds: [...new Set(walls.map((w) => w.connections[0]?.firstMessage ?? 'none'))],
      connectErrors: sum(results.map((r) => r.connectErrors)),
      connectErrorsByMessage: results.reduce<Record<string, number>>((acc, r) => {
        for (const [m, n] of Object.entries(r.connectErrorsByMessage)) acc[m] = (acc[m] ?? 0) + n;
        return acc;
      }, {}),
      errors: errors.slice(0, 10),
      target: TARGET,
    };
    const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
    log('');
    log(
      `${out.walls} walls (${connected} joined at the start) on ${processes} processes, ${regions.length} regions (city, ${regions.length - 1 - townshipsPerCounty * 13} counties, ` +
        `${townshipsPerCounty * 13} townships); ${out.eventsPerSec} events/s; frame interval ${intervalMs} ms`,
    );
    log(
      `event → wall latency (city walls, before the kill) p50 ${out.latencyP50Ms} ms, p99 ${out.latencyP99Ms} ms ` +
        `(${lat.length} samples; per process p99 ${out.latencyP99MsByProcess.join(' / ')} ms) — target p99 ≤ ` +
        `${TARGET.latencyP99Ms} ms: ${mark(out.latencyP99Ms <= TARGET.latencyP99Ms)}; after recovery p99 ${out.latencyP99MsAfterRecovery} ms`,
    );
    log(
      `event-loop delay p99 per process ${loopByProcess.join(' / ')} ms (max ${loopMaxByProcess.join(' / ')} ms) — ` +
        `target ≤ ${TARGET.loopDelayP99Ms} ms: ${mark(out.loopDelayP99Ms <= TARGET.loopDelayP99Ms)}`,
    );
    log(
      `frame builds per region per interval over the fleet ${frameBuildsPerRegionPerInterval} ` +
        `(before the kill ${frameBuildsBeforeKill}; region-intervals per process before the kill ${builtByProcess.join(' / ')}) ` +
        `— target 1; frame build mean ${buildMeanMsByProcess.join(' / ')} ms`,
    );
    log(
      `heartbeats: ${out.heartbeatBytesPerWallPerMinute} B per wall per minute (township walls ` +
        `${out.heartbeatBytesPerTownshipWallPerMinute} B), ${out.heartbeatsPerWallPerMinute} per wall-minute, ` +
        `${out.heartbeatBytesMean} B each`,
    );
    log(
      `recovery after SIGKILL of 1 process: ${hit.length} walls; every one back and served in ${recoveryMs ?? '—'} ms ` +
        `(p50 ${out.recoveryP50Ms} ms; not back: ${notRecovered}) — target ≤ ${TARGET.recoveryMs} ms: ` +
        `${mark(recoveryMs !== null && recoveryMs <= TARGET.recoveryMs)}; served by recovery ${how.recovered}, ` +
        `frames ${how.frames}, snapshot ${how.snapshot} (servers' count: ${JSON.stringify(serverJoinsAfterKill)}); ` +
        `leases taken over ${taken}`,
    );
    log(
      `liveness: longest silence before the kill ${out.maxSilenceBeforeKillMs} ms (${out.staleWallsBeforeKill} walls > ${stale} ms), ` +
        `after it on untouched walls ${out.maxSilenceAfterKillMs} ms (${out.staleWallsAfterKill} walls > ${stale} ms)`,
    );
    log(
      `seq: gaps ${out.seqGaps} (on ${gapConnections.length} connections, ${out.seqGapsFirstWithin3sOfConnect} within 3 s of ` +
        `the connect, ${out.seqGapConnectionsAfterKill} after the kill), repeats ${out.seqRepeats}, conflicts ${seqConflicts} (region:seq with two asOf), ledger log regressions ${ledgerLog.regressions}, heartbeats ahead ${out.beatsAhead} (after the kill ${out.beatsAheadAfterKill}) ` +
        `/ behind ${out.beatsBehind} (after the kill ${out.beatsBehindAfterKill}), resyncs ${out.resyncs}; errors ${errors.length}; ` +
        `failed connection attempts ${out.connectErrors}`,
    );
    console.log(JSON.stringify(out));
  } finally {
    for (const p of wallChildren) if (p.exitCode === null) p.kill();
    for (const s of servers) await s?.stop();
    const removed = await dropPrefix(PREFIX, redisUrl).catch((err: unknown) => {
      log(`could not remove the keys of ${PREFIX}: ${String(err)}`);
      return 0;
    });
    log(`removed ${removed} keys of ${PREFIX}`);
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
