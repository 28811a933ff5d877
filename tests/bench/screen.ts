// `npm run bench:screen [-- --minutes N]` (default 10): the built wall in headless Chromium
// against the real server with the simulator (server/demo.ts). Measures, per SPEC 9:
//   updateP95Ms     p95 main-thread ms per applied commit, wall clock, measured by the screen
//                   itself (window.__wallStats.updateMs): from the start of the commit (store
//                   apply, React render, chart paint, the frame's other rAF callbacks) to the end
//                   of the browser's rendering of that frame (style, layout, paint, compositor
//                   commit). Charts whose data changed are painted one per commit, so a chart
//                   waiting for a later commit is counted in that commit.
//   updateScriptP95Ms  the script part of the same commits alone (the figure measured before)
//   mainThreadCpuMsPerFrame  ALL main-thread CPU time of the page over the soak (CDP ThreadTime:
//                   KPI rolls, ticker slide-ins, map/deck redraws, clock, GC, idle ticks) divided
//                   by the frames applied: what one applied frame costs in total, on average
//   mainThreadBusyMsPerFrame the same as wall-clock task time (CDP TaskDuration); above the CPU
//                   figure by the time the main thread waited (e.g. for the compositor, or for a
//                   core on a loaded machine)
//   heapRatio       JS heap end / start over the soak, each after a forced GC (CDP)
//   firstFrameMs    navigation → first snapshot on screen with the map drawn and charts painted
//   bundleGzipBytes sum of dist/screen/ files gzipped
//   chartInstances, mapInstances (and how many were ever created: constant means no leaks)
// The last line printed is one JSON object with the figures.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CDPSession, Page } from 'playwright-core';
import { launch } from '../e2e/browser.ts';
import { ensureScreenBuilt, ROOT, serverProcess } from '../e2e/harness.ts';

/** the soak's start is taken after one full theme rotation (3 × 30 s): each map view and its
 * layers exist once before the start heap is read, so one-time set-up is not counted as growth */
const WARMUP_MS = 100_000;
const PROGRESS_MS = 30_000;
const BACKFILL_WAIT_MS = 180_000;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
}

function bundleGzipBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    total += statSync(p).isDirectory() ? bundleGzipBytes(p) : gzipSync(readFileSync(p), { level: 9 }).length;
  }
  return total;
}

function p95(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function metric(cdp: CDPSession, name: string): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? NaN;
}

async function heapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
}

interface Stats {
  updateMs: number[];
  updateScriptMs?: number[];
  framesApplied: number;
  chartInstances: number;
  chartsCreated: number;
  mapInstances: number;
  mapsCreated: number;
  firstFrameMs: number | null;
}

const readStats = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__wallStats)) as Stats);

async function main(): Promise<void> {
  const minutes = arg('minutes', 10);
  ensureScreenBuilt();
  const bundle = bundleGzipBytes(join(ROOT, 'dist/screen'));
  const server = await serverProcess('server/demo.ts', { LOG_LEVEL: 'info' });
  const chrome = await launch();
  try {
    console.log(`server ${server.url}; waiting for the demo backfill …`);
    const until = Date.now() + BACKFILL_WAIT_MS;
    while (!server.logs().includes('backfill done') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 1000));

    const page = await chrome.newPage(1920, 1080);
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!/^(data:|blob:)/.test(u) && new URL(u).hostname !== '127.0.0.1') outside.push(u);
    });
    const cdp = await chrome.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}/?region=610100`);
    await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
    const first = await readStats(page);
    console.log(`first complete frame ${first.firstFrameMs?.toFixed(0)} ms; warming up ${WARMUP_MS / 1000} s`);
    await page.waitForTimeout(WARMUP_MS);

    const startStats = await readStats(page);
    const heapStart = await heapBytes(cdp);
    const skip = startStats.updateMs.length;
    const skipScript = startStats.updateScriptMs?.length ?? 0;
    const cpuStart = await metric(cdp, 'ThreadTime');
    const taskStart = await metric(cdp, 'TaskDuration');
    const endAt = Date.now() + minutes * 60_000;
    while (Date.now() < endAt) {
      await page.waitForTimeout(Math.min(PROGRESS_MS, endAt - Date.now()));
      const s = await readStats(page);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
      console.log(
        `  ${((minutes * 60_000 - (endAt - Date.now())) / 1000).toFixed(0)} s: frames ${s.framesApplied - startStats.framesApplied}, p95 ${p95(s.updateMs.slice(skip)).toFixed(2)} ms, heap ${(heap / 1e6).toFixed(1)} MB, charts ${s.chartInstances}, maps ${s.mapInstances}`,
      );
    }
    const cpuEnd = await metric(cdp, 'ThreadTime');
    const taskEnd = await metric(cdp, 'TaskDuration');
    const heapEnd = await heapBytes(cdp);
    const end = await readStats(page);
    const samples = end.updateMs.slice(skip);
    const frames = end.framesApplied - startStats.framesApplied;
    const result = {
      minutes,
      framesApplied: frames,
      commits: samples.length,
      updateP95Ms: Number(p95(samples).toFixed(2)),
      updateMedianMs: Number(median(samples).toFixed(2)),
      updateScriptP95Ms: Number(p95((end.updateScriptMs ?? []).slice(skipScript)).toFixed(2)),
      mainThreadCpuMsPerFrame: Number((((cpuEnd - cpuStart) * 1000) / frames).toFixed(2)),
      mainThreadBusyMsPerFrame: Number((((taskEnd - taskStart) * 1000) / frames).toFixed(2)),
      updateMaxMs: Number(Math.max(...samples).toFixed(2)),
      heapStartBytes: Math.round(heapStart),
      heapEndBytes: Math.round(heapEnd),
      heapRatio: Number((heapEnd / heapStart).toFixed(3)),
      firstFrameMs: Math.round(first.firstFrameMs ?? NaN),
      bundleGzipBytes: bundle,
      chartInstances: end.chartInstances,
      chartsCreated: end.chartsCreated,
      mapInstances: end.mapInstances,
      mapsCreated: end.mapsCreated,
      outsideRequests: outside.length,
      browser: 'headless Chromium, --disable-gpu (SwiftShader WebGL)',
    };
    console.log(`targets (SPEC 9): updateP95Ms ≤ 8, heapRatio ≤ 1.10, firstFrameMs ≤ 3000, zero outside requests`);
    console.log(JSON.stringify(result));
  } finally {
    await chrome.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
