// npm run bench:ingest -- [--store memory|redis] [--cluster] [--seconds 60] [--batch 2000] [--connections 8] [--ndjson]
//   [--no-proxy] [--steady]
// The server runs as a child process (MemoryStore in a temp dir, or RedisStore against a
// private redis-server, or with --cluster a private Redis Cluster of 3 masters + 3 replicas —
// or the one REDIS_CLUSTER_NODES names); autocannon posts pre-generated simulator batches from
// this process. On a cluster started here every node announces a counting proxy's port, so
// the server's traffic to each master is counted (round trips), and each batch's shards are
// computed from its orgs' counties and the cluster's slot map.
// Afterwards the linear KPIs of the snapshot must equal what the accepted events add, exactly.
// Prints a summary and, as the last line, one JSON object.
import autocannon, { type Result } from 'autocannon';
import { buildBatches, CONTRIBUTION_KEYS, sum, type Contribution, type Template } from './lib/batches.ts';
import { startRespProxy } from './lib/resp-proxy.ts';
import { startRedisChild, startServerChild, redisCounters, type Child, type RedisCounters } from './lib/server.ts';
import type { Org } from '../../server/contract/index.ts';
import { arg, flag, metric, percentile, round } from './lib/stats.ts';
import { PrivateCluster } from '../server/store/redis-cluster.ts';
import { countyBase, countyOf } from '../../server/store/redis/keys.ts';
import { keySlot } from '../../server/store/redis/slot.ts';

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
const cluster = flag('cluster');
if (store !== 'memory' && store !== 'redis') throw new Error('--store must be memory or redis');
if (cluster && store !== 'redis') throw new Error('--cluster needs --store redis');
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

interface Backend {
  /** the server's environment for it */
  env: Record<string, string>;
  topology: string;
  urls: string[];
  seeds?: { host: string; port: number }[];
  /** turns and commands on the wire from the server (null without proxies) */
  wire?: () => { turns: number; commands: number };
  /** INFO counters: calls of the masters, CPU of every node */
  counters: () => Promise<RedisCounters>;
  /** per template: masters touched and slot groups */
  shardsOf: (roster: Org[], templates: Template[]) => Promise<{ shards: number[]; groups: number[] }>;
}

function addCounters(all: RedisCounters[], cpuOnly: RedisCounters[]): RedisCounters {
  const byCommand = new Map<string, [number, number]>();
  for (const c of all) {
    for (const [cmd, [calls, usec]] of c.byCommand) {
      const had = byCommand.get(cmd) ?? [0, 0];
      byCommand.set(cmd, [had[0] + calls, had[1] + usec]);
    }
  }
  const sumOf = (xs: RedisCounters[], k: string) =>
    xs.reduce((n, c) => n + Number((c as unknown as Record<string, number>)[k] ?? 0), 0);
  // every numeric counter summed (masters), CPU over every node
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all[0] ?? {})) if (typeof v === 'number') out[k] = sumOf(all, k);
  out.cpuS = sumOf([...all, ...cpuOnly], 'cpuS');
  out.byCommand = byCommand;
  return out as unknown as RedisCounters;
}

const groupsOf = (roster: Org[], t: Template): string[] => {
  const county = new Map(roster.map((o) => [o.id, countyOf(o.region)]));
  return [...new Set(t.orgs.map((o) => county.get(o) ?? '000000'))];
};

async function startRedis(children: Child[]): Promise<Backend> {
  if (!cluster) {
    const redis = await startRedisChild();
    children.push(redis);
    const proxy = useProxy ? await startRespProxy(redis.port) : undefined;
    if (proxy) children.push({ url: '', pid: 0, stop: proxy.close });
    return {
      env: { REDIS_URL: proxy ? `redis://127.0.0.1:${proxy.port}` : redis.url },
      topology: 'single Redis',
      urls: [redis.url],
      ...(proxy ? { wire: proxy.counts } : {}),
      counters: () => redisCounters(redis.url),
      shardsOf: async (roster, templates) => ({
        shards: templates.map(() => 1),
        groups: templates.map((t) => groupsOf(roster, t).length),
      }),
    };
  }
  let seeds: { host: string; port: number }[];
  const proxies: Awaited<ReturnType<typeof startRespProxy>>[] = [];
  const proxyTargets: number[] = [];
  let topology: string;
  if (process.env.REDIS_CLUSTER_NODES) {
    seeds = process.env.REDIS_CLUSTER_NODES.split(',').map((hp) => {
      const at = hp.lastIndexOf(':');
      return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
    });
    topology = `Redis Cluster ${process.env.REDIS_CLUSTER_NODES}`;
  } else {
    const c = await PrivateCluster.start({
      announcePort: async (_, port) => {
        if (!useProxy) return port;
        const p = await startRespProxy(port);
        proxies.push(p);
        proxyTargets.push(port);
        return p.port;
      },
    });
    children.push({ url: '', pid: 0, stop: () => c.stop() });
    for (const p of proxies) children.push({ url: '', pid: 0, stop: p.close });
    seeds = c.seedList;
    topology = 'Redis Cluster (3 masters + 3 replicas, private)';
  }
  const { Cluster } = await import('ioredis');
  const client = new Cluster(seeds);
  children.push({ url: '', pid: 0, stop: async () => void client.disconnect() });
  await client.ping();
  // INFO straight from each node (not through the proxies: those count the server's traffic)
  const nodeUrls = async () => {
    const lines = String(await client.cluster('NODES'))
      .trim()
      .split('\n');
    const real = (announced: number) => {
      const i = proxies.findIndex((p) => p.port === announced);
      return i >= 0 ? (proxyTargets[i] ?? announced) : announced;
    };
    return lines.map((l) => {
      const f = l.split(' ');
      const port = real(Number(f[1]!.split(':')[1]!.split('@')[0]));
      return { url: `redis://127.0.0.1:${port}`, master: f[2]!.includes('master') };
    });
  };
  return {
    env: { REDIS_CLUSTER_NODES: seeds.map((s) => `${s.host}:${s.port}`).join(',') },
    topology,
    urls: seeds.map((s) => `redis://${s.host}:${s.port}`),
    seeds,
    ...(proxies.length
      ? {
          wire: () => {
            const all = proxies.map((p) => p.counts());
            return {
              turns: all.reduce((n, c) => n + c.turns, 0),
              commands: all.reduce((n, c) => n + c.commands, 0),
            };
          },
        }
      : {}),
    counters: async () => {
      const nodes = await nodeUrls();
      const masters = await Promise.all(nodes.filter((n) => n.master).map((n) => redisCounters(n.url)));
      const replicas = await Promise.all(nodes.filter((n) => !n.master).map((n) => redisCounters(n.url)));
      return addCounters(masters, replicas);
    },
    shardsOf: async (roster, templates) => {
      const slots = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
      const owner = (slot: number) => slots.find(([a, b]) => slot >= a && slot <= b)?.[2][1] ?? -1;
      const prefix = `zhdjbench${process.pid}`;
      const shards: number[] = [];
      const groups: number[] = [];
      for (const t of templates) {
        const gs = groupsOf(roster, t);
        groups.push(gs.length);
        shards.push(new Set(gs.map((c) => owner(keySlot(countyBase(prefix, c))))).size);
      }
      return { shards, groups };
    },
  };
}

async function main(): Promise<void> {
  log(
    `bench:ingest store=${store}${cluster ? ' (cluster)' : ''} seconds=${seconds} batch=${batch} connections=${connections} ${ndjson ? 'ndjson' : 'json'}${store === 'redis' ? (steady ? ' dedupe=steady' : ' dedupe=fresh') : ''}`,
  );
  const { roster, templates } = buildBatches({ count: templateCount, size: batch, ndjson });
  log(
    `generated ${templates.length} batches of ${batch} simulator events (${Math.round(templates[0]!.parts.join('').length / 1024)} KiB each)`,
  );
  const children: Child[] = [];
  try {
    const prefix = `zhdjbench${process.pid}`;
    const backend = store === 'redis' ? await startRedis(children) : undefined;
    if (backend && steady) {
      // a previous dedupe generation in every county the batches name
      const { Cluster, Redis } = await import('ioredis');
      const r = backend.seeds ? new Cluster(backend.seeds) : new Redis(backend.urls[0]!);
      const gen = Math.floor(Date.now() / (35 * 86_400_000)); // RETENTION_DAYS default, 2 generations
      for (const c of new Set(roster.map((o) => countyOf(o.region)))) {
        const b = countyBase(prefix, c);
        await r.mset(`${b}dd:${gen - 1}:nb`, '1024', `${b}dd:${gen - 1}:fmt`, 'set');
      }
      r.disconnect();
    }
    const server = await startServerChild({
      ...AUTH_ENV,
      ...(backend ? { ...backend.env, REDIS_PREFIX: prefix } : {}),
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
    const wire0 = backend?.wire?.();
    const counters0 = backend ? await backend.counters() : undefined;
    const benchCpu0 = process.cpuUsage();

    const run = await measure(server.url, templates, rate);
    const after = await kpiAndAccepted(server.url);
    const wire1 = backend?.wire?.();
    const counters1 = backend ? await backend.counters() : undefined;
    const shards = backend ? await backend.shardsOf(roster, templates) : undefined;
    const perOk = (xs: number[] | undefined): number | null =>
      xs ? round(xs.reduce((s, x, i) => s + x * run.ok[i]!, 0) / Math.max(1, batches), 2) : null;
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
      // (cluster: summed over the masters; the pipelines to different masters run in parallel)
      roundTripsPerBatch: wire0 && wire1 ? round((wire1.turns - wire0.turns) / Math.max(1, batches), 2) : null,
      // masters a batch's slot groups (counties) lie on, and the groups (script calls) per batch
      shardsTouchedPerBatch: perOk(shards?.shards),
      slotGroupsPerBatch: perOk(shards?.groups),
      redisTopology: backend ? backend.topology : null,
      commandsPerBatch: wire0 && wire1 ? round((wire1.commands - wire0.commands) / Math.max(1, batches), 2) : null,
      // Redis-side (INFO, masters): every command executed, including those inside Lua scripts
      redisCallsPerBatch:
        counters0 && counters1 ? round((counters1.calls - counters0.calls) / Math.max(1, batches), 1) : null,
      serverCpuUsPerEvent: perEvent(after.cpuS - before.cpuS),
      redisCpuUsPerEvent: counters0 && counters1 ? perEvent(counters1.cpuS - counters0.cpuS) : null,
      // (redisCpuUsPerEvent: every node, replicas included)
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
    if (out.shardsTouchedPerBatch !== null) {
      log(
        `${out.redisTopology}: ${out.shardsTouchedPerBatch} shards touched and ${out.slotGroupsPerBatch} slot groups (script calls) per batch`,
      );
    }
    log(
      `CPU per event: server ${out.serverCpuUsPerEvent} µs${out.redisCpuUsPerEvent !== null ? `, redis-server ${out.redisCpuUsPerEvent} µs` : ''}, load generator${backend?.wire ? ' + proxy' : ''} ${out.benchCpuUsPerEvent} µs`,
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
