// `npm run bench:soak [-- --minutes N]` (default 30): the demo (server/demo.ts: the simulator's
// realistic load on the embedded store) with 50 socket.io walls across 西安's city, counties and
// towns, and one built wall in headless Chromium at 1920×1080. It reports what a wall that runs
// 24/7 needs, from one run:
//   serverRss/Heap Start/End  the server's resident set and JS heap, each read after a forced GC
//                   (the server runs with --inspect on loopback; the bench asks V8 over the
//                   inspector protocol), at the start (after the warm-up) and at the end
//   heapGrowthNetOfDedupeBytes  heap end − start minus the growth of the dedupe index (every
//                   accepted id is kept for the retention: growth by design, reported per id)
//   dedupeBytesPerId, dedupeIdsAdded
//   wallHeapRatio   the Chromium wall's JS heap end / start, each after a forced GC (target ≤ 1.10)
//   loopDelayP99Ms  the server's event-loop delay p99 over each 30 s sample (max and median)
//   wallsLive       samples in which a socket wall had a frame or a heartbeat within the last
//                   3 intervals, of all samples (50 walls × samples); the Chromium wall's
//                   data-live, sampled the same way
//   socketsAtEnd, disconnects  every wall still connected on its first connection
// The last line printed is one JSON object with the figures.
import WebSocket from 'ws';
import type { CDPSession } from 'playwright-core';
import { childrenOf } from '../../geo/registry.ts';
import { launch } from '../e2e/browser.ts';
import { ensureScreenBuilt, serverProcess, type ServerProc } from '../e2e/harness.ts';
import { connectWall, type Wall } from '../server/lib/walls.ts';

const CITY = '610100';
const WALLS = 50;
const WARMUP_MS = 100_000;
const SAMPLE_MS = 30_000;
const BACKFILL_WAIT_MS = 240_000;
const FRAME_INTERVAL_MS = 1000;
const LIVE_WITHIN_MS = 3 * FRAME_INTERVAL_MS;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** The server's V8 over the inspector protocol (loopback only): forced GC and memoryUsage(). */
class Inspector {
  private next = 1;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
      if (m.id === undefined) return;
      this.waiting.get(m.id)?.(m.error ? Promise.reject(new Error(JSON.stringify(m.error))) : m.result);
      this.waiting.delete(m.id);
    });
  }

  static async connect(server: ServerProc): Promise<Inspector> {
    const until = Date.now() + 10_000;
    let url: string | undefined;
    while (!(url = /Debugger listening on (ws:\/\/\S+)/.exec(server.logs())?.[1]) && Date.now() < until)
      await sleep(100);
    if (!url) throw new Error('the server printed no inspector URL');
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Inspector(ws);
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.next++;
    const done = new Promise((resolve) => this.waiting.set(id, resolve));
    this.ws.send(JSON.stringify({ id, method, params }));
    return done;
  }

  async memoryAfterGc(): Promise<{ rss: number; heapUsed: number }> {
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
    const r = (await this.send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(r.result.value) as { rss: number; heapUsed: number };
  }

  close(): void {
    this.ws.close();
  }
}

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([-\d.e+]+|NaN)$/.exec(line);
    if (m) out.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

async function wallHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
}

/** 50 regions: the city, its counties, then towns of each county in turn. */
function regions(): string[] {
  const counties = childrenOf(CITY).map((r) => r.code);
  const towns = counties.map((c) => childrenOf(c).map((r) => r.code));
  const out = [CITY, ...counties];
  for (let i = 0; out.length < WALLS; i++) for (const t of towns) if (t[i] && out.length < WALLS) out.push(t[i]!);
  return out;
}

async function main(): Promise<void> {
  const minutes = arg('minutes', 30);
  ensureScreenBuilt();
  const server = await serverProcess('server/demo.ts', { LOG_LEVEL: 'info' }, ['--inspect=127.0.0.1:0']);
  const chrome = await launch();
  const walls: Wall[] = [];
  let inspector: Inspector | null = null;
  try {
    inspector = await Inspector.connect(server);
    console.log(`server ${server.url}; waiting for the demo backfill …`);
    const backfillUntil = Date.now() + BACKFILL_WAIT_MS;
    while (!server.logs().includes('backfill done') && Date.now() < backfillUntil) await sleep(1000);

    for (const region of regions()) walls.push(connectWall(server.url, { region }, { record: false }));
    const page = await chrome.newPage(1920, 1080);
    const cdp = await chrome.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}/?region=${CITY}`);
    await page.waitForFunction(() => window.__wallStats?.firstFrameMs != null, null, { timeout: 60_000 });
    console.log(`${walls.length} socket walls and a Chromium wall; warming up ${WARMUP_MS / 1000} s`);
    await sleep(WARMUP_MS);

    const m0 = await scrape(server.url);
    const s0 = await inspector.memoryAfterGc();
    const w0 = await wallHeap(cdp);
    const loopP99: number[] = [];
    let liveSamples = 0;
    let samples = 0;
    let pageLive = 0;
    let pageSamples = 0;
    const endAt = Date.now() + minutes * 60_000;
    let nextReport = Date.now() + SAMPLE_MS;
    while (Date.now() < endAt) {
      await sleep(Math.min(1000, endAt - Date.now()));
      const now = Date.now();
      for (const w of walls) {
        samples += 1;
        if (now - (w.lastAt ?? 0) <= LIVE_WITHIN_MS) liveSamples += 1;
      }
      pageSamples += 1;
      if ((await page.getAttribute('[data-live]', 'data-live')) === 'true') pageLive += 1;
      if (now >= nextReport || now >= endAt) {
        nextReport = now + SAMPLE_MS;
        const m = await scrape(server.url);
        loopP99.push((m.get('zhdj_event_loop_delay_p99_seconds') ?? NaN) * 1000);
        console.log(
          `  ${((minutes * 60_000 - (endAt - now)) / 1000).toFixed(0)} s: rss ${mb(m.get('process_resident_memory_bytes') ?? NaN)}, ` +
            `heap ${mb(m.get('nodejs_heap_size_used_bytes') ?? NaN)}, loop p99 ${loopP99.at(-1)!.toFixed(1)} ms, ` +
            `walls live ${liveSamples}/${samples}, dedupe ids ${m.get('zhdj_dedupe_ids')}`,
        );
      }
    }
    const m1 = await scrape(server.url);
    const s1 = await inspector.memoryAfterGc();
    const w1 = await wallHeap(cdp);
    const ids0 = m0.get('zhdj_dedupe_ids') ?? 0;
    const ids1 = m1.get('zhdj_dedupe_ids') ?? 0;
    const dedupeBytes0 = m0.get('zhdj_dedupe_bytes') ?? 0;
    const dedupeBytes1 = m1.get('zhdj_dedupe_bytes') ?? 0;
    const result = {
      minutes,
      walls: walls.length,
      serverRssStartBytes: s0.rss,
      serverRssEndBytes: s1.rss,
      serverHeapStartBytes: s0.heapUsed,
      serverHeapEndBytes: s1.heapUsed,
      serverHeapRatio: Number((s1.heapUsed / s0.heapUsed).toFixed(3)),
      dedupeIdsAdded: ids1 - ids0,
      dedupeBytesPerId: Number((ids1 > 0 ? dedupeBytes1 / ids1 : 0).toFixed(2)),
      heapGrowthNetOfDedupeBytes: s1.heapUsed - s0.heapUsed - (dedupeBytes1 - dedupeBytes0),
      eventsAccepted:
        (m1.get('zhdj_ingest_events_total{result="accepted"}') ?? 0) -
        (m0.get('zhdj_ingest_events_total{result="accepted"}') ?? 0),
      wallHeapStartBytes: Math.round(w0),
      wallHeapEndBytes: Math.round(w1),
      wallHeapRatio: Number((w1 / w0).toFixed(3)),
      loopDelayP99MaxMs: Number(Math.max(...loopP99).toFixed(1)),
      loopDelayP99MedianMs: Number(median(loopP99).toFixed(1)),
      wallsLiveSamples: liveSamples,
      wallsSamples: samples,
      chromiumLiveSamples: pageLive,
      chromiumSamples: pageSamples,
      socketsAtEnd: walls.filter((w) => w.socket.connected).length,
      disconnects: walls.filter((w) => !w.socket.connected).length,
      wallErrors: walls.reduce((n, w) => n + w.errors.length, 0),
    };
    console.log('target (issue 9): wallHeapRatio ≤ 1.10; nothing grows without bound but the dedupe index');
    console.log(JSON.stringify(result));
  } finally {
    inspector?.close();
    for (const w of walls) w.socket.disconnect();
    await chrome.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
