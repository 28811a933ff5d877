// SIGTERM under ingest load, on the real entry point (node --import tsx server/server.ts, as
// `npm run server`): the process exits 0 within 10 s (not by close-with-grace's force exit),
// some senders go quiet at the signal, leaving idle keep-alive connections,
// every request either got its answer (200, or 503 + Retry-After) or never reached the server
// (connection refused or closed before it was read), and every batch answered 200 is in the
// store after a restart on the same DATA_DIR (posting it again counts it all as duplicates).
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../../bench/lib/server.ts';
import { ROSTER, studyEvent } from '../lib/fixtures.ts';

const TOKEN = 'sigterm-token-0123456789';
const WORKERS = 16;
const BATCH = 200;
const EXIT_WITHIN_MS = 10_000;

interface Server {
  child: ChildProcess;
  url: string;
  exit: Promise<{ code: number | null; signal: string | null; atMs: number }>;
}

async function start(dataDir: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      INGEST_TOKENS: TOKEN,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_INGEST_PER_MIN: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exit = new Promise<{ code: number | null; signal: string | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} at start`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() - t0 > 30_000) throw new Error('server not ready in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, exit };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const body = (w: number, k: number): string =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => studyEvent(`t${w}-${k}-${i}`, `m${i}`, { ts: Date.now() - 60_000 })),
  );

/** One POST on a sender's own keep-alive connection (node:http, like a sender process). */
async function post(
  agent: Agent,
  url: string,
  payload: string,
): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/events`,
      { method: 'POST', agent, headers: { ...auth, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, text }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.map(async (d) => rm(d, { recursive: true, force: true })));
});

describe('SIGTERM under load', () => {
  it('exits 0 within 10 s; every request answered 200 or 503 + Retry-After or never read; nothing acknowledged lost', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'zhdj-sigterm-'));
    dirs.push(dataDir);
    const port = await freePort();
    const s = await start(dataDir, port);
    children.push(s.child);
    const put = await fetch(`${s.url}/api/v1/roster`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(ROSTER),
    });
    expect(put.status).toBe(200);

    const acked: string[] = [];
    const counts = { ok: 0, unavailable: 0, notRead: 0, other: 0 };
    const missingRetryAfter: number[] = [];
    let exited = false;
    let signalled = false;
    void s.exit.then(() => (exited = true));
    // odd workers stop sending once the signal is sent (a sender between batches): their
    // keep-alive connections go idle when the request in flight is answered
    const agents = Array.from({ length: WORKERS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const worker = async (w: number) => {
      for (let k = 0; !exited && !(signalled && w % 2 === 1); k++) {
        const payload = body(w, k);
        try {
          const r = await post(agents[w]!, s.url, payload);
          if (r.status === 200 && (JSON.parse(r.text) as { accepted: number }).accepted === BATCH) {
            counts.ok++;
            acked.push(payload);
          } else if (r.status === 503) {
            counts.unavailable++;
            if (!r.retryAfter) missingRetryAfter.push(k);
          } else counts.other++;
        } catch {
          // refused after the listener closed, or an idle keep-alive connection closed before
          // the request reached it: never acknowledged
          counts.notRead++;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, async (_, w) => worker(w)));
    while (counts.ok < 50) await new Promise((r) => setTimeout(r, 20));
    const sentAt = performance.now();
    s.child.kill('SIGTERM');
    signalled = true;
    const exit = await Promise.race([
      s.exit,
      new Promise<null>((r) => setTimeout(() => r(null), EXIT_WITHIN_MS + 5000)),
    ]);
    await load;
    for (const a of agents) a.destroy();
    expect(exit, 'the server exited').not.toBeNull();
    expect(exit!.code, `exit code (signal ${exit!.signal})`).toBe(0);
    expect(exit!.atMs - sentAt).toBeLessThan(EXIT_WITHIN_MS);
    expect(counts.other).toBe(0);
    expect(missingRetryAfter).toEqual([]);
    console.log(`SIGTERM under load: ${JSON.stringify({ ...counts, exitMs: Math.round(exit!.atMs - sentAt) })}`);

    // restart on the same DATA_DIR: every acknowledged batch is there (all duplicates)
    const again = await start(dataDir, port);
    children.push(again.child);
    let stored = 0;
    for (const payload of acked) {
      const r = await fetch(`${again.url}/api/v1/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: payload,
      });
      expect(r.status).toBe(200);
      const res = (await r.json()) as { accepted: number; duplicates: number };
      expect(res).toMatchObject({ accepted: 0, duplicates: BATCH });
      stored++;
    }
    expect(stored).toBe(acked.length);
    again.child.kill('SIGTERM');
    expect((await again.exit).code).toBe(0);
  }, 90_000);
});
