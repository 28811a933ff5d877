// The simulator CLI: npm run --silent mock -- <roster|events|live|backfill> [options].
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { GRANULARITIES, type Granularity } from './area.ts';
import { runBackfill } from './backfill.ts';
import { runLive } from './live.ts';
import { developmentFigures, duesFigures, structureFigures } from './figures.ts';
import { DAY_MS, localDate, localDay } from './rhythm.ts';
import { simulation } from './setup.ts';
import { eventStream } from './stream.ts';
import { eventsWindow } from './tail.ts';

const USAGE = `usage: npm run --silent mock -- <subcommand> [options]
  roster   --region 610100 [--roster-seed 1]                 the roster JSON array
  figures  --region 610100 [--seed 42] [--now ISO]           党费, 发展党员 and 党员结构 figures as JSON
  events   --region 610100 --seed 42 --count N [--start ISO [--history-days D] | --now ISO] [--scale X]
                                                             N events as NDJSON
  live     --url URL [--scale 1 | --rate EV_PER_S] [--snapshot] [--token T] [--region 610100] [--seed S]
  backfill --url URL [--days 30] [--scale 1 | --per-day N] [--history-days 34]
           [--retention-days 35] [--detail-days 2] [--rate-limit EV_PER_S] [--token T]
           [--region 610100] [--seed S] [--batch-size 5000] [--concurrency 2]
common: --region: the country 100000, a province, a prefecture-level unit or a county (default AREA, else 610100)
        --granularity village|township|county|city: how far down the roster goes (default: by the area's size)
        --roster-seed (default 1) must match the roster the server was given`;

const OPTIONS = {
  region: { type: 'string' },
  granularity: { type: 'string' },
  seed: { type: 'string' },
  'roster-seed': { type: 'string' },
  count: { type: 'string' },
  start: { type: 'string' },
  now: { type: 'string' },
  scale: { type: 'string' },
  'history-days': { type: 'string' },
  url: { type: 'string' },
  rate: { type: 'string' },
  token: { type: 'string' },
  days: { type: 'string' },
  'per-day': { type: 'string' },
  'rate-limit': { type: 'string' },
  'retention-days': { type: 'string' },
  'detail-days': { type: 'string' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  snapshot: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function num(values: Values, key: keyof Values, fallback?: number): number | undefined {
  const raw = values[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n) || n < 0)
    throw new Error(`--${key} must be a non-negative number, got ${String(raw)}`);
  return n;
}

function need(values: Values, key: 'url'): string {
  const v = values[key];
  if (!v) throw new Error(`--${key} is required`);
  return v;
}

function isoMs(values: Values, key: 'start' | 'now'): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new Error(`--${key} must be an ISO date-time, got ${raw}`);
  return ms;
}

function granularityOf(values: Values): Granularity | undefined {
  const g = values.granularity;
  if (g === undefined) return undefined;
  if (!(GRANULARITIES as readonly string[]).includes(g)) {
    throw new Error(`--granularity must be one of ${GRANULARITIES.join(', ')}, got ${g}`);
  }
  return g as Granularity;
}

async function writeEvents(values: Values): Promise<void> {
  const count = num(values, 'count');
  if (count === undefined || !Number.isInteger(count)) throw new Error('--count N is required');
  const sim = simulation({
    region: values.region,
    seed: values.seed,
    rosterSeed: values['roster-seed'],
    granularity: granularityOf(values),
  });
  let scale = num(values, 'scale') ?? 1;
  let startMs = isoMs(values, 'start');
  let historyStartMs: number | undefined;
  let endMs: number | undefined;
  let skip = 0;
  if (startMs !== undefined) {
    historyStartMs = startMs - (num(values, 'history-days') ?? 0) * DAY_MS;
  } else {
    // The latest N events before the start of the clock hour (tail.ts): none after now.
    if (values['history-days'] !== undefined) {
      throw new Error('--history-days needs --start: without it the N events are the latest before the hour');
    }
    const window = eventsWindow(sim.pop, count, isoMs(values, 'now') ?? Date.now(), num(values, 'scale'));
    ({ startMs, endMs, skip, scale } = window);
  }
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  let buf = '';
  let n = 0;
  if (count > 0) {
    for (const ev of eventStream({ pop: sim.pop, startMs, historyStartMs, endMs, scale })) {
      if (skip > 0) {
        skip--;
        continue;
      }
      buf += `${JSON.stringify(ev)}\n`;
      if (buf.length > 1 << 16) {
        if (!process.stdout.write(buf)) await once(process.stdout, 'drain');
        buf = '';
      }
      if (++n >= count) break;
    }
  }
  process.stdout.write(buf);
}

function abortOnSignals(): AbortController {
  const ctl = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ctl.abort());
  return ctl;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const common = {
    region: values.region,
    seed: values.seed,
    rosterSeed: values['roster-seed'],
    token: values.token,
    granularity: granularityOf(values),
  };
  switch (command) {
    case 'roster': {
      const { roster } = simulation(common);
      process.stdout.write(`[\n${roster.map((o) => JSON.stringify(o)).join(',\n')}\n]\n`);
      return;
    }
    case 'events':
      return writeEvents(values);
    case 'figures': {
      const { roster, pop } = simulation(common);
      const nowMs = isoMs(values, 'now') ?? Date.now();
      const today = localDay(nowMs);
      const out = {
        at: new Date(nowMs).toISOString(),
        dues: [duesFigures(pop, today - localDate(today).date), duesFigures(pop, today)],
        development: developmentFigures(pop, nowMs),
        structure: structureFigures(roster),
      };
      process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      return;
    }
    case 'live': {
      const ctl = abortOnSignals();
      const { scale, rate } = { scale: num(values, 'scale'), rate: num(values, 'rate') };
      const url = need(values, 'url');
      await runLive({ ...common, url, scale, rate, snapshot: values.snapshot, signal: ctl.signal });
      return;
    }
    case 'backfill': {
      const ctl = abortOnSignals();
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'backfill [{bar}] {percentage}% {value}/{total} events | {eta_formatted} left | rejected {rejected}',
        },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const quiet = { info: () => {}, warn: (msg: string) => process.stderr.write(`\nwarning: ${msg}\n`) };
      try {
        const stats = await runBackfill({
          ...common,
          url: need(values, 'url'),
          days: num(values, 'days'),
          scale: num(values, 'scale'),
          perDay: num(values, 'per-day'),
          historyDays: num(values, 'history-days'),
          retentionDays: num(values, 'retention-days'),
          detailDays: num(values, 'detail-days'),
          rateLimit: num(values, 'rate-limit'),
          batchSize: num(values, 'batch-size'),
          concurrency: num(values, 'concurrency'),
          signal: ctl.signal,
          log: quiet,
          onProgress: ({ total, stats: s }) => {
            if (!started) bar.start(total, 0, { rejected: 0 });
            started = true;
            bar.update(s.sent, { rejected: s.rejected });
          },
        });
        bar.stop();
        process.stderr.write(
          `backfill done: ${stats.sent} sent, ${stats.accepted} accepted, ` +
            `${stats.duplicates} duplicates, ${stats.rejected} rejected, ${stats.retries} retries\n`,
        );
      } finally {
        bar.stop();
      }
      return;
    }
    default:
      throw new Error(`unknown subcommand ${command}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`mock: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
