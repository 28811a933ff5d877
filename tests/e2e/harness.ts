// The real server as a child process for the e2e tests and the screen bench: a free port, a
// temporary DATA_DIR, start/stop/restart on the same port, roster and event ingest.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** builds dist/screen/ when it is missing (npm run test:e2e builds it first anyway) */
export function ensureScreenBuilt(): void {
  if (existsSync(join(ROOT, 'dist/screen/index.html'))) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build (twice the
  // entry's size, slower frames): build what a wall gets
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync('npx', ['vite', 'build', '--config', 'screen/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error('vite build of the screen failed');
}

export interface ServerProc {
  url: string;
  port: number;
  dataDir: string;
  start(): Promise<void>;
  /** SIGKILL, like a crash: the walls see the connection drop */
  kill(): Promise<void>;
  /** SIGSTOP: a hung server, its sockets stay open and nothing arrives; resume() is SIGCONT */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  /** the last lines the server wrote */
  logs(): string;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/v1/config`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} not ready in ${READY_TIMEOUT_MS} ms`);
}

/** `entry` is server/server.ts (no simulator) or server/demo.ts (with the simulator) */
export async function serverProcess(
  entry: 'server/server.ts' | 'server/demo.ts',
  env: Record<string, string> = {},
  /** Node options before the entry (e.g. --inspect for the soak bench) */
  nodeArgs: string[] = [],
): Promise<ServerProc> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zhdj-e2e-data-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';
  const proc: ServerProc = {
    url,
    port,
    dataDir,
    async start() {
      child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
      child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
      try {
        await waitReady(url, child);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
      }
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    pause() {
      if (!child || child.exitCode !== null) throw new Error('server not running');
      child.kill('SIGSTOP');
    },
    resume() {
      if (!child || child.exitCode !== null) throw new Error('server not running');
      child.kill('SIGCONT');
    },
    logs: () => log,
    async stop() {
      await proc.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await proc.start();
  return proc;
}

export async function postJson(url: string, body: unknown, method = 'POST'): Promise<unknown> {
  const r = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : null;
}
