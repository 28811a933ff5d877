// npm run bench:ingest -- [--store memory|redis] [--seconds 60] [--batch 2000] [--connections 8] [--ndjson] [--no-proxy] [--steady]
// The server runs as a child process (MemoryStore in a temp dir, or RedisStore against a
// private redis-server); autocannon posts pre-generated simulator batches from this process.
// Afterwards the linear KPIs of the snapshot must equal what the accepted events add, exactly.
// Prints a summary and, as the last line, one JSON object.
import autocannon, { type Result } from 'autocannon';
import { buildBatches, CONTRIBUTION_KEYS, sum, type Contribution, type Template } from './lib/batches.ts';
import { startRespProxy } from './lib/resp-proxy.ts';
import { startRedisChild, startServerChild, redisCounters, type Child } from './lib/server.ts';
import { arg, flag, metric, percentile, round } from './lib/stats.ts';

const store = arg('store', 'memory');
const seconds = Number(arg('seconds', '60'));
const batch = Number(arg('batch', '2000'));
const connections = Number(arg('connections', '8'));
const templateCount = Number(arg('templates', '40'));
const warmupS = Number(arg('warmup', '5'));
const ndjson = flag('ndjson');
// --no-proxy: Redis without the counting proxy in between (no round-trip figures)
const useProxy = !flag('no-proxy');
// --steady (Redis): a previous dedupe generation exists, as after the first retention period
// of a deployment, so every new id is checked in two generations (fresh: one)
const steady = flag('steady');
if (store !== 'memory' && store !== 'redis') throw new Error('--store must be memory or redis');
const log = (msg: string) => process.stderr.write(`${msg}\n`);
// auth on, as in production: the bearer check is part of the measured path
const TOKEN = 'bench-ingest-token';
const AUTH_ENV = { INGEST_TOKENS: TOKEN, SCREEN_TOKENS: 'bench-wall:610100' };
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Run {
  result: Result;
  /** 200 responses per template */
  ok: number[];
  serverAccepted: number;
  /** per 200 response: ms from building the request to its response */
  latencies: number[];
}

// The measured run is a series of fixed-amount autocannon runs (each ends only when all its
// requests are answered, so the accepted set is known exactly), re-sized from the rate seen
// so far so that together they last about --seconds.
const CHUNK_S = 10;

async function load(
  url: string,
  templates: Template[],
  opts: { duration?: number; amount?: number },
  runTag: string,
): Promise<Run> {
  let next = 0;
  const ok = templates.map(() => 0);
  let serverAccepted = 0;
  const latencies: number[] = [];
  const result = await autocannon({
    url: `${url}/api/v1/events`,
    method: 'POST',
    connections,
    timeout: 60,
    ...opts,
    headers: { ...AUTH, 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    requests: [
      {
        setupRequest(req, context) {
          const k = next++;
          const i = k % templates.length;
          context.template = i;
          context.t0 = performance.now();
          return { ...req, method: 'POST', body: templates[i]!.parts.join(`${runTag}${k}-`) };
        },
        onResponse(status, body, context) {
          if (status !== 200) return;
          ok[context.template as number]! += 1;
          latencies.push(performance.now() - (context.t0 as number));
          serverAccepted += (JSON.parse(body) as { accepted: number }).accepted;
        },
      },
    ],
  });
  return { result, ok, serverAccepted, latencies };
}

interface Measured {
  ok: number[];
  serverAccepted: number;
  latencies: number[];
  batches: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

async function measure(url: string, templates: Template[], initialRate: number): Promise<Measured> {
  const m: Measured = {
    ok: templates.map(() => 0),
    serverAccepted: 0,
    latencies: [],
    batches: 0,
    non2xx: 0,
    errors: 0,
    durationS: 0,
  };
  let rate = initialRate;
  for (let chunk = 0; m.durationS < seconds - 1; chunk++) {
    const amount = Math.max(connections, Math.round(rate * Math.min(CHUNK_S, seconds - m.durationS)));
    const start = performance.now();
    const run = await load(url, templates, { amount }, `m${chunk}x`);
    const took = (performance.now() - start) / 1000;
    run.ok.forEach((n, i) => (m.ok[i]! += n));
    m.serverAccepted += run.serverAccepted;
    m.latencies.push(...run.latencies);
    m.batches += run.result['2xx'];
    m.non2xx += run.result.non2xx;
    m.errors += run.result.errors;
    m.durationS += took;
    rate = run.result['2xx'] / took;
  }
  m.latencies.sort((a, b) => a - b);
  return m;
}

async function kpiAndAccepted(url: string): Promise<{ kpi: Record<string, number>; accepted: number; cpuS: number }> {
  const kpi = (
    (await (await fetch(`${url}/api/v1/snapshot?region=610100`, { headers: AUTH })).json()) as {
      kpi: Record<string, number>;
    }
  ).kpi;
  const text = await (await fetch(`${url}/metrics`)).text();
  const accepted = metric(text, 'zhdj_ingest_events_total', '{result="accepted"}');
  // the server process' CPU (user + system), read before the snapshot request above is
  // answered… close enough: the snapshot and metrics requests cost milliseconds
  const cpuS = metric(text, 'process_cpu_seconds_total');
  return { kpi, accepted: Number.isNaN(accepted) ? 0 : accepted, cpuS };
}

async function main(): Promise<void> {
  log(
    `bench:ingest store=${store} seconds=${seconds} batch=${batch} connections=${connections} ${ndjson ? 'ndjson' : 'json'}${store === 'redis' ? (steady ? ' dedupe=steady' : ' dedupe=fresh') : ''}`,
  );
  const { roster, templates } = buildBatches({ count: templateCount, size: batch, ndjson });
  log(
    `generated ${templates.length} batches of ${batch} simulator events (${Math.round(templates[0]!.parts.join('').length / 1024)} KiB each)`,
  );
  const children: Child[] = [];
  try {
    const redis = store === 'redis' ? await startRedisChild() : undefined;
    if (redis) children.push(redis);
    const prefix = `zhdjbench${process.pid}`;
    const proxy = redis && useProxy ? await startRespProxy(redis.port) : undefined;
    if (proxy) children.push({ url: '', pid: 0, stop: proxy.close });
    if (redis && steady) {
      const { Redis } = await import('ioredis');
      const r = new Redis(redis.url);
      const gen = Math.floor(Date.now() / (35 * 86_400_000)); // RETENTION_DAYS default, 2 generations
      await r.mset(`{${prefix}}:dd:${gen - 1}:nb`, '4096', `{${prefix}}:dd:${gen - 1}:fmt`, 'set');
      r.disconnect();
    }
    const server = await startServerChild({
      ...AUTH_ENV,
      ...(proxy
        ? { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: prefix }
        : redis
          ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix }
          : {}),
    });
    children.unshift(server);
    const put = await fetch(`${server.url}/api/v1/roster`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(roster),
    });
    if (!put.ok) throw new Error(`roster refused: ${put.status} ${await put.text()}`);

    const warm = await load(server.url, templates, { duration: warmupS }, 'w');
    const rate = warm.result.requests.total / warmupS;
    log(`warmup: ${round(rate * batch)} events/s`);
    // a duration run stops without waiting for the requests still in flight: wait until the
    // server has answered them (accepted count steady), or they would count in the measured run
    let settled = await kpiAndAccepted(server.url);
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await kpiAndAccepted(server.url);
      if (now.accepted === settled.accepted) break;
      settled = now;
    }
    const before = await kpiAndAccepted(server.url);
    const counters0 = redis ? await redisCounters(redis.url) : undefined;
    const wire0 = proxy?.counts();
    const benchCpu0 = process.cpuUsage();

    const run = await measure(server.url, templates, rate);
    const after = await kpiAndAccepted(server.url);
    const counters1 = redis ? await redisCounters(redis.url) : undefined;
    const wire1 = proxy?.counts();
    const benchCpu = process.cpuUsage(benchCpu0);
    const { batches } = run;
    const expected: Contribution = sum(run.ok.map((n, i) => [n, templates[i]!.contribution] as [number, Contribution]));
    const mismatches: string[] = [];
    const acceptedDelta = after.accepted - before.accepted;
    if (acceptedDelta !== expected.accepted)
      mismatches.push(`accepted: metrics ${acceptedDelta} ≠ expected ${expected.accepted}`);
    if (run.serverAccepted !== expected.accepted)
      mismatches.push(`accepted: responses ${run.serverAccepted} ≠ expected ${expected.accepted}`);
    for (const k of CONTRIBUTION_KEYS) {
      const delta = (after.kpi[k] ?? 0) - (before.kpi[k] ?? 0);
      if (delta !== expected[k]) mismatches.push(`${k}: snapshot +${delta} ≠ accepted events +${expected[k]}`);
    }
    const eventsPerSec = round(acceptedDelta / run.durationS, 0);
    // CPU µs per accepted event: the stable figure on a shared machine (rates swing with load)
    const perEvent = (cpuS: number): number | null =>
      Number.isFinite(cpuS) && acceptedDelta > 0 ? round((cpuS * 1e6) / acceptedDelta, 2) : null;
    const out = {
      bench: 'ingest',
      store,
      seconds: round(run.durationS, 1),
      batchSize: batch,
      connections,
      format: ndjson ? 'ndjson' : 'json',
      dedupe: store === 'redis' ? (steady ? 'steady: 2 generations checked' : 'fresh: 1 generation') : null,
      batches,
      non2xx: run.non2xx,
      errors: run.errors,
      eventsAccepted: acceptedDelta,
      eventsPerSec,
      p50Ms: round(percentile(run.latencies, 50), 0),
      p99Ms: round(percentile(run.latencies, 99), 0),
      // on the wire between server and Redis (counting proxy): turns and top-level commands
      roundTripsPerBatch: wire0 && wire1 ? round((wire1.turns - wire0.turns) / Math.max(1, batches), 2) : null,
      commandsPerBatch: wire0 && wire1 ? round((wire1.commands - wire0.commands) / Math.max(1, batches), 2) : null,
      // Redis-side (INFO): every command executed, including those inside Lua scripts
      redisCallsPerBatch:
        counters0 && counters1 ? round((counters1.calls - counters0.calls) / Math.max(1, batches), 1) : null,
      serverCpuUsPerEvent: perEvent(after.cpuS - before.cpuS),
      redisCpuUsPerEvent: counters0 && counters1 ? perEvent(counters1.cpuS - counters0.cpuS) : null,
      // this process: autocannon (load generator) and, for Redis, the counting proxy
      benchCpuUsPerEvent: perEvent((benchCpu.user + benchCpu.system) / 1e6),
      exact: mismatches.length === 0,
      mismatches,
    };
    log('');
    log(
      `${store} store: ${eventsPerSec.toLocaleString('en')} events/s over ${out.seconds} s (${batches} batches of ${batch}, ${connections} connections)`,
    );
    log(`batch latency p50 ${out.p50Ms} ms, p99 ${out.p99Ms} ms; non-2xx ${run.non2xx}, errors ${run.errors}`);
    if (out.roundTripsPerBatch !== null) {
      log(
        `Redis: ${out.roundTripsPerBatch} round trips and ${out.commandsPerBatch} commands on the wire per batch; ${out.redisCallsPerBatch} commands executed by Redis per batch (INFO commandstats, incl. inside scripts)`,
      );
    }
    log(
      `CPU per event: server ${out.serverCpuUsPerEvent} µs${out.redisCpuUsPerEvent !== null ? `, redis-server ${out.redisCpuUsPerEvent} µs` : ''}, load generator${proxy ? ' + proxy' : ''} ${out.benchCpuUsPerEvent} µs`,
    );
    if (counters0 && counters1) {
      // where Redis' time went (µs per accepted event by command; evalsha includes the commands it ran)
      const rows = [...counters1.byCommand].map(([cmd, [calls, usec]]) => {
        const [c0, u0] = counters0.byCommand.get(cmd) ?? [0, 0];
        return { cmd, calls: calls - c0, usPerEvent: (usec - u0) / Math.max(1, acceptedDelta) };
      });
      rows.sort((a, b) => b.usPerEvent - a.usPerEvent);
      log(
        `Redis time by command (µs per event, calls): ${rows
          .slice(0, 12)
          .map((r) => `${r.cmd} ${r.usPerEvent.toFixed(2)} (${r.calls})`)
          .join(', ')}`,
      );
    }
    log(
      mismatches.length === 0
        ? 'aggregates: exact (accepted count and every linear KPI match the accepted events)'
        : `aggregates: MISMATCH\n  ${mismatches.join('\n  ')}`,
    );
    console.log(JSON.stringify(out));
    process.exitCode = mismatches.length === 0 && run.non2xx === 0 ? 0 : 1;
  } finally {
    for (const c of children) await c.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
