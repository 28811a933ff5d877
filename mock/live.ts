// The live loop: events with current timestamps, posted every INTERVAL as they fall due.
// Exported for the server's demo mode, which runs it in-process with an AbortSignal.
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BATCH_EVENTS, type IngestEvent } from '../server/contract/events.ts';
import { scaleForRate, simulation, type SimulationOptions } from './setup.ts';
import { eventStream, tsOf } from './stream.ts';
import { emptyStats, postBatch, STDERR_LOG, type SendOptions, type SendStats } from './transport.ts';

export const LIVE_INTERVAL_MS = 250;
/** Average events per second over a day (the rhythm makes nights quieter and peaks busier). */
export const DEFAULT_LIVE_RATE = 50;

export interface LiveOptions extends SendOptions, SimulationOptions {
  /** average events per second (default 50) */
  rate?: number;
  intervalMs?: number;
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
  const scale = scaleForRate(pop, opts.rate ?? DEFAULT_LIVE_RATE);
  const stream = eventStream({ pop, startMs: now(), scale });
  const stats = emptyStats();
  const interval = opts.intervalMs ?? LIVE_INTERVAL_MS;
  let pending: IngestEvent | undefined;
  let unacknowledged = 0;
  const branches = pop.branches.filter((b) => b.kind === 'branch').length;
  log.info(`live: ${pop.members} members in ${branches} branches, ~${opts.rate ?? DEFAULT_LIVE_RATE} events/s on average to ${opts.url}`);
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
  log.info(`live stopped: ${stats.sent} sent, ${stats.accepted} accepted, ${stats.duplicates} duplicates, ${stats.rejected} rejected${dropped}`);
  return stats;
}
