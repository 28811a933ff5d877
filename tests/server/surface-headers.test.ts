// The HTTP surface (issue 9): security headers on every page and API answer — a CSP that allows
// only the host itself (no 'unsafe-eval'; workers and blobs for MapLibre), frame-ancestors from
// FRAME_ANCESTORS, nosniff, Referrer-Policy no-referrer — on the built screen, the API, 404s,
// refusals and /docs.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';

let dir: string;
let t: TestApp;

/** CSP directives by name */
function csp(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  const out = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhdj-surface-'));
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>wall</title>');
  await writeFile(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
  t = await buildTestApp({}, dir);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('security headers', () => {
  it.each([
    ['the wall', '/', {}],
    ['a wall asset', '/assets/main-abc123.js', {}],
    ['the API', '/api/v1/config', {}],
    ['the snapshot', '/api/v1/snapshot?region=610100', {}],
    ['a 404', '/nope', {}],
    ['a refused host (421)', '/api/v1/config', { host: 'evil.example' }],
    ['a refused origin (403)', '/api/v1/config', { origin: 'http://evil.example' }],
    ['liveness', '/healthz', {}],
  ])('%s: CSP, nosniff, no-referrer, DENY', async (_what, url, headers) => {
    const r = await t.app.inject({ method: 'GET', url, headers });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    const d = csp(r.headers['content-security-policy']);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('child-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    // Socket.IO of the host the page came from, and nothing else
    const host = (headers as { host?: string }).host ?? 'localhost:80';
    expect(d.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    const all = String(r.headers['content-security-policy']);
    expect(all).not.toContain('unsafe-eval');
    expect(all).not.toContain('unsafe-inline');
    expect(all).not.toContain('*');
    // walls often run on plain http inside an intranet
    expect(all).not.toContain('upgrade-insecure-requests');
    expect(r.headers['strict-transport-security']).toBeUndefined();
  });

  it('a Host header cannot inject CSP sources', async () => {
    const r = await t.app.inject({
      method: 'GET',
      url: '/api/v1/config',
      headers: { host: 'localhost; script-src *' },
    });
    const d = csp(r.headers['content-security-policy']);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'", "'self'"]);
  });

  it('/docs has its own CSP (swagger-ui) with the same frame-ancestors and no upgrade', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(r.statusCode).toBe(200);
    const d = csp(r.headers['content-security-policy']);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.has('upgrade-insecure-requests')).toBe(false);
    expect(String(r.headers['content-security-policy'])).not.toContain('unsafe-eval');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('FRAME_ANCESTORS: walls embedded in a customer portal', () => {
  it('lists the portal in frame-ancestors and drops X-Frame-Options', async () => {
    const p = await buildTestApp({ FRAME_ANCESTORS: "'self' https://portal.example.gov.cn" });
    try {
      const r = await p.app.inject({ method: 'GET', url: '/api/v1/config' });
      expect(csp(r.headers['content-security-policy']).get('frame-ancestors')).toEqual([
        "'self'",
        'https://portal.example.gov.cn',
      ]);
      // X-Frame-Options cannot name an origin: frame-ancestors alone decides
      expect(r.headers['x-frame-options']).toBeUndefined();
      const docs = await p.app.inject({ method: 'GET', url: '/docs' });
      expect(csp(docs.headers['content-security-policy']).get('frame-ancestors')).toEqual([
        "'self'",
        'https://portal.example.gov.cn',
      ]);
    } finally {
      await p.close();
    }
  });

  it('self (quotes optional) is SAMEORIGIN', async () => {
    const p = await buildTestApp({ FRAME_ANCESTORS: 'self' });
    try {
      const r = await p.app.inject({ method: 'GET', url: '/' });
      expect(csp(r.headers['content-security-policy']).get('frame-ancestors')).toEqual(["'self'"]);
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    } finally {
      await p.close();
    }
  });

  it.each([["'none' https://portal.example"], ['javascript:alert(1)'], ['https://portal.example/path'], ['*']])(
    'FRAME_ANCESTORS=%s is refused at start',
    (value) => {
      expect(() => loadConfig({ FRAME_ANCESTORS: value } as NodeJS.ProcessEnv)).toThrow(ConfigError);
      try {
        loadConfig({ FRAME_ANCESTORS: value } as NodeJS.ProcessEnv);
      } catch (err) {
        expect((err as ConfigError).variable).toBe('FRAME_ANCESTORS');
      }
    },
  );

  it('an external MAP_STYLE_URL host is allowed for fetch and images, nothing else', async () => {
    const p = await buildTestApp({ MAP_STYLE_URL: 'https://tiles.intranet.gov.cn/styles/dark.json' });
    try {
      const r = await p.app.inject({ method: 'GET', url: '/' });
      const d = csp(r.headers['content-security-policy']);
      expect(d.get('connect-src')).toContain('https://tiles.intranet.gov.cn');
      expect(d.get('img-src')).toContain('https://tiles.intranet.gov.cn');
      expect(d.get('script-src')).toEqual(["'self'"]);
    } finally {
      await p.close();
    }
  });
});

describe('CORS_ORIGINS and ALLOWED_HOSTS are validated', () => {
  it.each([
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'portal.example'],
    ['CORS_ORIGINS', 'https://portal.example/app'],
    ['ALLOWED_HOSTS', 'http://wall.example'],
    ['ALLOWED_HOSTS', 'wall.example:8080'],
  ])('%s=%s names the variable', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value } as NodeJS.ProcessEnv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
