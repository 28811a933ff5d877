// The backfill: history over the last N days at the live loop's scale, thinned to what the
// wall can see (history.ts), sent as fast as the server takes it (or capped with rateLimit),
// a few batches in flight. Exported for the server's demo mode.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestEvent } from '../server/contract/events.ts';
import { HEARTBEAT_WINDOW_MS, thinHistory, type HistoryCut } from './history.ts';
import { activityPerDay, type Population } from './population.ts';
import { dayStartMs, DAY_MS, localDay, monthStartDay } from './rhythm.ts';
import { DEFAULT_SCALE, simulation, type SimulationOptions } from './setup.ts';
import { eventStream, type StreamOptions } from './stream.ts';
import { emptyStats, postBatch, STDERR_LOG, type SendOptions, type SendStats } from './transport.ts';

export const DEFAULT_BACKFILL_BATCH = 5000;
/** Calendar days of activity history, today included: the wall's 30-day series. */
export const DEFAULT_BACKFILL_DAYS = 30;
/**
 * Meetings, transfers and check-ins reach this far back by default, inside the server's default 35-day retention,
 * so that 失联 and overdue show.
 */
export const HISTORY_DAYS = 34;
/** The server's default RETENTION_DAYS. */
export const DEFAULT_RETENTION_DAYS = 35;
/** Calendar days with every study item, exam and point (today and yesterday: the hourly chart). */
export const DEFAULT_DETAIL_DAYS = 2;

export interface BackfillProgress {
  total: number;
  stats: SendStats;
}

/** The window and volume of a backfill. */
export interface BackfillWindow {
  /** calendar days of activity, today included (default 30): whole days from local midnight */
  days?: number;
  /** meetings, transfers, check-ins and development changes from this many days back (default 34) */
  historyDays?: number;
  /** …or from this moment (epoch ms), e.g. the start of the quarter; wins over historyDays */
  historyStartMs?: number;
  /** the server's RETENTION_DAYS (default 35): history must stay a day inside it */
  retentionDays?: number;
  /** multiplies the realistic activity volume (default 1, as `runLive`): keep both equal */
  scale?: number;
  /** activity events per day at full detail, instead of `scale` (the realistic volume is ~1.8 per member and day) */
  perDay?: number;
  /**
   * calendar days, today included, with every study item, exam and point (default 2); older days are thinned,
   * see history.ts
   */
  detailDays?: number;
}

export interface BackfillOptions extends SendOptions, SimulationOptions, BackfillWindow {
  /** at most this many events per second */
  rateLimit?: number;
  batchSize?: number;
  /** batches in flight (default 2) */
  concurrency?: number;
  /** the end of the history (default: the clock at the start); `runLive` should start there */
  now?: () => number;
  onProgress?: (p: BackfillProgress) => void;
}

export interface BackfillPlan {
  stream: StreamOptions;
  cut: HistoryCut;
}

/** The window, scale and thinning of a backfill ending at `end`. Throws on a window outside the retention. */
export function backfillPlan(pop: Population, end: number, opts: BackfillWindow = {}): BackfillPlan {
  const days = opts.days ?? DEFAULT_BACKFILL_DAYS;
  if (!(days >= 1 && Number.isInteger(days))) throw new Error(`--days must be a whole number ≥ 1, got ${days}`);
  const retention = opts.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const today = localDay(end);
  const earliest = end - (retention - 1) * DAY_MS;
  const startMs = dayStartMs(today - (days - 1));
  const historyStartMs = Math.min(opts.historyStartMs ?? end - (opts.historyDays ?? HISTORY_DAYS) * DAY_MS, startMs);
  if (historyStartMs < earliest) {
    const back = Math.ceil((end - historyStartMs) / DAY_MS);
    throw new Error(
      `history reaches ${back} days back: the server keeps ${retention} (RETENTION_DAYS); stay a day inside it`,
    );
  }
  const scale = opts.perDay !== undefined ? opts.perDay / activityPerDay(pop) : (opts.scale ?? DEFAULT_SCALE);
  const cut: HistoryCut = {
    detailFromMs: dayStartMs(today - ((opts.detailDays ?? DEFAULT_DETAIL_DAYS) - 1)),
    heartbeatsFromMs: end - HEARTBEAT_WINDOW_MS,
    pointsFromMs: dayStartMs(monthStartDay(today)),
  };
  // what the cut drops is not even generated (each type is its own stream)
  const typeStarts = {
    'member.active': cut.heartbeatsFromMs,
    'exam.submitted': cut.detailFromMs,
    'points.awarded': cut.pointsFromMs,
  };
  // 党费 of last month and this month in full (as far as the retention allows); the upstream
  // connects at the history's start: each open development case's current stage, then changes
  const duesStartMs = Math.max(dayStartMs(monthStartDay(monthStartDay(today) - 1)), earliest);
  const snapshotMs = historyStartMs;
  return { stream: { pop, startMs, historyStartMs, endMs: end, scale, typeStarts, duesStartMs, snapshotMs }, cut };
}

/** The events a backfill sends, in order: a pure function of (seed, scale, window). */
export function backfillEvents(plan: BackfillPlan): Generator<IngestEvent, void, undefined> {
  return thinHistory(eventStream(plan.stream), plan.cut);
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
  const { pop } = simulation(opts);
  const end = (opts.now ?? Date.now)();
  const plan = backfillPlan(pop, end, opts);
  // The generator is pure: count first when progress is shown, so that it has a true total
  // (that pass costs about a third of the run's CPU).
  let total = 0;
  if (opts.onProgress) for (const _ of backfillEvents(plan)) total++;
  const { startMs, historyStartMs = startMs, scale = DEFAULT_SCALE } = plan.stream;
  const span = (from: number) => ((end - from) / DAY_MS).toFixed(1);
  log.info(
    `backfill: ${total > 0 ? `${total} events` : 'history'} ` +
      `(activity ${span(startMs)} days at scale ${scale.toFixed(3)}, ` +
      `meetings/transfers/check-ins ${span(historyStartMs)} days) for ${pop.members} members to ${opts.url}`,
  );
  const stats = emptyStats();
  const inFlight = new Set<Promise<unknown>>();
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const started = performance.now();
  let failure: unknown;
  opts.onProgress?.({ total, stats });
  for (const batch of batches(backfillEvents(plan), opts.batchSize ?? DEFAULT_BACKFILL_BATCH)) {
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
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log.info(
    `backfill done in ${seconds} s: ${stats.sent} sent, ${stats.accepted} accepted, ` +
      `${stats.duplicates} duplicates, ${stats.rejected} rejected, ${stats.retries} retries`,
  );
  return stats;
}
