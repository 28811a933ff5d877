// Transport only: POST one batch to the ingest endpoint until the server takes it. Retries 503
// and 429 (honouring Retry-After), other 5xx and network errors with exponential backoff; any
// other 4xx is fatal. A batch is never dropped silently: it is either acknowledged or an error
// is thrown.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestEvent, IngestResponse, Rejection } from '../server/contract/events.ts';

export const INGEST_PATH = '/api/v1/events';
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 15_000;
const RETRY_AFTER_MAX_MS = 120_000;
const WARN_BATCHES_MAX = 5;

export interface MockLog {
  info(msg: string): void;
  warn(msg: string): void;
}
export const STDERR_LOG: MockLog = {
  info: (msg) => process.stderr.write(`${msg}\n`),
  warn: (msg) => process.stderr.write(`warning: ${msg}\n`),
};

export interface SendOptions {
  /** server base (http://127.0.0.1:8080) or the full ingest URL */
  url: string;
  token?: string;
  signal?: AbortSignal;
  log?: MockLog;
}

export class IngestRefused extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(
      `ingest refused the batch with HTTP ${status}${status === 401 ? ' (bad or missing --token)' : ''}: ` +
        `${body.slice(0, 300)}`,
    );
    this.name = 'IngestRefused';
  }
}

/** Totals over a run. */
export interface SendStats {
  batches: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  /** the first rejections seen, for the report */
  firstRejections: Rejection[];
}
export const emptyStats = (): SendStats => ({
  batches: 0,
  sent: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  retries: 0,
  firstRejections: [],
});

export function ingestUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith(INGEST_PATH) ? base : base + INGEST_PATH;
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - nowMs;
  return Number.isFinite(ms) ? Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms)) : undefined;
}

function backoffMs(attempt: number): number {
  const ms = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return ms * (0.8 + 0.4 * Math.random());
}

/** Posts one batch until acknowledged; adds the outcome to `stats`. */
export async function postBatch(
  events: readonly IngestEvent[],
  opts: SendOptions,
  stats: SendStats,
): Promise<IngestResponse> {
  const endpoint = ingestUrl(opts.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = JSON.stringify(events);
  for (let attempt = 0; ; attempt++) {
    opts.signal?.throwIfAborted();
    let wait: number;
    try {
      const res = await fetch(endpoint, { method: 'POST', headers, body, signal: opts.signal });
      if (res.ok) {
        const out = (await res.json()) as IngestResponse;
        record(out, events.length, stats, opts.log);
        return out;
      }
      const text = await res.text();
      if (res.status !== 503 && res.status !== 429 && res.status < 500) throw new IngestRefused(res.status, text);
      wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
      opts.log?.warn(`ingest answered ${res.status}; retrying batch of ${events.length} in ${Math.round(wait)} ms`);
    } catch (err) {
      if (err instanceof IngestRefused || opts.signal?.aborted) throw err;
      wait = backoffMs(attempt);
      opts.log?.warn(
        `ingest unreachable (${(err as Error).cause ?? (err as Error).message}); retrying in ${Math.round(wait)} ms`,
      );
    }
    stats.retries++;
    await sleep(wait, undefined, { signal: opts.signal });
  }
}

function record(out: IngestResponse, sent: number, stats: SendStats, log: MockLog | undefined): void {
  stats.batches++;
  stats.sent += sent;
  stats.accepted += out.accepted;
  stats.duplicates += out.duplicates;
  const rejected = out.rejected ?? [];
  if (rejected.length === 0) return;
  const firstBatchWithRejections = stats.rejected === 0;
  stats.rejected += rejected.length;
  if (stats.firstRejections.length < 10)
    stats.firstRejections.push(...rejected.slice(0, 10 - stats.firstRejections.length));
  if (firstBatchWithRejections || stats.batches <= WARN_BATCHES_MAX) {
    const reasons = rejected
      .slice(0, 3)
      .map((r) => `${r.id ?? '?'}: ${r.reason} (${r.message})`)
      .join('; ');
    log?.warn(`server rejected ${rejected.length} of ${sent} events: ${reasons}`);
  }
}
