// The HTTP surface (issue 9): the Host allow-list against DNS rebinding (HTTP and the WebSocket
// upgrade), foreign Origins refused on HTTP and on Socket.IO, CORS closed unless listed, and
// every namespace behind the /screen auth. Real HTTP (listen + fetch / inject) and real
// socket.io-client walls.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER } from './lib/fixtures.ts';
import { connectWall, until, type Wall } from './lib/walls.ts';

const WALL_TOKEN = 'wall-token-0123456789';
const INGEST_TOKEN = 'ingest-token-0123456789';

/** a raw HTTP request with any Host header (fetch does not let a caller choose it) */
function raw(
  url: string,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** a /screen socket with extra handshake headers; resolves with how it ended */
async function screenSocket(
  url: string,
  headers: Record<string, string>,
  auth: Record<string, string> = { region: '610100' },
  namespace = '/screen',
): Promise<{ connected: boolean; error?: string; snapshot: boolean }> {
  const socket = io(`${url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
    extraHeaders: headers,
  });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ connected: socket.connected, snapshot: false }), 8000);
      socket.on('snapshot', () => {
        clearTimeout(timer);
        resolve({ connected: true, snapshot: true });
      });
      socket.on('error', (e: { reason?: string }) => {
        clearTimeout(timer);
        resolve({ connected: false, error: e.reason, snapshot: false });
      });
      socket.on('connect_error', (err) => {
        clearTimeout(timer);
        resolve({ connected: false, error: err.message, snapshot: false });
      });
    });
  } finally {
    socket.disconnect();
  }
}

describe('token-less mode: only the loopback names and the listen address', () => {
  let t: TestApp;
  let url: string;
  let port: string;
  beforeAll(async () => {
    t = await buildTestApp({ FRAME_INTERVAL_MS: '200' });
    url = await t.listen();
    port = new URL(url).port;
    const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it.each([
    ['snapshot', 'GET', '/api/v1/snapshot?region=610100', undefined],
    ['events', 'POST', '/api/v1/events', '[]'],
    ['roster', 'PUT', '/api/v1/roster', JSON.stringify(ROSTER)],
    ['the wall page', 'GET', '/', undefined],
  ])('Host: evil.example gets 421 on %s (DNS rebinding)', async (_what, method, path, body) => {
    const headers: Record<string, string> = { host: `evil.example:${port}` };
    if (body) headers['content-type'] = 'application/json';
    const r = await raw(url, path, headers, method, body);
    expect(r.status).toBe(421);
    expect(JSON.parse(r.body).message).toMatch(/evil\.example.*ALLOWED_HOSTS/);
    // the refusal carries the security headers too
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST.'])('Host: %s (any port) is answered', async (host) => {
    const r = await raw(url, '/api/v1/snapshot?region=610100', { host: `${host}:${port}` });
    expect(r.status).toBe(200);
    const other = await raw(url, '/api/v1/config', { host: `${host}:1234` });
    expect(other.status).toBe(200);
  });

  it('a WebSocket upgrade with a foreign Host is refused; the own host joins', async () => {
    const evil = await screenSocket(url, { host: `evil.example:${port}` });
    expect(evil.connected).toBe(false);
    expect(evil.snapshot).toBe(false);
    const own = await screenSocket(url, {});
    expect(own.snapshot).toBe(true);
  });

  it('a foreign Origin is refused on HTTP (403) and on the socket; its own origin is not', async () => {
    const foreign = await fetch(`${url}/api/v1/snapshot?region=610100`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { origin: 'null', 'content-type': 'application/json' },
      body: '[]',
    });
    expect(post.status).toBe(403);
    const same = await fetch(`${url}/api/v1/snapshot?region=610100`, { headers: { origin: url } });
    expect(same.status).toBe(200);

    const evil = await screenSocket(url, { origin: 'http://evil.example' });
    expect(evil.connected).toBe(false);
    expect(evil.snapshot).toBe(false);
    // a page on another port of the same machine is another origin
    const otherPort = await screenSocket(url, { origin: 'http://127.0.0.1:1' });
    expect(otherPort.snapshot).toBe(false);
    const own = await screenSocket(url, { origin: url });
    expect(own.snapshot).toBe(true);
  });

  it('CORS is closed: a preflight from another origin gets no Access-Control-Allow-Origin', async () => {
    const r = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/events',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('every namespace is refused but /screen (the default one and an unknown one)', async () => {
    for (const ns of ['/', '/admin']) {
      const s = await screenSocket(url, {}, { region: '610100' }, ns);
      expect(s.connected, ns).toBe(false);
      expect(s.error, ns).toBeDefined();
    }
  });
});

describe('tokens configured', () => {
  let t: TestApp;
  let url: string;
  let port: string;
  beforeAll(async () => {
    t = await buildTestApp({
      INGEST_TOKENS: INGEST_TOKEN,
      SCREEN_TOKENS: `${WALL_TOKEN}:610100`,
      CORS_ORIGINS: 'https://portal.example.gov.cn, http://127.0.0.1:9999/',
      FRAME_INTERVAL_MS: '200',
    });
    url = await t.listen();
    port = new URL(url).port;
    const r = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/roster',
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
      payload: ROSTER,
    });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it('without ALLOWED_HOSTS any host name is answered (the tokens protect)', async () => {
    const r = await raw(url, '/api/v1/snapshot?region=610100', {
      host: `wall.example.gov.cn:${port}`,
      authorization: `Bearer ${WALL_TOKEN}`,
    });
    expect(r.status).toBe(200);
  });

  it('a listed origin gets CORS headers on the preflight and the answer', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/snapshot?region=610100',
      headers: {
        origin: 'https://portal.example.gov.cn',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    const get = await t.app.inject({
      method: 'GET',
      url: '/api/v1/snapshot?region=610100',
      headers: { origin: 'https://portal.example.gov.cn', authorization: `Bearer ${WALL_TOKEN}` },
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
    // another origin: refused, and no CORS header
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/snapshot?region=610100',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${WALL_TOKEN}` },
    });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sockets: a foreign Origin is refused even with a valid token; a listed one and none join', async () => {
    const foreign = await screenSocket(
      url,
      { origin: 'https://evil.example' },
      { region: '610100', token: WALL_TOKEN },
    );
    expect(foreign.snapshot).toBe(false);
    expect(foreign.connected).toBe(false);
    const listed = await screenSocket(
      url,
      { origin: 'http://127.0.0.1:9999' },
      { region: '610100', token: WALL_TOKEN },
    );
    expect(listed.snapshot).toBe(true);
    // socket.io-client in Node sends no Origin: the token decides
    const w: Wall = connectWall(url, { region: '610100', token: WALL_TOKEN });
    try {
      await until(() => w.snapshots.length === 1, 5000, 'snapshot');
    } finally {
      w.socket.disconnect();
    }
    const bad = await screenSocket(url, {}, { region: '610100', token: 'wrong-token-0123456789' });
    expect(bad.snapshot).toBe(false);
    expect(bad.error).toBe('unauthorized');
  });

  it('every other namespace is refused, with a valid token too', async () => {
    for (const ns of ['/', '/admin', '/screen2']) {
      const s = await screenSocket(url, {}, { region: '610100', token: WALL_TOKEN }, ns);
      expect(s.connected, ns).toBe(false);
    }
  });
});

describe('ALLOWED_HOSTS with tokens', () => {
  let t: TestApp;
  let url: string;
  let port: string;
  beforeAll(async () => {
    t = await buildTestApp({
      INGEST_TOKENS: INGEST_TOKEN,
      SCREEN_TOKENS: `${WALL_TOKEN}:610100`,
      ALLOWED_HOSTS: 'wall.example.gov.cn, 127.0.0.1',
    });
    url = await t.listen();
    port = new URL(url).port;
  });
  afterAll(async () => t.close());

  it('is enforced: listed names answer, others get 421 (HTTP and WebSocket)', async () => {
    const auth = { authorization: `Bearer ${WALL_TOKEN}` };
    expect((await raw(url, '/api/v1/config', { host: `wall.example.gov.cn:${port}`, ...auth })).status).toBe(200);
    expect((await raw(url, '/api/v1/config', { host: `Wall.Example.gov.cn`, ...auth })).status).toBe(200);
    expect((await raw(url, '/api/v1/config', { host: `localhost:${port}`, ...auth })).status).toBe(421);
    expect((await raw(url, '/api/v1/config', { host: `evil.example:${port}`, ...auth })).status).toBe(421);
    const evil = await screenSocket(url, { host: `evil.example:${port}` }, { region: '610100', token: WALL_TOKEN });
    expect(evil.connected).toBe(false);
  });
});
