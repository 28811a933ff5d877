// Screenshots of the wall at the four wall sizes, for looking at it:
//   node --import tsx tests/e2e/shoot.ts http://127.0.0.1:8090 [query]
import { mkdirSync } from 'node:fs';
import { launch } from './browser.ts';

const SIZES: [number, number][] = [
  [1920, 1080],
  [3840, 2160],
  [5760, 1080],
  [7680, 2160],
];

async function main(): Promise<void> {
  const base = process.argv[2] ?? 'http://127.0.0.1:8090';
  const query = process.argv[3] ?? '';
  const only = process.argv[4];
  mkdirSync('artifacts', { recursive: true });
  const chrome = await launch();
  try {
    for (const [w, h] of SIZES) {
      if (only && only !== `${w}x${h}`) continue;
      const page = await chrome.newPage(w, h);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning')
          console.log(`[${w}x${h}] ${m.type()}: ${m.text().slice(0, 300)}`);
      });
      page.on('pageerror', (e) => console.log(`[${w}x${h}] pageerror: ${e.message}`));
      await page.goto(`${base}/?${query}`);
      await page
        .waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 30_000 })
        .catch(() => console.log('no first frame'));
      await page.waitForTimeout(2500);
      const file = `artifacts/wall-${w}x${h}${query ? '-' + query.replace(/[^a-z0-9=]/gi, '_') : ''}.png`;
      // between slide-ins (a live ticker is always sliding something in)
      await page
        .waitForFunction(() => document.getAnimations().length === 0, null, { timeout: 5000 })
        .catch(() => undefined);
      await page.screenshot({ path: file, animations: 'disabled' });
      console.log(
        file,
        await page.evaluate(() =>
          JSON.stringify({ ...window.__wallStats, updateMs: window.__wallStats?.updateMs.length }),
        ),
      );
      await page.close();
    }
  } finally {
    await chrome.close();
  }
}

void main();
