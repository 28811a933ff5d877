// npm run bench:overload -- [--rate REQ_PER_S] [--factor 3] [--seconds 30] [--batch 2000]
//   [--rss-cap BYTES] [--no-admission]   (PRESSURE_*, BODY_*, RATE_LIMIT_* in the environment reach the server)
// Ingest past what the server can take, on the memory engine. The server runs as a child process
// (server/server.ts, as `npm run server`), the load in another (lib/overload-sender.ts), so that
// neither delays this process's probes. First the sustainable rate is measured (8 senders back
// to back, 10 s) unless --rate gives it; then batches are offered open-loop at --factor times
// that rate for --seconds, while /healthz is probed every 400 ms (10 s timeout, as the issue
// counted) and the server's RSS is read from /proc every 200 ms. --no-admission sets the limits
// out of reach (the "before" figures). Prints a summary and, as the last line, one JSON object.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/config.ts';
import { buildBatches } from './lib/batches.ts';
import type { SenderResult } from './lib/overload-sender.ts';
import { startServerChild } from './lib/server.ts';
import { arg, flag, metric, percentile, round } from './lib/stats.ts';

const factor = Number(arg('factor', '3'));
const seconds = Number(arg('seconds', '30'));
const batch = Number(arg('batch', '2000'));
const givenRate = arg('rate', '');
const rssCap = Number(arg('rss-cap', String(1024 * 1024 * 1024)));
const admission = !flag('no-admission');
const SUSTAIN_S = 10;
const PROBE_EVERY_MS = 400;
const PROBE_TIMEOUT_MS = 10_000;
const SENDER = fileURLToPath(new URL('./lib/overload-sender.ts', import.meta.url));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const TOKEN = 'bench-overload-token';
/** a variable's default in the product's configuration */
const testDefault = (name: 'PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT'): number => loadConfig({})[name];
const env: Record<string, string> = {
  INGEST_TOKENS: TOKEN,
  SCREEN_TOKENS: 'bench-wall:610100',
  // the per-token limit would answer most of one sender's overload with 429: off, so that the
  // overload protections are what is measured
  RATE_LIMIT_INGEST_PER_MIN: '0',
  ...(admission
    ? {
        PRESSURE_MAX_RSS_BYTES: String(rssCap),
        // the product's default (the benches' server helper turns the gate off)
        PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: String(testDefault('PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT')),
      }
    : {
        PRESSURE_MAX_EVENT_LOOP_UTILIZATION_PCT: '0',
        PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
        PRESSURE_MAX_HEAP_BYTES: String(2 ** 40),
        BODY_BUDGET_BYTES: String(2 ** 40),
      }),
  // the admission variables of this environment win (to try other limits)
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => /^(PRESSURE_|BODY_|RATE_LIMIT_)/.test(e[0]) && e[1] !== undefined,
    ),
  ),
};

/** Runs the load in its own process; resolves with its answers. */
async function send(url: string, mode: 'closed' | 'open', rate: number, s: number): Promise<SenderResult> {
  const child = fork(SENDER, [url, TOKEN, String(batch), mode, String(rate), String(s)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: SenderResult) => resolve(m));
    child.once('exit', (code) => code !== 0 && reject(new Error(`sender exited with ${code}`)));
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

const pct = (values: number[], p: number): number =>
  round(
    percentile(
      [...values].sort((x, y) => x - y),
      p,
    ),
  );

async function main(): Promise<void> {
  const { roster, templates } = buildBatches({ count: 1, size: batch });
  const server = await startServerChild(env, 'overload server');
  try {
    const put = await fetch(`${server.url}/api/v1/roster`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(roster),
    });
    if (!put.ok) throw new Error(`roster: ${put.status}`);
    log(`batch body ${round(Buffer.byteLength(templates[0]!.parts.join('x')) / 1024)} KiB`);
    const rate = givenRate
      ? Number(givenRate)
      : (await send(server.url, 'closed', 0, SUSTAIN_S)).answers.filter(([status]) => status === 200).length /
        SUSTAIN_S;
    const offered = rate * factor;
    log(`sustainable ${round(rate)} req/s (${round(rate * batch)} events/s); offering ${factor}× for ${seconds} s`);

    let maxRss = rssOf(server.pid);
    const rssTimer = setInterval(() => (maxRss = Math.max(maxRss, rssOf(server.pid))), 200);
    const probes: (number | null)[] = [];
    const probing: Promise<void>[] = [];
    const probeTimer = setInterval(() => {
      const t0 = performance.now();
      const i = probes.push(null) - 1;
      probing.push(
        fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
          async (r) => {
            await r.text();
            if (r.ok) probes[i] = performance.now() - t0;
          },
          () => undefined,
        ),
      );
    }, PROBE_EVERY_MS);
    const sending = send(server.url, 'open', offered, seconds);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(probeTimer);
    const { answers, sent, notSent } = await sending;
    await Promise.all(probing);
    clearInterval(rssTimer);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();

    const ms = (status: number) => answers.filter(([s]) => s === status).map(([, m]) => m);
    const count = (status: number) => answers.filter(([s]) => s === status).length;
    const answered = probes.filter((p): p is number => p !== null);
    const refused = (reason: string) => metric(metrics, 'zhdj_http_refused_total', `{reason="${reason}"}`) || 0;
    const result = {
      bench: 'overload',
      admission,
      engine: 'memory',
      batchEvents: batch,
      sustainableReqPerS: round(rate),
      offeredReqPerS: round(offered),
      seconds,
      requests: sent,
      ok: count(200),
      unavailable503: count(503),
      tooMany429: count(429),
      other: answers.filter(([s]) => ![200, 503, 429, 0].includes(s)).length,
      failed: count(0),
      notSent,
      p50OkMs: pct(ms(200), 50),
      p99OkMs: pct(ms(200), 99),
      p50_503Ms: pct(ms(503), 50),
      p99_503Ms: pct(ms(503), 99),
      refusedBy: {
        eventLoopDelay: refused('eventLoopDelay'),
        heapUsedBytes: refused('heapUsedBytes'),
        rssBytes: refused('rssBytes'),
        bodyBudget: refused('body_budget'),
      },
      healthz: {
        probes: probes.length,
        answered: answered.length,
        p50Ms: pct(answered, 50),
        p99Ms: pct(answered, 99),
      },
      maxRssBytes: maxRss,
      rssCapBytes: admission ? rssCap : null,
      rssUnderCap: admission ? maxRss <= rssCap : null,
    };
    log(
      `200: ${result.ok} (p99 ${result.p99OkMs} ms), 503: ${result.unavailable503} (p99 ${result.p99_503Ms} ms), ` +
        `429: ${result.tooMany429}, failed: ${result.failed}; /healthz ${answered.length}/${probes.length} ` +
        `(p99 ${result.healthz.p99Ms} ms); max RSS ${round(maxRss / 2 ** 20)} MiB` +
        (admission ? ` (cap ${round(rssCap / 2 ** 20)} MiB)` : ''),
    );
    console.log(JSON.stringify(result));
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
