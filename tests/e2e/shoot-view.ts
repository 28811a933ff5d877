// One screenshot of the wall, optionally after clicking a selector (a theme tab, a crumb) or a
// region by its lng/lat, for looking at it:
//   node --import tsx tests/e2e/shoot-view.ts URL OUT.png [WxH] [click-selector | @lng,lat] ...
import { launch } from './browser.ts';

async function main(): Promise<void> {
  const [url, out, size = '1920x1080', ...steps] = process.argv.slice(2);
  if (!url || !out) throw new Error('usage: shoot-view.ts URL OUT.png [WxH] [selector | @lng,lat] ...');
  const [w, h] = size.split('x').map(Number) as [number, number];
  const chrome = await launch();
  try {
    const page = await chrome.newPage(w, h);
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!/^(data:|blob:)/.test(u) && new URL(u).hostname !== new URL(url).hostname) outside.push(u);
    });
    page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
    await page.goto(url);
    await page
      .waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 })
      .catch(() => console.log('no first frame'));
    for (const step of steps) {
      await page.waitForTimeout(1500);
      if (step.startsWith('@')) {
        const [lng, lat] = step.slice(1).split(',').map(Number) as [number, number];
        const [x, y] = await page.evaluate(([a, b]) => window.__wallStats!.project!(a!, b!), [lng, lat]);
        await page.mouse.click(x, y);
      } else await page.click(step);
    }
    await page.waitForTimeout(3000);
    await page.screenshot({ path: out, animations: 'disabled' });
    const title = await page.evaluate(() => document.querySelector('[data-title]')?.textContent ?? '');
    const crumbs = await page.$$eval('[data-crumb]', (els) => els.map((e) => e.textContent).join(' › '));
    console.log(JSON.stringify({ out, title, crumbs, outside }));
  } finally {
    await chrome.close();
  }
}

await main();
