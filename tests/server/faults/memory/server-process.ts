// `npm run server` as a child process (node --import tsx server/server.ts) on a DATA_DIR, for
// the fault tests that kill it or start it with --repair. Resolves once it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../../../server/server.ts', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** stdout (JSON log lines) and stderr so far */
  output: () => string;
  exited: Promise<number | null>;
}

export function startServerProcess(dataDir: string, env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, url: '', output: () => out, exited };
}

/** Waits for the "server at" line; rejects if the process exits first or after `ms`. */
export async function listening(p: ServerProcess, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const m = /server at (http:\/\/[^\s"]+)/.exec(p.output());
    if (m) return (p.url = m[1]!);
    if (p.child.exitCode !== null) throw new Error(`server exited with ${p.child.exitCode}:\n${p.output()}`);
    if (Date.now() > end) throw new Error(`server did not listen:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
