// `npm run bench:probe`: the attacks of issue 9 tried against the real server (server/server.ts
// in a child process, tokens configured, ALLOWED_HOSTS set), each with what it was answered.
// Prints one line per attack and, last, one JSON object. The tests (tests/server/surface-*,
// admission-*) assert each protection; this shows them together, as an attacker meets them.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { io } from 'socket.io-client';
import { REPO_ROOT, startServerChild } from './lib/server.ts';

const INGEST = 'probe-ingest-token-0123456789';
const WALL = 'probe-wall-token-0123456789';
const SOCKET_CAP = 200;

type Row = { attack: string; answered: string };

/** node:http, since fetch may not set Host */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

async function status(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<number> {
  return (await fetch(url, init)).status;
}

/** Socket.IO handshake outcome: 'connected' or the refusal's message. */
function handshake(url: string, nsp: string, opts: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const s = io(`${url}${nsp}`, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
    s.once('connect', () => {
      s.close();
      resolve('connected');
    });
    s.once('connect_error', (e) => {
      s.close();
      resolve(`refused: ${e.message}`);
    });
  });
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const add = (attack: string, answered: string) => {
    rows.push({ attack, answered });
    console.log(`${attack.padEnd(64)} → ${answered}`);
  };
  const server = await startServerChild({
    INGEST_TOKENS: INGEST,
    SCREEN_TOKENS: `${WALL}:610100`,
    ALLOWED_HOSTS: 'localhost,127.0.0.1',
    // loopback is exempt by default (a local proxy, test fleets): cap it to show the cap
    SOCKETS_PER_LOOPBACK: String(SOCKET_CAP),
    AUTH_FAIL_LIMIT: '20',
  });
  const { url } = server;
  try {
    add(
      'DNS rebinding: GET /api/v1/snapshot with Host: evil.example',
      String(await statusWithHost(`${url}/api/v1/snapshot`, 'evil.example')),
    );
    add(
      'a page of another origin: POST /api/v1/events with Origin',
      String(
        await status(`${url}/api/v1/events`, {
          method: 'POST',
          headers: {
            origin: 'http://evil.example',
            authorization: `Bearer ${INGEST}`,
            'content-type': 'application/json',
          },
          body: '[]',
        }),
      ),
    );
    add(
      'WebSocket from another origin (a valid wall token)',
      await handshake(url, '/screen', {
        extraHeaders: { origin: 'http://evil.example' },
        auth: { region: '610100', token: WALL },
      }),
    );
    add('the default namespace / without a token', await handshake(url, '/', {}));
    add(
      'a wall token outside its scope (a 610100 token asks for 610000)',
      await new Promise<string>((resolve) => {
        const s = io(`${url}/screen`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { region: '610000', token: WALL },
        });
        s.once('error', (e: { reason?: string; message?: string }) => resolve(`error ${e.reason}: ${e.message}`));
        s.once('snapshot', () => resolve('a snapshot (!)'));
        s.once('disconnect', () => resolve('disconnected'));
        setTimeout(() => resolve('nothing in 5 s'), 5000);
      }).finally(() => undefined),
    );
    const page = await fetch(`${url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    add(
      'security headers on / (CSP, nosniff, Referrer-Policy, frame-ancestors)',
      `${csp ? 'CSP' : 'no CSP'}${csp.includes("'unsafe-eval'") ? ' WITH unsafe-eval' : ''}, ` +
        `nosniff=${page.headers.get('x-content-type-options')}, referrer=${page.headers.get('referrer-policy')}, ` +
        `frame-ancestors ${/frame-ancestors ([^;]+)/.exec(csp)?.[1] ?? 'absent'}`,
    );
    add(
      '/readyz without a token: does it show the data path?',
      (await (await fetch(`${url}/readyz`)).text()).includes('zhdj-bench') ? 'yes' : 'no',
    );

    // 1,000 wrong ingest tokens from one address, then the right one (the lockout counts every
    // failed token check of the address: none was made above)
    const counts = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = await status(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer guess-${i}`, 'content-type': 'application/json' },
        body: '[]',
      });
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const right = await status(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: '[]',
    });
    add(
      '1,000 wrong ingest tokens from one address, then the right one',
      `${[...counts].map(([s, n]) => `${n} × ${s}`).join(', ')}; then the right token: ${right} (locked out)`,
    );

    // sockets from one address past the cap
    const sockets = [];
    let admitted = 0;
    let refused = 0;
    let reason = '';
    for (let i = 0; i < SOCKET_CAP + 50; i++) {
      const s = io(`${url}/screen`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { region: '610100', token: WALL },
      });
      sockets.push(s);
      await new Promise<void>((resolve) => {
        s.once('connect', () => (admitted++, resolve()));
        s.once('connect_error', (e) => (refused++, (reason = e.message), resolve()));
      });
    }
    for (const s of sockets) s.close();
    add(
      `${SOCKET_CAP + 50} sockets from one address (cap ${SOCKET_CAP})`,
      `${admitted} admitted, ${refused} refused (${reason})`,
    );
  } finally {
    await server.stop();
  }

  // a 1-character token on a non-loopback address: the start is refused
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '0.0.0.0', PORT: '0', INGEST_TOKENS: 'x', SCREEN_TOKENS: 'y:610100' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  add(
    'start on HOST=0.0.0.0 with INGEST_TOKENS=x',
    `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`,
  );
  console.log(JSON.stringify({ bench: 'probe', rows }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
