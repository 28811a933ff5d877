// The audit log's records (等保 2.0 security audit): who did what, from where, with what
// result. Append-only: a record is written once and never changed; whole days are removed
// past the retention. See server/README.md, "Audit log".

/** What a record is about. The operator and presenter actions of later issues add kinds. */
export type AuditKind = 'ingest' | 'roster' | 'refusal' | 'socket' | (string & {});

/** What a caller records (`audit.record`) or counts (`audit.count`). */
export interface AuditEntry {
  kind: AuditKind;
  /** the request (`POST /api/v1/events`) or socket action (`join /screen`) */
  action: string;
  /** the token's id (tokenId: 12 hex of its SHA-256), `anonymous` with auth off, `none` when no
   * token was presented; never the token itself */
  actor: string;
  /** remote address */
  address?: string;
  /** HTTP status answered */
  status?: number;
  /** `ok`, `invalid`, `unauthorized`, `forbidden`, `rate_limited`, `too_large`, `unavailable`,
   * `out_of_scope`, … */
  result: string;
  /** small facts: counts, a region code; strings and numbers only */
  detail?: Record<string, string | number>;
}

/** A stored record. */
export interface AuditRecord extends AuditEntry {
  /** ms since the epoch: when it happened, or the start of the counted window */
  ts: number;
  /** counted records: the end of the window (exclusive); the window lies inside one clock hour */
  until?: number;
  /** how many times it happened (1 for a recorded entry) */
  count: number;
}

export interface AuditQuery {
  /** ms, inclusive */
  from: number;
  /** ms, exclusive */
  to: number;
  kind?: AuditKind;
}

/** Where records go: files of one day each (embedded store) or a Redis Stream per day. No
 * method changes or removes a record; `prune` removes whole days past the retention. */
export interface AuditSink {
  readonly engine: 'files' | 'redis';
  open(): Promise<void>;
  /** appends and makes durable (fsync, or Redis' answer); by local day YYYY-MM-DD */
  append(byDay: Map<string, AuditRecord[]>): Promise<void>;
  /** the days held in [fromDay, toDay], ascending */
  days(fromDay: string, toDay: string): Promise<string[]>;
  /** a day's records in the order written (a torn or unreadable line is skipped) */
  read(day: string): Promise<AuditRecord[]>;
  /** removes the days before `beforeDay`; answers those removed */
  prune(beforeDay: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Parses a stored line; null for anything that is not a record. */
export function parseRecord(line: string): AuditRecord | null {
  try {
    const r = JSON.parse(line) as Partial<AuditRecord> | null;
    if (!r || typeof r !== 'object' || typeof r.ts !== 'number' || typeof r.kind !== 'string') return null;
    return r as AuditRecord;
  } catch {
    return null;
  }
}

export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The day's number (days since 1970-01-01) of a YYYY-MM-DD string. */
export const dayNumber = (day: string): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
