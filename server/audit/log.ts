// The audit log: `record` writes one entry (durable when its promise resolves), `count` adds to
// an in-memory tally per (entry, clock hour) that is written at the hour change, every
// flushIntervalMs and on close — so ingest costs no audit write per batch, and refusals under
// attack stay bounded: at most maxBuckets capped tallies (records) an hour, the rest folded into
// one per (kind, action, status, result) with actor and address `*`. Writes are group-committed:
// one sink append at a time, carrying everything queued meanwhile. A failed append keeps its
// records (bounded) for the next one. All times come from the injected clock.
import { ZonedClock } from '../aggregate/period.ts';
import type { AuditEntry, AuditQuery, AuditRecord, AuditSink } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** records kept for a retry while the sink fails; beyond, the oldest are dropped (and counted) */
const MAX_UNWRITTEN = 100_000;

export interface AuditLogOptions {
  sink: AuditSink;
  timeZone: string;
  /** days kept (config: ≥ 180); whole local days older are pruned */
  retentionDays: number;
  /** counted tallies are written at least this often (0: only at the hour change, flush, close) */
  flushIntervalMs: number;
  /** distinct capped tallies per hour */
  maxBuckets: number;
  now?: () => number;
  onError?: (err: unknown, what: string) => void;
}

interface Tally {
  entry: AuditEntry;
  count: number;
  sums: Record<string, number>;
}

interface Waiter {
  records: AuditRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AuditLog {
  readonly sink: AuditSink;
  private readonly clock: ZonedClock;
  private readonly now: () => number;
  /** start of the clock hour being tallied, and of the window since the last flush in it */
  private hour = -1;
  private windowStart = 0;
  private readonly tallies = new Map<string, Tally>();
  /** capped tallies begun this hour: a key counted again after a flush begins another one, so
   * the cap bounds the records written an hour, whatever the flush interval */
  private cappedThisHour = 0;
  private queue: Waiter[] = [];
  private unwritten: AuditRecord[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastPruneDay = '';
  private closed = false;
  /** records dropped because the sink failed for too long */
  lost = 0;

  constructor(private readonly o: AuditLogOptions) {
    this.sink = o.sink;
    this.clock = new ZonedClock(o.timeZone);
    this.now = o.now ?? Date.now;
  }

  async open(): Promise<void> {
    await this.sink.open();
    // not awaited: a Redis that is down must not hold the start (prune only touches past days)
    void this.prune().catch((err: unknown) => this.o.onError?.(err, 'audit prune'));
    if (this.o.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.tick(), this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Appends one entry now; resolves once it is durable. A rejection means not yet: the record
   * is kept and retried with the next write. */
  async record(entry: AuditEntry): Promise<void> {
    return this.enqueue([{ ...clean(entry), ts: this.now(), count: 1 }]);
  }

  /**
   * Counts one occurrence of `entry` in this clock hour, adding `sums` (e.g. accepted events) to
   * its tally. `capped`: the entry's fields come from outside (a refused address or token), so
   * it is one of at most maxBuckets distinct tallies this hour.
   */
  count(entry: AuditEntry, sums?: Record<string, number>, capped = false): void {
    if (this.closed) return;
    this.rollover(this.now());
    let key = tallyKey(entry);
    if (capped && !this.tallies.has(key)) {
      if (this.cappedThisHour >= this.o.maxBuckets) {
        const { kind, action, status, result } = entry;
        entry = { kind, action, actor: '*', address: '*', result, ...(status !== undefined ? { status } : {}) };
        key = tallyKey(entry);
      } else this.cappedThisHour += 1;
    }
    let t = this.tallies.get(key);
    if (!t) {
      t = { entry: clean(entry), count: 0, sums: {} };
      this.tallies.set(key, t);
    }
    t.count += 1;
    if (sums) for (const [k, v] of Object.entries(sums)) t.sums[k] = (t.sums[k] ?? 0) + v;
  }

  /** Writes the tallies so far (and whatever is queued or unwritten); resolves when durable. */
  async flush(): Promise<void> {
    const now = this.now();
    this.rollover(now);
    const records = this.drainTallies(now);
    await this.enqueue(records);
  }

  /** The records with `from ≤ ts < to` (of one kind), in time order. Tallies not yet flushed are
   * not included. */
  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    for await (const records of readRange(this.sink, this.clock, q)) out.push(...records);
    return out;
  }

  /** Removes the days wholly older than the retention (the day of now − retentionDays is kept). */
  async prune(): Promise<string[]> {
    const now = this.now();
    this.lastPruneDay = this.clock.day(now);
    return this.sink.prune(this.clock.day(now - this.o.retentionDays * DAY_MS));
  }

  /** Flushes the tallies and closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    // a failure was reported by the write itself; what it held is lost with the process
    await this.flush().catch(() => undefined);
    if (this.unwritten.length > 0) {
      this.o.onError?.(new Error(`${this.unwritten.length} audit records could not be written`), 'audit close');
    }
    this.closed = true;
    await this.writing;
    await this.sink.close();
  }

  /** The periodic work: flush, and prune once a day. */
  async tick(): Promise<void> {
    // a failed write was reported by the write itself, and its records are kept for the next
    await this.flush().catch(() => undefined);
    if (this.clock.day(this.now()) !== this.lastPruneDay) {
      await this.prune().catch((err: unknown) => this.o.onError?.(err, 'audit prune'));
    }
  }

  /** Start of the local clock hour of `ts`. */
  hourStart(ts: number): number {
    const local = ts + this.clock.offsetMs(ts);
    return ts - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS);
  }

  /** At an hour change the last hour's tallies are queued, ending at the hour's end. */
  private rollover(now: number): void {
    const h = this.hourStart(now);
    if (h === this.hour) return;
    if (this.tallies.size > 0) void this.enqueue(this.drainTallies(this.hour + HOUR_MS)).catch(() => undefined);
    this.hour = h;
    this.windowStart = h;
    this.cappedThisHour = 0;
  }

  private drainTallies(until: number): AuditRecord[] {
    const records: AuditRecord[] = [];
    for (const t of this.tallies.values()) {
      const r: AuditRecord = { ...t.entry, ts: this.windowStart, until, count: t.count };
      if (Object.keys(t.sums).length > 0) r.detail = { ...t.entry.detail, ...t.sums };
      records.push(r);
    }
    this.tallies.clear();
    this.windowStart = until;
    return records;
  }

  private async enqueue(records: AuditRecord[]): Promise<void> {
    if (this.closed) throw new Error('audit log closed');
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** One append for everything queued (group commit), the unwritten first. */
  private async drain(): Promise<void> {
    const waiters = this.queue;
    this.queue = [];
    const records = [...this.unwritten, ...waiters.flatMap((w) => w.records)];
    this.unwritten = [];
    if (records.length === 0) {
      for (const w of waiters) w.resolve();
      return;
    }
    const byDay = new Map<string, AuditRecord[]>();
    for (const r of records) {
      const day = this.clock.day(r.ts);
      (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(r);
    }
    try {
      await this.sink.append(byDay);
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.unwritten = records;
      if (this.unwritten.length > MAX_UNWRITTEN) {
        this.lost += this.unwritten.length - MAX_UNWRITTEN;
        this.unwritten = this.unwritten.slice(-MAX_UNWRITTEN);
      }
      this.o.onError?.(err, 'audit write');
      for (const w of waiters) w.reject(err);
    }
  }
}

/** The records with `from ≤ ts < to` (of one kind), a day at a time, each day in time order. */
export async function* readRange(sink: AuditSink, clock: ZonedClock, q: AuditQuery): AsyncGenerator<AuditRecord[]> {
  if (!(q.to > q.from)) return;
  for (const day of await sink.days(clock.day(q.from), clock.day(q.to - 1))) {
    const records = (await sink.read(day)).filter(
      (r) => r.ts >= q.from && r.ts < q.to && (q.kind === undefined || r.kind === q.kind),
    );
    if (records.length > 0) yield records.sort((a, b) => a.ts - b.ts);
  }
}

/** The entry without undefined fields (JSON drops them; keys must match). */
function clean(entry: AuditEntry): AuditEntry {
  const e: AuditEntry = { kind: entry.kind, action: entry.action, actor: entry.actor, result: entry.result };
  if (entry.address !== undefined) e.address = entry.address;
  if (entry.status !== undefined) e.status = entry.status;
  if (entry.detail !== undefined && Object.keys(entry.detail).length > 0) e.detail = { ...entry.detail };
  return e;
}

const tallyKey = (e: AuditEntry): string =>
  JSON.stringify([e.kind, e.action, e.actor, e.address ?? '', e.status ?? 0, e.result, e.detail ?? null]);
