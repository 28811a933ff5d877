// The built screen at /, the geography at /geo/, the docs at /docs.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../../server/app.ts';
import { testConfig } from '../../../server/config.ts';
import { buildTestApp, type TestApp } from '../lib/app.ts';

let bare: TestApp;
let dir: string;
let built: Awaited<ReturnType<typeof Fastify>>;

beforeAll(async () => {
  bare = await buildTestApp({ MAP_STYLE_URL: '/styles/dark.json', FRAME_INTERVAL_MS: '500' });
  dir = await mkdtemp(join(tmpdir(), 'zhdj-dist-'));
  await mkdir(join(dir, 'screen', 'assets'), { recursive: true });
  await writeFile(join(dir, 'screen', 'index.html'), '<!doctype html><title>wall</title>');
  await writeFile(join(dir, 'screen', 'assets', 'main-abc123.js'), 'console.log(1)');
  const config = testConfig({ DATA_DIR: join(dir, 'data') });
  built = Fastify({ ...serverOptions(config), logger: false });
  await built.register(app, { config, screenDir: join(dir, 'screen') });
});
afterAll(async () => {
  await bare.close();
  await built.close();
  await rm(dir, { recursive: true, force: true });
});

describe('static files and docs', () => {
  it('/ explains how to build the screen when it is missing', async () => {
    const r = await bare.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:screen');
  });
  it('/ serves the built screen; hashed assets are immutable', async () => {
    const index = await built.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>wall</title>');
    const asset = await built.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });
  it.each(['/console', '/control'])('%s serves the same index.html (the entry picks the page)', async (url) => {
    const r = await built.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<title>wall</title>');
  });
  it('/geo/ serves geo/data cacheably', async () => {
    const r = await bare.app.inject({ method: 'GET', url: '/geo/regions.json' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(r.headers.etag).toBeDefined();
    expect((await bare.app.inject({ method: 'GET', url: '/geo/../server/config.ts' })).statusCode).toBe(404);
  });
  it('/api/v1/config tells the screen what it needs', async () => {
    const r = await bare.app.inject({ method: 'GET', url: '/api/v1/config' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      area: { code: '610100', name: '西安市', level: 'city' },
      defaultRegion: '610100',
      frameIntervalMs: 500,
      timeZone: 'Asia/Shanghai',
      mapStyleUrl: '/styles/dark.json',
      screenAuth: false,
      replayIntervalMs: 60_000,
    });
  });
  it('/docs/json is OpenAPI from the TypeBox schemas', async () => {
    const r = await bare.app.inject({ method: 'GET', url: '/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/events',
        '/api/v1/roster',
        '/api/v1/snapshot',
        '/api/v1/orgs',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(JSON.stringify(doc.paths['/api/v1/events'].post.requestBody)).toContain('study.completed');
    expect(Object.keys(doc.paths['/api/v1/events'].post.requestBody.content)).toContain('application/x-ndjson');
    expect((await bare.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })).statusCode).toBe(200);
  });
  it('/healthz, /readyz with the persistence mode; unknown region 404; default region', async () => {
    expect((await bare.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const ready = await bare.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ ok: true, engine: 'memory', persistence: expect.any(String) });
    const unknown = await bare.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=619999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('619999');
    expect((await bare.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=61' })).statusCode).toBe(400);
    expect((await bare.app.inject({ method: 'GET', url: '/api/v1/snapshot' })).json().region.code).toBe('610100');
    expect((await bare.app.inject({ method: 'GET', url: '/api/v1/orgs?region=619999' })).statusCode).toBe(404);
  });
});
