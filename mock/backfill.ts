// The backfill: history over the last N days, sent as fast as the server takes it (or capped
// with rateLimit), a few batches in flight. Exported for the server's demo mode.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestEvent } from '../server/contract/events.ts';
import { activityPerDay } from './population.ts';
import { DAY_MS } from './rhythm.ts';
import { simulation, type SimulationOptions } from './setup.ts';
import { eventStream, type StreamOptions } from './stream.ts';
import { emptyStats, postBatch, STDERR_LOG, type SendOptions, type SendStats } from './transport.ts';

/** Activity events per day of history; meetings, transfers and check-ins come on top. */
export const DEFAULT_BACKFILL_PER_DAY = 8000;
export const DEFAULT_BACKFILL_BATCH = 5000;
/** Meetings, transfers and check-ins reach this far back, inside the server's 35-day retention, so that 失联 and overdue show. */
export const HISTORY_DAYS = 34;

export interface BackfillProgress {
  total: number;
  stats: SendStats;
}

export interface BackfillOptions extends SendOptions, SimulationOptions {
  days?: number;
  /** meetings, transfers and check-ins from this many days back (default 34, at least `days`) */
  historyDays?: number;
  /** activity events per day (default 8,000); the realistic volume is ~1.8 per member and day */
  perDay?: number;
  /** at most this many events per second */
  rateLimit?: number;
  batchSize?: number;
  /** batches in flight (default 2) */
  concurrency?: number;
  now?: () => number;
  onProgress?: (p: BackfillProgress) => void;
}

function* batches(events: Iterable<IngestEvent>, size: number): Generator<IngestEvent[]> {
  let batch: IngestEvent[] = [];
  for (const ev of events) {
    batch.push(ev);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export async function runBackfill(opts: BackfillOptions): Promise<SendStats> {
  const log = opts.log ?? STDERR_LOG;
  const days = opts.days ?? 30;
  if (!(days > 0 && days <= HISTORY_DAYS)) throw new Error(`--days must be within 1…${HISTORY_DAYS} (the server keeps 35 days)`);
  const { pop } = simulation(opts);
  const end = (opts.now ?? Date.now)();
  const streamOpts: StreamOptions = {
    pop,
    startMs: end - days * DAY_MS,
    historyStartMs: end - Math.max(days, opts.historyDays ?? HISTORY_DAYS) * DAY_MS,
    endMs: end,
    scale: (opts.perDay ?? DEFAULT_BACKFILL_PER_DAY) / activityPerDay(pop),
  };
  // The generator is cheap and pure: count first, so that progress has a true total.
  let total = 0;
  for (const _ of eventStream(streamOpts)) total++;
  log.info(`backfill: ${total} events over ${days} days for ${pop.members} members to ${opts.url}`);
  const stats = emptyStats();
  const inFlight = new Set<Promise<unknown>>();
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const started = performance.now();
  let failure: unknown;
  opts.onProgress?.({ total, stats });
  for (const batch of batches(eventStream(streamOpts), opts.batchSize ?? DEFAULT_BACKFILL_BATCH)) {
    if (failure) break;
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) break;
    if (opts.rateLimit) {
      const ahead = (stats.sent + batch.length) / opts.rateLimit - (performance.now() - started) / 1000;
      if (ahead > 0) await sleep(ahead * 1000, undefined, { signal: opts.signal });
    }
    const p = postBatch(batch, { ...opts, log }, stats).then(
      () => opts.onProgress?.({ total, stats }),
      (err: unknown) => {
        failure ??= err;
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  log.info(`backfill done: ${stats.sent} sent, ${stats.accepted} accepted, ${stats.duplicates} duplicates, ${stats.rejected} rejected, ${stats.retries} retries`);
  return stats;
}
