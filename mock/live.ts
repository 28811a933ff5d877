// The live loop: events with current timestamps, posted every INTERVAL as they fall due.
// Exported for the server's demo mode, which runs it in-process with an AbortSignal.
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BATCH_EVENTS, type IngestEvent } from '../server/contract/events.ts';
import { activityPerDay } from './population.ts';
import { DAY_MS } from './rhythm.ts';
import { DEFAULT_SCALE, scaleForRate, simulation, type SimulationOptions } from './setup.ts';
import { eventStream, tsOf } from './stream.ts';
import { emptyStats, postBatch, STDERR_LOG, type SendOptions, type SendStats } from './transport.ts';

export const LIVE_INTERVAL_MS = 250;

export interface LiveOptions extends SendOptions, SimulationOptions {
  /** multiplies the realistic activity volume (default 1, as `runBackfill`): keep both equal */
  scale?: number;
  /**
   * average activity events per second over a day, instead of `scale` (the rhythm makes nights quieter and
   * peaks busier)
   */
  rate?: number;
  /**
   * first event at this moment (default: the clock at the start); a backfill's end, so that nothing is missing
   * or sent twice
   */
  startMs?: number;
  intervalMs?: number;
  /**
   * send each open development case's current stage first, as an upstream connecting to a
   * server without history does (default: off; a backfill sends it)
   */
  snapshot?: boolean;
  /** clock, for tests */
  now?: () => number;
  /** after each acknowledged batch */
  onBatch?: (stats: SendStats) => void;
}

/** Runs until the signal aborts; resolves with the totals. A fatal 4xx rejects. */
export async function runLive(opts: LiveOptions): Promise<SendStats> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? STDERR_LOG;
  const { pop } = simulation(opts);
  const scale = opts.rate !== undefined ? scaleForRate(pop, opts.rate) : (opts.scale ?? DEFAULT_SCALE);
  const startMs = opts.startMs ?? now();
  const stream = eventStream({ pop, startMs, scale, ...(opts.snapshot ? { snapshotMs: startMs } : {}) });
  const stats = emptyStats();
  const interval = opts.intervalMs ?? LIVE_INTERVAL_MS;
  let pending: IngestEvent | undefined;
  let unacknowledged = 0;
  const branches = pop.branches.filter((b) => b.kind === 'branch').length;
  const perSecond = (scale * activityPerDay(pop)) / (DAY_MS / 1000);
  log.info(
    `live: ${pop.members} members in ${branches} branches, scale ${scale.toFixed(3)}: ` +
      `~${perSecond.toFixed(1)} events/s on average to ${opts.url}`,
  );
  try {
    while (!opts.signal?.aborted) {
      await sleep(interval, undefined, { signal: opts.signal });
      const due = now();
      const batch: IngestEvent[] = [];
      while (batch.length < MAX_BATCH_EVENTS) {
        const ev = pending ?? stream.next().value;
        pending = undefined;
        if (!ev) break;
        // Resends and late arrivals carry past timestamps and go out at once.
        if (tsOf(ev) > due) {
          pending = ev;
          break;
        }
        batch.push(ev);
      }
      if (batch.length > 0) {
        unacknowledged = batch.length;
        await postBatch(batch, { ...opts, log }, stats);
        unacknowledged = 0;
        opts.onBatch?.(stats);
      }
    }
  } catch (err) {
    if (!opts.signal?.aborted) throw err;
  }
  const dropped = unacknowledged > 0 ? `; stopped while ${unacknowledged} events were unacknowledged` : '';
  log.info(
    `live stopped: ${stats.sent} sent, ${stats.accepted} accepted, ` +
      `${stats.duplicates} duplicates, ${stats.rejected} rejected${dropped}`,
  );
  return stats;
}
