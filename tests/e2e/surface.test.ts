// The HTTP surface in a real Chromium (issue 9): the built wall renders under the server's CSP
// (MapLibre's workers, deck.gl/luma WebGL, ECharts) with no violation and no "Refused to…"
// console error; the ?token= leaves the address bar (a reload still joins: sessionStorage); no
// request carries a Referer; a portal on another origin may frame the wall only when
// FRAME_ANCESTORS names it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { simulation } from '../../mock/setup.ts';
import { chromiumFor, launch, type Launched } from './browser.ts';
import { ensureScreenBuilt, postJson, serverProcess, type ServerProc } from './harness.ts';

const HAVE_CHROMIUM = chromiumFor('tests/e2e/surface.test.ts');

const REGION = '610100';
const TOKEN = 'e2e-surface-wall-token-0123';

interface Watch {
  violations: string[];
  refused: string[];
  errors: string[];
  referers: string[];
}

/** CSP violations (the DOM event) and console errors, collected from the first script on */
async function watch(page: Page): Promise<Watch> {
  const w: Watch = { violations: [], refused: [], errors: [], referers: [] };
  await page.exposeFunction('__cspViolation', (v: string) => w.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    if (/Content Security Policy|Refused to/i.test(text)) w.refused.push(text);
    else if (m.type() === 'error') w.errors.push(text);
  });
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('request', (r) => {
    const referer = r.headers()['referer'];
    if (referer) w.referers.push(`${r.url()} ← ${referer}`);
  });
  return w;
}

async function waitWall(target: Page | Frame): Promise<void> {
  await target.waitForSelector('[data-live="true"]', { timeout: 60_000 });
  await target.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 90_000 });
  await target.waitForFunction(
    () => window.__wallStats?.mapLoaded === true && window.__wallStats.chartsPainted > 0,
    null,
    {
      timeout: 30_000,
    },
  );
}

/** distinct colours in a screenshot of the map panel (decoded in a blank page, outside the
 * wall's CSP): a blank or blocked map is one or two */
async function mapColours(page: Page): Promise<number> {
  const shot = (await page.locator('[data-panel="map"]').screenshot()).toString('base64');
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    }, shot);
  } finally {
    await blank.close();
  }
}

/** a page on another origin that frames the wall */
async function portal(wallUrl: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>portal</title><iframe id="wall" src="${wallUrl}" width="1600" height="900"></iframe>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe.skipIf(!HAVE_CHROMIUM)('the wall under the CSP', () => {
  let server: ServerProc;
  let chrome: Launched;

  beforeAll(async () => {
    ensureScreenBuilt();
    server = await serverProcess('server/server.ts', {
      FRAME_INTERVAL_MS: '1000',
      SCREEN_TOKENS: `${TOKEN}:${REGION}`,
    });
    await postJson(`${server.url}/api/v1/roster`, simulation({ region: REGION }).roster, 'PUT');
    chrome = await launch();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('renders map, layers and charts with no CSP violation; the token leaves the address bar', async () => {
    const page = await chrome.newPage(1920, 1080);
    const w = await watch(page);
    const res = await page.goto(`${server.url}/?region=${REGION}&theme=0&token=${TOKEN}`);
    const policy = res?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("worker-src 'self' blob:");
    expect(policy).not.toContain('unsafe-eval');
    expect(res?.headers()['referrer-policy']).toBe('no-referrer');
    await waitWall(page);
    // the map panel holds a drawn map, not an empty canvas
    expect(await mapColours(page)).toBeGreaterThan(8);
    expect(await page.locator('.maplibregl-canvas').count()).toBeGreaterThan(0);

    expect(page.url()).toBe(`${server.url}/?region=${REGION}&theme=0`);
    // replaced, not pushed: Back does not lead to the URL with the token
    expect(await page.evaluate(() => window.history.length)).toBeLessThanOrEqual(2);
    // a reload has no token in the URL: the tab's sessionStorage still joins
    await page.reload();
    await waitWall(page);
    expect(page.url()).not.toContain('token');

    await page.waitForTimeout(1500);
    expect(w.violations).toEqual([]);
    expect(w.refused).toEqual([]);
    expect(w.referers).toEqual([]);
    expect(w.errors.filter((e) => !/WebGL|GPU|swiftshader|GL_/i.test(e))).toEqual([]);
    await page.close();
  });

  it("a portal on another origin cannot frame the wall by default (frame-ancestors 'none')", async () => {
    const p = await portal(`${server.url}/?region=${REGION}&theme=0&token=${TOKEN}`);
    try {
      const page = await chrome.newPage(1700, 1000);
      const w = await watch(page);
      await page.goto(p.url);
      await page.waitForTimeout(3000);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      // the framed document never runs: no wall in it
      const hasWall = frame
        ? await frame.evaluate(() => document.querySelector('.wall') !== null).catch(() => false)
        : false;
      expect(hasWall).toBe(false);
      expect(w.refused.join('\n')).toMatch(/frame-ancestors/);
      await page.close();
    } finally {
      p.server.close();
    }
  });
});

describe.skipIf(!HAVE_CHROMIUM)('FRAME_ANCESTORS names the portal', () => {
  let server: ServerProc;
  let chrome: Launched;
  let p: { server: Server; url: string };

  beforeAll(async () => {
    ensureScreenBuilt();
    // the portal's origin must be known before the server starts
    p = await portal('about:blank');
    p.server.close();
    const portalOrigin = new URL(p.url).origin;
    server = await serverProcess('server/server.ts', {
      FRAME_INTERVAL_MS: '1000',
      SCREEN_TOKENS: `${TOKEN}:${REGION}`,
      FRAME_ANCESTORS: `'self' ${portalOrigin}`,
    });
    await postJson(`${server.url}/api/v1/roster`, simulation({ region: REGION }).roster, 'PUT');
    const port = Number(new URL(p.url).port);
    const wallUrl = `${server.url}/?region=${REGION}&theme=0&token=${TOKEN}`;
    p.server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>portal</title><iframe src="${wallUrl}" width="1600" height="900"></iframe>`);
    });
    await new Promise<void>((r) => p.server.listen(port, '127.0.0.1', r));
    chrome = await launch();
  });
  afterAll(async () => {
    await chrome?.close();
    p?.server.close();
    await server?.stop();
  });

  it('the framed wall renders in the portal with no CSP violation', async () => {
    const page = await chrome.newPage(1700, 1000);
    const w = await watch(page);
    await page.goto(p.url);
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    await waitWall(frame!);
    expect(frame!.url()).not.toContain('token');
    expect(w.violations).toEqual([]);
    expect(w.refused).toEqual([]);
    await page.close();
  });
});
