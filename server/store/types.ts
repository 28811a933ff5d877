// The store contract shared by MemoryStore (embedded, log-backed) and RedisStore.
// Both engines must behave identically; one contract test suite runs against both.
import type { NormalizedEvent, Org } from '../contract/index.ts';
import type { RollupInput } from '../aggregate/model.ts';

export interface StoreOptions {
  /** IANA zone for "today", "month", "quarter" (default Asia/Shanghai) */
  timeZone: string;
  retentionDays: number; // default 35
  overdueDays: number; // default 15
  outOfContactDays: number; // default 30
  onlineWindowMs: number; // default 5 min
  /** how long raw events are kept for replay (Redis Stream / memory log), default 24 h */
  replayHours: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** indexes (into the array passed to ingest) of the events that were duplicates */
  duplicateIndexes: number[];
}

/** Thrown when the store cannot take writes; the API answers 503 + Retry-After. */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterS = 2,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export interface StoreHealth {
  ok: boolean;
  engine: 'memory' | 'redis';
  /** e.g. "aof" / "rdb" / "none" for Redis, "log+snapshot" for memory */
  persistence: string;
  /** why it is not ok, in words safe for anyone to read (no paths, no addresses): /readyz shows
   * it to every caller, `detail` only to an operations caller */
  reason?: string;
  detail?: Record<string, unknown>;
}

export interface Store {
  readonly engine: 'memory' | 'redis';
  open(): Promise<void>;
  /** false while open() still has one-time work to do (RedisStore started while Redis was down:
   * every operation is refused until it answers); absent: open() did everything */
  readonly isOpen?: boolean;
  /** resolves once that work is done */
  readonly opened?: Promise<void>;
  close(): Promise<void>;
  health(): Promise<StoreHealth>;

  /** Replaces the organization tree; aggregates are kept, denominators recomputed. */
  putRoster(orgs: Org[]): Promise<void>;
  getRoster(): Promise<Org[]>;
  isKnownOrg(org: string): boolean; // synchronous: the roster is cached in process

  /**
   * Events already validated and normalized. Resolves only once every accepted event is
   * durable; duplicates (by id, within retention, first wins — also inside one batch) count
   * once. Throws StoreUnavailableError when nothing could be written. The store owns the
   * event objects passed in: it masks `name` in place (a raw name is never stored).
   */
  ingest(events: NormalizedEvent[], nowMs?: number): Promise<IngestResult>;

  /** true when no event was ever accepted (the demo backfills then) */
  isEmpty(): Promise<boolean>;

  /**
   * What the aggregates hold at `nowMs`, for the read side (server/aggregate/views.ts) to
   * build snapshots from: one read of the store (one version). Rejects when the store cannot
   * be read. The store builds no views.
   */
  rollupInput(nowMs: number): Promise<RollupInput>;

  /** Monotonic counter bumped by every accepted batch (any process, for Redis); lets the
   * push layer skip regions when nothing changed. */
  version(): Promise<number>;

  /** Bytes per remembered event id of the dedupe index (SPEC section 3), measured. */
  dedupeBytesPerId(): Promise<number>;

  /** The dedupe index held in this process's memory (the embedded store; RedisStore keeps it in
   * Redis and has none): what the soak bench subtracts from heap growth. */
  dedupeMemory?(): { ids: number; bytes: number };
}
