// `npm start`: the server with the configured store, the default roster, history and the
// simulator feeding live events, all in one process. Prints the wall URL.
//
// History and live run at one scale, the realistic volume (DEMO_SCALE), and meet at one instant:
// the backfill ends where the live stream starts. History reaches back to the start of the
// quarter (三会一课 counts the quarter's 党员大会 and 党课); when RETENTION_DAYS is not set, the
// demo raises the retention so that the server accepts it.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_BACKFILL_DAYS, DEFAULT_RETENTION_DAYS, HISTORY_DAYS, runBackfill } from '../mock/backfill.ts';
import { runLive } from '../mock/live.ts';
import { buildRoster } from '../mock/roster.ts';
import { SIMULATED_MEMBERS_MAX } from '../mock/stream.ts';
import { dayStartMs, DAY_MS, localDate, localDay, quarterStartDay } from '../mock/rhythm.ts';
import { DEFAULT_REGION, DEFAULT_SCALE } from '../mock/setup.ts';
import type { MockLog } from '../mock/transport.ts';
import { ensureAreaData } from './area.ts';
import type { SimulatorJob, SimulatorMessage } from './demo-simulator.ts';
import { isLoopback, type Config } from './config.ts';
import { cliOptions, closeGracefully, configOrExit, startServer, type LoggerOptions, type Started } from './server.ts';

/** The activity scale of both history and live events: the realistic volume. */
export const DEMO_SCALE = DEFAULT_SCALE;
/** Above this many members the demo's activity scale falls in proportion (陕西 0.48, the country 0.02), so
 * that a big area's backfill stays near 西安's (~2 M events) instead of hours of history. */
export const DEMO_FULL_SCALE_MEMBERS = 500_000;

/** The demo's activity scale for an area of `members`. */
export function demoScale(members: number): number {
  return members > DEMO_FULL_SCALE_MEMBERS ? (DEMO_SCALE * DEMO_FULL_SCALE_MEMBERS) / members : DEMO_SCALE;
}

export interface DemoOptions {
  region?: string;
  /** activity scale of history and live (default DEMO_SCALE) */
  scale?: number;
  /** calendar days of activity history (default 30, or the month so far if longer) */
  backfillDays?: number;
  /** the clock, for tests */
  now?: () => number;
}

/** Start of the calendar quarter (Asia/Shanghai) that `nowMs` lies in. */
export function quarterStartMs(nowMs: number): number {
  return dayStartMs(quarterStartDay(localDay(nowMs)));
}

/** The retention the demo's history needs: the quarter so far and a day's margin, at least `base`. */
export function demoRetentionDays(nowMs: number, base = DEFAULT_RETENTION_DAYS): number {
  return Math.max(base, Math.ceil((nowMs - quarterStartMs(nowMs)) / DAY_MS) + 2);
}

/**
 * The configuration with the retention raised for the quarter's history, unless the environment sets
 * RETENTION_DAYS.
 */
export function demoConfig(config: Config, env: NodeJS.ProcessEnv, nowMs: number): Config {
  if (env.RETENTION_DAYS !== undefined && env.RETENTION_DAYS !== '') return config;
  const days = demoRetentionDays(nowMs, config.RETENTION_DAYS);
  return days === config.RETENTION_DAYS ? config : { ...config, RETENTION_DAYS: days };
}

/** The demo's operator (issue 10): with no OPERATOR_TOKENS on a loopback HOST, one operator of the
 * city with a token made at each start (printed with the console's address), so that the console
 * works out of the box and no fixed token ships in the code. */
export const DEMO_OPERATOR = { name: '演示值班员', region: DEFAULT_REGION } as const;
/** the demo's operator for the configured area (AREA) */
const demoOperator = (config: Config): { name: string; region: string } => ({ ...DEMO_OPERATOR, region: config.AREA });

export function withDemoOperator(config: Config, env: NodeJS.ProcessEnv): { config: Config; token: string | null } {
  if ((env.OPERATOR_TOKENS ?? '') !== '' || config.operators.size > 0) return { config, token: null };
  if (!isLoopback(config.HOST)) return { config, token: null };
  const token = `demo-${randomBytes(12).toString('hex')}`;
  return { config: { ...config, operators: new Map([[token, demoOperator(config)]]) }, token };
}

/**
 * What the backfill covers, ending at `end`: activity over the wall's 30 days (and the whole
 * month), meetings, transfers and check-ins from the quarter's start (and at least 34 days, for
 * 失联 and overdue) — each inside the server's retention, a day to spare.
 */
export function demoHistory(
  end: number,
  retentionDays: number,
  backfillDays?: number,
): { days: number; historyStartMs: number } {
  const inside = retentionDays - 2;
  const days = Math.max(
    1,
    Math.min(backfillDays ?? Math.max(DEFAULT_BACKFILL_DAYS, localDate(localDay(end)).date), inside),
  );
  const wanted = Math.min(quarterStartMs(end), end - HISTORY_DAYS * DAY_MS);
  return { days, historyStartMs: Math.max(wanted, end - (retentionDays - 1) * DAY_MS) };
}

/** Loads the roster and history when the store has none, then runs the simulator until the
 * signal aborts. Live events start at once, alongside the backfill, so the wall moves from
 * the first second; the backfill ends where they start. */
export async function runDemo(started: Started, signal: AbortSignal, opts: DemoOptions = {}): Promise<void> {
  const { fastify, url, config } = started;
  const region = opts.region ?? config.AREA;
  const log: MockLog = { info: (m) => fastify.log.info(m), warn: (m) => fastify.log.warn(m) };
  const token = config.ingestTokens[0];
  let common = { url, region, signal, log, scale: opts.scale ?? DEMO_SCALE, ...(token ? { token } : {}) };
  const { store } = fastify;
  // a Redis down at start: the server listens (not ready); the demo waits for the store to open
  if (store.isOpen === false) {
    fastify.log.warn('demo: waiting for the store (Redis) to answer');
    await Promise.race([store.opened, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
    if (signal.aborted) return;
  }

  let roster = await store.getRoster();
  if (roster.length === 0) {
    roster = buildRoster(region);
    await store.putRoster(roster);
    fastify.log.info({ orgs: roster.length, region }, 'demo: default roster loaded');
  }
  const members = roster.reduce((sum, o) => sum + o.members, 0);
  if (opts.scale === undefined && demoScale(members) !== common.scale) {
    common = { ...common, scale: demoScale(members) };
    fastify.log.info(`demo: ${members} members in ${region}: activity at scale ${common.scale.toFixed(3)}`);
  }
  if (members > SIMULATED_MEMBERS_MAX) {
    fastify.log.warn(
      `demo: ${members} members in ${region}, more than the simulator's 党费 and 发展党员 models hold ` +
        `(${SIMULATED_MEMBERS_MAX}): those panels stay empty; every other stream runs`,
    );
  }
  const seam = (opts.now ?? Date.now)();
  if (!opts.now && members > DEMO_FULL_SCALE_MEMBERS) {
    const history = (await store.isEmpty()) ? demoHistory(seam, config.RETENTION_DAYS, opts.backfillDays) : null;
    if (!history) fastify.log.info('demo: store has history, no backfill');
    await simulateInWorker(fastify, signal, {
      url,
      region,
      scale: common.scale,
      ...(token ? { token } : {}),
      seam,
      backfill: history ? { ...history, retentionDays: config.RETENTION_DAYS } : null,
    });
    return;
  }
  let backfill: Promise<void>;
  if (await store.isEmpty()) {
    const history = demoHistory(seam, config.RETENTION_DAYS, opts.backfillDays);
    const t0 = performance.now();
    backfill = runBackfill({ ...common, ...history, retentionDays: config.RETENTION_DAYS, now: () => seam }).then((s) =>
      fastify.log.info(
        {
          accepted: s.accepted,
          duplicates: s.duplicates,
          rejected: s.rejected,
          seconds: Math.round((performance.now() - t0) / 100) / 10,
        },
        'demo: backfill done',
      ),
    );
  } else backfill = Promise.resolve(fastify.log.info('demo: store has history, no backfill'));
  // the alert rules judge the history at once, not an evaluation interval later
  backfill = backfill.then(async () => {
    if (!signal.aborted) await fastify.alerts.tick();
  });
  const live = runLive({ ...common, startMs: seam, ...(opts.now ? { now: opts.now } : {}) });
  await Promise.all([backfill, live]).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}

/** A big area's simulator runs in a worker thread (server/demo-simulator.ts): its generation's long
 * synchronous steps would otherwise hold the server's event loop for seconds to minutes. */
async function simulateInWorker(fastify: Started['fastify'], signal: AbortSignal, job: SimulatorJob): Promise<void> {
  // a worker does not inherit the --import tsx hooks: it registers them, then loads the TypeScript
  const entry = new URL('./demo-simulator.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(entry)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: job });
  signal.addEventListener('abort', () => worker.postMessage('abort'), { once: true });
  fastify.log.info(`demo: the simulator for ${job.region} runs in a worker thread`);
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: SimulatorMessage) => {
      if ('log' in m) fastify.log[m.log](m.msg);
      else if ('backfillDone' in m) {
        fastify.log.info(m.backfillDone, 'demo: backfill done');
        // the alert rules judge the history at once, not an evaluation interval later
        if (!signal.aborted) fastify.alerts.tick().catch((err: unknown) => fastify.log.warn({ err }, 'alert tick'));
      } else if (!signal.aborted) reject(new Error(m.error));
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve());
  });
}

/** The demo's log is for a person at a terminal: pino-pretty (one coloured line per entry,
 * local time, no pid/hostname). `npm run server` keeps JSON lines for machines. */
export function demoLogger(colorize = process.stdout.isTTY): LoggerOptions {
  return {
    transport: {
      target: 'pino-pretty',
      options: { colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
    },
  };
}

async function main(): Promise<void> {
  const base = configOrExit();
  await ensureAreaData(base.AREA, base.GEO_DIR);
  const demo = withDemoOperator(demoConfig(base, process.env, Date.now()), process.env);
  const { config } = demo;
  const started = await startServer(config, cliOptions(), demoLogger());
  if (config.RETENTION_DAYS !== base.RETENTION_DAYS) {
    started.fastify.log.info(
      `demo: RETENTION_DAYS ${config.RETENTION_DAYS} (not set) so that the quarter's meetings are kept for 三会一课; ` +
        'set it to override',
    );
  }
  const abort = new AbortController();
  closeGracefully(started.fastify, async () => abort.abort());
  const wall = `${started.url}/`;
  process.stdout.write(
    `\n  智慧党建指挥大屏 demo\n  wall:     ${wall}\n` +
      (demo.token ? `  console:  ${started.url}/console?token=${demo.token}\n` : '') +
      `  snapshot: ${started.url}/api/v1/snapshot?region=${config.AREA}\n  API docs: ${started.url}/docs\n\n`,
  );
  await runDemo(started, abort.signal);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
