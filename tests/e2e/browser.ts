// Headless Chromium for the e2e tests and the screen bench: the Debian binary, a fresh
// profile, no background networking (so every request seen came from the wall).
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Whether `file`'s browser tests can run: a loud warning when not, an error under REQUIRE_CHROMIUM=1. */
export function chromiumFor(file: string): boolean {
  if (chromiumAvailable()) return true;
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(`REQUIRE_CHROMIUM=1 but ${CHROMIUM_PATH} is missing`);
  console.warn(
    `\n!!! ${file} SKIPPED: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or REQUIRE_CHROMIUM=1 to fail) !!!\n`,
  );
  return false;
}

export interface Launched {
  context: BrowserContext;
  newPage(width: number, height: number): Promise<Page>;
  close(): Promise<void>;
}

export async function launch(): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'zhdj-wall-'));
  // a fresh --user-data-dir, passed the way Playwright wants it
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1920, height: 1080 },
    deviceScaleFactor: 1,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // WebGL on the CPU (SwiftShader) for MapLibre and deck.gl without a GPU
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
      '--js-flags=--expose-gc',
      // a wall is a foreground kiosk: several walls in one browser (the rooms' e2e) must not be
      // throttled as background tabs (timers at 1 Hz, no animation frames)
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  return {
    context,
    async newPage(width, height) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
