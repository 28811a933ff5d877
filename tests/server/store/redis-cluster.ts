// A private Redis Cluster for tests and the ingest bench: 3 masters + 3 replicas of
// `redis-server --cluster-enabled yes` on free ports (each port and its bus port, +10000),
// joined by `redis-cli --cluster create … --cluster-replicas 1`, each node in a temp dir of its
// own (no RDB, no AOF); stopped and removed by stop(). Nodes can be SIGKILLed and restarted on
// their port and dir (a restarted former master rejoins as a replica of the one that took over).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisChildEnv } from './redis-server.ts';

export const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

export function haveRedisCluster(): boolean {
  const env = redisChildEnv();
  return (
    spawnSync('redis-server', ['--version'], { env }).status === 0 &&
    spawnSync('redis-cli', ['--version'], { env }).status === 0
  );
}

/** null (with a loud warning) when redis-server or redis-cli is missing, unless REQUIRE_REDIS=1. */
export async function startClusterOrSkip(what: string, opts: ClusterOptions = {}): Promise<PrivateCluster | null> {
  if (!haveRedisCluster()) {
    if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but redis-server/redis-cli are not installed (${what})`);
    console.warn(`\n!!! ${what} SKIPPED: redis-server/redis-cli not found (REQUIRE_REDIS=1 to fail) !!!\n`);
    return null;
  }
  return PrivateCluster.start(opts);
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A port p with p and p + 10000 (the cluster bus) free. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 25000);
    if (taken.has(p) || taken.has(p + 10000) || taken.has(p - 10000)) continue;
    if ((await canListen(p)) && (await canListen(p + 10000))) {
      taken.add(p);
      return p;
    }
  }
}

export interface ClusterOptions {
  masters?: number;
  /** replicas per master (default 1) */
  replicas?: number;
  /** cluster-node-timeout, ms (default 1000) */
  nodeTimeoutMs?: number;
  /** port node i announces to clients (default its own): a proxy in front of it */
  announcePort?: (index: number, port: number) => Promise<number> | number;
}

interface Node {
  port: number;
  dir: string;
  args: string[];
  proc: ChildProcess | null;
}

export class PrivateCluster {
  private constructor(readonly nodes: Node[]) {}

  static async start(o: ClusterOptions = {}): Promise<PrivateCluster> {
    const masters = o.masters ?? 3;
    const total = masters * (1 + (o.replicas ?? 1));
    const taken = new Set<number>();
    const nodes: Node[] = [];
    for (let i = 0; i < total; i++) {
      const port = await freeClusterPort(taken);
      const dir = await mkdtemp(join(tmpdir(), 'zhdj-cluster-'));
      const announce = o.announcePort ? await o.announcePort(i, port) : port;
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(o.nodeTimeoutMs ?? 1000),
        '--save',
        '',
        '--appendonly',
        'no',
        // replicas sync at once (the default waits 5 s for more replicas to share a transfer)
        '--repl-diskless-sync-delay',
        '0',
        ...(announce !== port
          ? ['--cluster-announce-port', String(announce), '--cluster-announce-bus-port', String(port + 10000)]
          : []),
      ];
      nodes.push({ port, dir, args, proc: null });
    }
    const c = new PrivateCluster(nodes);
    try {
      for (const n of nodes) await c.up(n);
      // async: a proxy in this process (announcePort) must keep forwarding meanwhile
      const create = await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          String(o.replicas ?? 1),
          '--cluster-yes',
        ],
        60_000,
      );
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.output}`);
      await c.waitOk();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  /** host:port,… of every node (REDIS_CLUSTER_NODES). */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  get seedList(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  private async up(n: Node): Promise<void> {
    n.proc = spawn('redis-server', n.args, { stdio: 'ignore', env: redisChildEnv() });
    for (let i = 0; i < 200; i++) {
      if ((await this.ask(n.port, (r) => r.ping())) === 'PONG') return;
      await sleep(25);
    }
    throw new Error(`redis-server on ${n.port} did not start`);
  }

  /** One command on a node through a short-lived connection; null when it does not answer. */
  async ask<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T | null> {
    const r = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await fn(r);
    } catch {
      return null;
    } finally {
      r.disconnect();
    }
  }

  /** Waits until every live node says cluster_state:ok, all agree on the masters, and every
   * replica's link to its master is up (WAIT can be met). */
  async waitOk(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const live = this.nodes.filter((n) => n.proc);
      const states = await Promise.all(live.map((n) => this.ask(n.port, (r) => r.cluster('INFO'))));
      const views = await Promise.all(live.map((n) => this.masterView(n.port)));
      const repl = await Promise.all(live.map((n) => this.ask(n.port, (r) => r.info('replication'))));
      const synced = repl.every((i) => !!i && (i.includes('role:master') || i.includes('master_link_status:up')));
      const agreed = views.every((v) => v !== null && v === views[0]);
      if (states.every((s) => s?.includes('cluster_state:ok')) && agreed && synced) return;
      await sleep(100);
    }
    throw new Error('redis cluster did not reach cluster_state:ok');
  }

  /** The masters with slots as one node sees them ("port,port,…"), null when it cannot say. */
  private async masterView(port: number): Promise<string | null> {
    const nodes = await this.ask(port, (r) => r.cluster('NODES'));
    if (!nodes) return null;
    return String(nodes)
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter((f) => f.length > 8 && f[2]!.split(',').includes('master') && !f[2]!.includes('fail'))
      .map((f) => f[1]!.split(':')[1]!.split('@')[0]!)
      .sort()
      .join(',');
  }

  /** Ports of the masters that own slots, as the first live node sees them. */
  async masterPorts(): Promise<number[]> {
    for (const n of this.nodes.filter((x) => x.proc)) {
      const v = await this.masterView(n.port);
      if (v) return v.split(',').map((p) => this.realPort(Number(p)));
    }
    return [];
  }

  /** The node port behind an announced port. */
  private realPort(announced: number): number {
    const i = this.nodes.findIndex((n) => n.args.includes(String(announced)));
    return i >= 0 ? this.nodes[i]!.port : announced;
  }

  /** The master owning a slot (real port). */
  async ownerOf(slot: number): Promise<number> {
    for (const n of this.nodes.filter((x) => x.proc)) {
      const slots = (await this.ask(n.port, (r) => r.cluster('SLOTS'))) as [number, number, [string, number]][] | null;
      const hit = slots?.find(([a, b]) => slot >= a && slot <= b);
      if (hit) return this.realPort(Number(hit[2][1]));
    }
    throw new Error(`no owner for slot ${slot}`);
  }

  /** SIGKILL a node (no shutdown, nothing saved). */
  async kill(port: number): Promise<void> {
    const n = this.nodes.find((x) => x.port === port)!;
    const p = n.proc;
    n.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed node again on its port and dir (its nodes.conf makes it rejoin). */
  async restart(port: number): Promise<void> {
    await this.up(this.nodes.find((x) => x.port === port)!);
  }

  /** Whether `port` is a replica whose link to its master is up. */
  async isSyncedReplica(port: number): Promise<boolean> {
    const info = await this.ask(port, (r) => r.info('replication'));
    return !!info && info.includes('role:slave') && info.includes('master_link_status:up');
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) {
      await this.kill(n.port).catch(() => undefined);
      await rm(n.dir, { recursive: true, force: true });
    }
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: redisChildEnv() });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
