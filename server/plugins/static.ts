// The built screen at / and the area's geography at /geo/ (boundaries are large and change only on
// a rebuild: cacheable, revalidated by ETag).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { registryDataUrl } from '../../geo/registry.ts';

export const SCREEN_DIST_URL = new URL('../../dist/screen/', import.meta.url);
const GEO_MAX_AGE_MS = 3_600_000;
/** the screen's other pages: the same index.html, whose entry picks the page by path */
export const SCREEN_PAGE_PATHS = ['/console', '/control'];

const RUN_TO_BUILD = 'Run <code>npm run build:screen</code> (or <code>npm start</code>), then reload.';
const MISSING_SCREEN_HTML = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>ZHDJ Screen</title>
<body style="font-family:sans-serif;background:#0b1020;color:#e8ecf5;padding:3em">
<h1>智慧党建指挥大屏</h1><p>The screen is not built yet. ${RUN_TO_BUILD}</p>
<p>API: <a style="color:#8cf" href="/docs">/docs</a></p></body></html>`;

export default fp<{ screenDir?: string }>(
  async (fastify, opts) => {
    const geoRoot = fileURLToPath(registryDataUrl());
    await fastify.register(fastifyStatic, {
      root: geoRoot,
      prefix: '/geo/',
      decorateReply: false,
      maxAge: GEO_MAX_AGE_MS,
      etag: true,
    });
    const screenRoot = opts.screenDir ?? fileURLToPath(SCREEN_DIST_URL);
    if (existsSync(screenRoot)) {
      // index.html revalidates every time; Vite's hashed assets never change
      await fastify.register(fastifyStatic, {
        root: screenRoot,
        prefix: '/',
        decorateReply: false,
        etag: true,
        maxAge: 0,
        setHeaders(reply, path) {
          if (/[\\/]assets[\\/]/.test(path)) reply.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
      for (const url of SCREEN_PAGE_PATHS) {
        fastify.get(url, { schema: { hide: true } }, async (_req, reply) => {
          const html = await readFile(join(screenRoot, 'index.html'));
          return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
        });
      }
    } else {
      fastify.log.warn({ screenRoot }, 'screen not built: / explains how to build it');
      fastify.get('/', { schema: { hide: true } }, async (_req, reply) =>
        reply.type('text/html; charset=utf-8').send(MISSING_SCREEN_HTML),
      );
    }
  },
  { name: 'static' },
);
