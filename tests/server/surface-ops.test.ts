// The HTTP surface (issue 9): /metrics and /docs open on loopback, behind an operations token
// elsewhere (OPS_TOKENS, or an ingest token); /readyz answers anyone but keeps the store's
// internals (the data path) to a caller with a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';

const INGEST = 'ingest-token-0123456789';
const WALL = 'wall-token-0123456789';
const OPS = 'ops-token-0123456789ab';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const basic = (t: string) => ({ authorization: `Basic ${Buffer.from(`prometheus:${t}`).toString('base64')}` });

describe('a non-loopback HOST', () => {
  let t: TestApp;
  beforeAll(async () => {
    // the app listens nowhere here (inject): HOST is what the configuration says
    t = await buildTestApp({
      HOST: '0.0.0.0',
      INGEST_TOKENS: INGEST,
      SCREEN_TOKENS: `${WALL}:610100`,
      OPS_TOKENS: OPS,
    });
  });
  afterAll(async () => t.close());

  it.each(['/metrics', '/docs', '/docs/json', '/docs/yaml'])(
    '%s: 401 without a token, or with a wall token',
    async (url) => {
      const none = await t.app.inject({ method: 'GET', url });
      expect(none.statusCode).toBe(401);
      expect(String(none.headers['www-authenticate'])).toMatch(/Bearer.*Basic/);
      expect(none.body).not.toContain('zhdj_');
      expect(none.body).not.toContain('openapi');
      const wall = await t.app.inject({ method: 'GET', url, headers: bearer(WALL) });
      expect(wall.statusCode).toBe(401);
      const wrong = await t.app.inject({ method: 'GET', url, headers: bearer('wrong-token-0123456789') });
      expect(wrong.statusCode).toBe(401);
    },
  );

  it.each([
    ['an ops token', bearer(OPS)],
    ['an ingest token', bearer(INGEST)],
    ['Basic with the token as password (a browser)', basic(OPS)],
  ])('/metrics and /docs with %s', async (_what, headers) => {
    const m = await t.app.inject({ method: 'GET', url: '/metrics', headers });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('zhdj_ingest_events_total');
    const d = await t.app.inject({ method: 'GET', url: '/docs/json', headers });
    expect(d.statusCode).toBe(200);
    expect(d.json()).toHaveProperty('openapi');
    const ui = await t.app.inject({ method: 'GET', url: '/docs', headers });
    expect(ui.statusCode).toBe(200);
  });

  it('/readyz answers without a token, without the data path', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toEqual({ ok: true, engine: 'memory', persistence: 'log+snapshot' });
    expect(r.body).not.toContain('zhdj-server-test');
    const withToken = await t.app.inject({ method: 'GET', url: '/readyz', headers: bearer(OPS) });
    expect(withToken.json().detail.dataDir).toContain('zhdj-server-test');
  });

  it('/healthz stays open (a liveness probe carries no token)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('loopback', () => {
  it('without OPS_TOKENS: /metrics and /docs are open; /readyz detail only to a token when tokens exist', async () => {
    const t = await buildTestApp({ INGEST_TOKENS: INGEST, SCREEN_TOKENS: `${WALL}:610100` });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
      const r = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(r.json().detail).toBeUndefined();
      expect(r.body).not.toContain('zhdj-server-test');
      const withToken = await t.app.inject({ method: 'GET', url: '/readyz', headers: bearer(INGEST) });
      expect(withToken.json().detail.dataDir).toContain('zhdj-server-test');
    } finally {
      await t.close();
    }
  });

  it('with OPS_TOKENS: a token is needed on loopback too', async () => {
    const t = await buildTestApp({ OPS_TOKENS: OPS });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(OPS) })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('token-less (no tokens at all): /readyz shows the detail to the local developer', async () => {
    const t = await buildTestApp();
    try {
      const r = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(r.json().detail.dataDir).toContain('zhdj-server-test');
    } finally {
      await t.close();
    }
  });
});
