// npm run bench:alerts -- [--backfill-days 30] [--ticks 40] [--store memory|redis]
// The cost of one alert evaluation for all of 西安 (the city, its 13 counties and their townships,
// the rules as shipped): the demo's roster and history are loaded into the app in this process,
// then `alerts.tick()` runs once per simulated interval. Prints the time to read the inputs
// (snapshots, activity), to step the lifecycle and store it, the instances kept and the store's
// bytes per instance; the last line is one JSON object.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { runBackfill } from '../../mock/backfill.ts';
import { simulation } from '../../mock/setup.ts';
import app, { serverOptions } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { gatherEvaluations } from '../../server/plugins/alerts/inputs.ts';
import { ZonedClock } from '../../server/aggregate/period.ts';
import { arg, percentile, round } from './lib/stats.ts';

const backfillDays = Number(arg('backfill-days', '30'));
const ticks = Number(arg('ticks', '40'));
const storeKind = arg('store', 'memory');
const CITY = '610100';
const TOKEN = 'bench-ingest-token-0123456789';
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const dir = await mkdtemp(join(tmpdir(), 'zhdj-bench-alerts-'));
const prefix = `bench-alerts-${process.pid}`;
const config = testConfig({
  DATA_DIR: dir,
  INGEST_TOKENS: `${TOKEN}:org-platform`,
  RETENTION_DAYS: String(backfillDays + 5),
  ...(storeKind === 'redis'
    ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9', REDIS_PREFIX: prefix }
    : {}),
});
let t = Date.now();
const fastify = Fastify({ ...serverOptions(config), logger: false });
await fastify.register(app, { config, screenDir: join(dir, 'none'), alerts: { now: () => t, manual: true } });
await fastify.listen({ port: 0, host: '127.0.0.1' });
const addr = fastify.server.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
try {
  const { roster } = simulation({ region: CITY });
  await fastify.store.putRoster(roster);
  log(`roster: ${roster.length} orgs; backfilling ${backfillDays} days…`);
  const end = t;
  const sent = await runBackfill({
    url,
    region: CITY,
    token: TOKEN,
    days: backfillDays,
    historyStartMs: end - backfillDays * 86_400_000,
    retentionDays: backfillDays + 5,
    now: () => end,
    log: { info: () => undefined, warn: log },
  });
  log(`backfill: ${sent.accepted} events`);

  const interval = config.ALERT_EVAL_INTERVAL_MS;
  const read: number[] = [];
  const total: number[] = [];
  let units = 0;
  for (let i = 0; i < ticks; i++) {
    t += interval;
    const r0 = performance.now();
    const evaluations = await gatherEvaluations(
      {
        rules: fastify.alerts.rules,
        top: CITY,
        sources: ['org-platform'],
        snapshots: (regions, nowMs) => fastify.views.snapshots(regions, nowMs),
        // the activity's reads are the store's (one hash, a few hashes): not part of this figure
        activity: {
          sources: async () => ({ sources: {}, watchingSince: t }),
          study: async () => new Map(),
          add: async () => undefined,
          close: async () => undefined,
        },
        clock: new ZonedClock(config.TIME_ZONE),
        timeZone: config.TIME_ZONE,
      },
      t,
    );
    read.push(performance.now() - r0);
    units = evaluations.reduce((n, e) => n + e.samples.length, 0);
    t += 1;
    const t0 = performance.now();
    if (!(await fastify.alerts.tick())) throw new Error('the tick did not evaluate');
    total.push(performance.now() - t0);
  }
  const alerts = fastify.alerts.list();
  const bytes = Buffer.byteLength(JSON.stringify(alerts));
  // what the store keeps: the state document (files engine: DATA_DIR/alerts/state.json)
  const stored = storeKind === 'memory' ? (await stat(join(dir, 'alerts', 'state.json'))).size : null;
  const p = (xs: number[], q: number) =>
    round(
      percentile(
        [...xs].sort((a, b) => a - b),
        q,
      ),
      2,
    );
  const result = {
    store: storeKind,
    regions: 1 + 13,
    samples: units,
    instances: alerts.length,
    firing: alerts.filter((a) => a.state === 'firing').length,
    inputsMsP50: p(read, 50),
    tickMsP50: p(total, 50),
    tickMsP95: p(total, 95),
    apiBytesPerInstance: alerts.length ? Math.round(bytes / alerts.length) : 0,
    storedBytesPerInstance: stored !== null && alerts.length ? Math.round(stored / alerts.length) : null,
  };
  log(
    `one evaluation of 西安: inputs p50 ${result.inputsMsP50} ms, whole tick (inputs + lifecycle + store) ` +
      `p50 ${result.tickMsP50} / p95 ${result.tickMsP95} ms; ${result.samples} samples, ${result.instances} instances ` +
      `(${result.firing} firing)`,
  );
  console.log(JSON.stringify(result));
} finally {
  await fastify.close();
  await rm(dir, { recursive: true, force: true });
}
