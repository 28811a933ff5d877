// The demo's simulator in a worker thread (server/demo.ts, for areas bigger than 西安's): its
// backfill and live streams post to the server over HTTP as from any other process, while the
// generation's long synchronous steps (a big area's population, a month's meetings) never hold
// the server's event loop. Messages: {log}, {backfillDone}, {error}; 'abort' stops it.
import { parentPort, workerData } from 'node:worker_threads';
import { runBackfill } from '../mock/backfill.ts';
import { runLive } from '../mock/live.ts';
import type { MockLog } from '../mock/transport.ts';

export interface SimulatorJob {
  url: string;
  region: string;
  scale: number;
  token?: string;
  seam: number;
  /** the backfill's window, or null when the store has history */
  backfill: { days: number; historyStartMs: number; retentionDays: number } | null;
}

export type SimulatorMessage =
  | { log: 'info' | 'warn'; msg: string }
  | { backfillDone: { accepted: number; duplicates: number; rejected: number } }
  | { error: string };

const port = parentPort!;
const job = workerData as SimulatorJob;
const abort = new AbortController();
port.on('message', (m) => {
  if (m === 'abort') abort.abort();
});
const post = (m: SimulatorMessage): void => port.postMessage(m);
const log: MockLog = { info: (msg) => post({ log: 'info', msg }), warn: (msg) => post({ log: 'warn', msg }) };
const common = {
  url: job.url,
  region: job.region,
  signal: abort.signal,
  log,
  scale: job.scale,
  ...(job.token ? { token: job.token } : {}),
};
const backfill = job.backfill
  ? runBackfill({ ...common, ...job.backfill, now: () => job.seam }).then((s) =>
      post({ backfillDone: { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected } }),
    )
  : Promise.resolve();
const live = runLive({ ...common, startMs: job.seam });
await Promise.all([backfill, live]).catch((err: unknown) => {
  if (!abort.signal.aborted) post({ error: err instanceof Error ? err.message : String(err) });
});
port.close();
