// Screenshots of the operator console (/console) against the mock console server, for looking at
// it: 1920×1080 and 1280×800, zh and en, an open ack form, a history, a 403, the silences and
// audit tabs, and a dropped connection. Fails on any request off the page's host.
//   NODE_ENV=production npx vite build --config screen/vite.config.ts
//   node --import tsx tests/e2e/shoot-console.ts [outDir=/tmp]
import { launch } from './browser.ts';
import { startMockConsole } from '../fixtures/console/mock-console.ts';

const SIZES: [number, number][] = [
  [1920, 1080],
  [1280, 800],
];

async function main(): Promise<void> {
  const out = process.argv[2] ?? '/tmp';
  const mock = await startMockConsole();
  const chrome = await launch();
  const offHost: string[] = [];
  try {
    // sign-in: no token, then a refused one
    const first = await chrome.newPage(1280, 800);
    await first.goto(`${mock.url}/console`);
    await first.waitForSelector('[data-signin]');
    await first.screenshot({ path: `${out}/console-1280x800-zh-signin.png` });
    await first.fill('input[name="token"]', 'not-a-token');
    await first.click('[data-signin] [type="submit"]');
    await first.waitForSelector('[data-signin] [role="alert"]', { timeout: 15_000 });
    await first.screenshot({ path: `${out}/console-1280x800-zh-signin-refused.png` });
    console.log(`${out}/console-1280x800-zh-signin*.png`);
    await first.close();
    for (const [w, h] of SIZES) {
      for (const lang of ['zh', 'en'] as const) {
        const page = await chrome.newPage(w, h);
        page.on('request', (r) => {
          if (!r.url().startsWith(mock.url)) offHost.push(r.url());
        });
        page.on('pageerror', (e) => console.log(`[${w}x${h}] pageerror: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error') console.log(`[${w}x${h}] console: ${m.text().slice(0, 300)}`);
        });
        const shot = async (name: string) => {
          const file = `${out}/console-${w}x${h}-${lang}-${name}.png`;
          await page.screenshot({ path: file, animations: 'disabled' });
          console.log(file);
        };
        await page.goto(`${mock.url}/console?token=op-xian${lang === 'en' ? '&lang=en' : ''}`);
        await page.waitForSelector('[data-connection="live"]', { timeout: 15_000 });
        if (page.url().includes('token=')) throw new Error('the token stayed in the address bar');
        await shot('live');
        if (lang === 'en' && w !== 1920) {
          await page.close();
          continue;
        }
        // an ack form and a flapping alert's history
        await page.click('[data-fingerprint="transfers-overdue@610113"] [data-action="ack"]');
        await page.click('[data-fingerprint="study-rate-low@610116"] [data-action="history"]');
        await page.waitForSelector('[data-history]');
        await page.click('[data-flapping-run] summary');
        await shot('forms');
        // a refusal (the mock refuses the comment "403")
        await page.fill('[data-fingerprint="transfers-overdue@610113"] textarea', '403');
        await page.click('[data-fingerprint="transfers-overdue@610113"] [data-form="ack"] [type="submit"]');
        await page.waitForSelector('[data-action-error]');
        await page.locator('[data-action-error]').first().scrollIntoViewIfNeeded();
        await shot('refused');
        // the silence form
        await page.click('[data-fingerprint="out-of-contact@610104"] [data-action="silence"]');
        await page.locator('[data-form="silence"]').scrollIntoViewIfNeeded();
        await shot('silence-form');
        await page.click('[data-tab="silences"]');
        await shot('silences');
        await page.click('[data-tab="audit"]');
        await page.waitForSelector('[data-audit]');
        await shot('audit');
        await page.click('[data-tab="alerts"]');
        await fetch(`${mock.url}/__mock/drop?ms=600000`, { method: 'POST' });
        await page.waitForSelector('[data-connection="disconnected"]', { timeout: 15_000 });
        await shot('disconnected');
        await fetch(`${mock.url}/__mock/drop?ms=0`, { method: 'POST' });
        await page.close();
      }
    }
  } finally {
    await chrome.close();
    await mock.close();
  }
  if (offHost.length > 0) {
    console.log('requests off the host:', offHost);
    process.exitCode = 1;
  } else console.log('no request left the host');
}

void main();
