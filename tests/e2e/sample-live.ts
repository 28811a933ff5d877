// Samples what walls show, as a user watching them would: for each region, data-live every
// 500 ms for 20 s (40 samples) on a running server.
//   node --import tsx tests/e2e/sample-live.ts http://127.0.0.1:8090 610100 610122 610113004
import { launch } from './browser.ts';

async function main(): Promise<void> {
  const base = process.argv[2] ?? 'http://127.0.0.1:8090';
  const regions = process.argv.slice(3);
  const chrome = await launch();
  try {
    const pages = await Promise.all(
      regions.map(async (region) => {
        const page = await chrome.newPage(1920, 1080);
        await page.goto(`${base}/?region=${region}`);
        await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
        return { region, page, live: 0, samples: 0 };
      }),
    );
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 500));
      for (const p of pages) {
        const v = await p.page.getAttribute('[data-live]', 'data-live');
        p.samples += 1;
        if (v === 'true') p.live += 1;
      }
    }
    for (const p of pages) console.log(`${p.region}: live in ${p.live} of ${p.samples} half-second samples`);
  } finally {
    await chrome.close();
  }
}

await main();
