// `npm start`: the server with the configured store, the default roster, 30 days of history
// and the simulator feeding live events, all in one process. Prints the wall URL.
import { pathToFileURL } from 'node:url';
import { runBackfill } from '../mock/backfill.ts';
import { DEFAULT_LIVE_RATE, runLive } from '../mock/live.ts';
import { DEFAULT_REGION, simulation } from '../mock/setup.ts';
import type { MockLog } from '../mock/transport.ts';
import { closeGracefully, configOrExit, startServer, type Started } from './server.ts';

const BACKFILL_DAYS = 30;

export interface DemoOptions {
  region?: string;
  rate?: number;
  backfillDays?: number;
}

/** Loads the roster and history when the store has none, then runs the simulator until the
 * signal aborts. Live events start at once, alongside the backfill, so the wall moves from
 * the first second. */
export async function runDemo(started: Started, signal: AbortSignal, opts: DemoOptions = {}): Promise<void> {
  const { fastify, url, config } = started;
  const region = opts.region ?? DEFAULT_REGION;
  const log: MockLog = { info: (m) => fastify.log.info(m), warn: (m) => fastify.log.warn(m) };
  const token = config.ingestTokens[0];
  const common = { url, region, signal, log, ...(token ? { token } : {}) };
  const { store } = fastify;

  if ((await store.getRoster()).length === 0) {
    const { roster } = simulation({ region });
    await store.putRoster(roster);
    fastify.log.info({ orgs: roster.length, region }, 'demo: default roster loaded');
  }
  const backfill = (await store.isEmpty())
    ? runBackfill({ ...common, days: opts.backfillDays ?? BACKFILL_DAYS }).then((s) =>
        fastify.log.info({ accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected }, 'demo: backfill done'),
      )
    : Promise.resolve(fastify.log.info('demo: store has history, no backfill'));
  const live = runLive({ ...common, rate: opts.rate ?? DEFAULT_LIVE_RATE });
  await Promise.all([backfill, live]).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}

async function main(): Promise<void> {
  const config = configOrExit();
  const started = await startServer(config);
  const abort = new AbortController();
  closeGracefully(started.fastify, async () => abort.abort());
  const wall = `${started.url}/`;
  process.stdout.write(`\n  智慧党建指挥大屏 demo\n  wall:     ${wall}\n  snapshot: ${started.url}/api/v1/snapshot?region=${DEFAULT_REGION}\n  API docs: ${started.url}/docs\n\n`);
  await runDemo(started, abort.signal);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
