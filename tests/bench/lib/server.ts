// Benchmarks run the real server as a child process (the load generator must not share its
// event loop) and, for Redis, a private redis-server on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The V8 flags of `npm run server` (package.json), so a bench measures the server as deployed. */
export const SERVER_NODE_ARGS: string[] = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts
  .server!.split(' ')
  .filter((arg) => arg.startsWith('--max-'));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface Child {
  url: string;
  pid: number;
  /** the process was killed or has exited */
  exited?: () => boolean;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, cleanup: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };
}

/** The server (server/server.ts) with `env` on top of a clean environment; on `port` when
 * given (a process restarted where its walls were), else on a free one. */
export async function startServerChild(
  env: Record<string, string>,
  label = 'server',
  opts: { port?: number } = {},
): Promise<Child> {
  const port = opts.port ?? (await freePort());
  const dataDir = await mkdtemp(join(tmpdir(), 'zhdj-bench-'));
  // BENCH_SERVER_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
  const nodeArgs = [...SERVER_NODE_ARGS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      // benches push one token past any production rate: no per-token limit unless `env` sets one
      RATE_LIMIT_INGEST_PER_MIN: '0',
      // the raw capacity: the busy gate would cap what the benches measure (bench:overload sets it)
      PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && code !== null) process.stderr.write(`${label}: exited with ${code ?? signal}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 60_000, `${label} /readyz`);
  return {
    url,
    pid: child.pid ?? 0,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: stopper(child, () => rm(dataDir, { recursive: true, force: true })),
  };
}

/** A private redis-server (AOF on, fsync every second, as production should run it). */
export async function startRedisChild(): Promise<Child & { port: number }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'zhdj-bench-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import('ioredis');
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await waitFor(
    async () => {
      if (probe.status !== 'ready') await probe.connect();
      return (await probe.ping()) === 'PONG';
    },
    10_000,
    'redis-server',
  );
  probe.disconnect();
  return { url, port, pid: child.pid ?? 0, stop: stopper(child, () => rm(dir, { recursive: true, force: true })) };
}

export interface RedisCounters {
  /** commands executed (INFO commandstats calls, all commands) */
  calls: number;
  /** socket reads the server processed: a pipeline or a script is one */
  reads: number;
  /** redis-server CPU seconds (INFO cpu used_cpu_user + used_cpu_sys) */
  cpuS: number;
  /** command → [calls, usec] (INFO commandstats, commands inside scripts included) */
  byCommand: Map<string, [calls: number, usec: number]>;
}

/** Reads the counters over a fresh connection; subtract the reads and calls this costs. */
export async function redisCounters(url: string): Promise<RedisCounters> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const stats = await r.info('stats');
    const commands = await r.info('commandstats');
    const cpu = await r.info('cpu');
    const cpuS = ['used_cpu_user', 'used_cpu_sys'].reduce(
      (t, k) => t + Number(new RegExp(`^${k}:([0-9.]+)`, 'm').exec(cpu)?.[1] ?? 'NaN'),
      0,
    );
    const reads = Number(/total_reads_processed:(\d+)/.exec(stats)?.[1] ?? 'NaN');
    let calls = 0;
    const byCommand = new Map<string, [number, number]>();
    for (const m of commands.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      calls += Number(m[2]);
      byCommand.set(m[1]!, [Number(m[2]), Number(m[3])]);
    }
    return { calls, reads, cpuS, byCommand };
  } finally {
    r.disconnect();
  }
}
