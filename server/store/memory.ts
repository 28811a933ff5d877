// MemoryStore: the zero-setup embedded engine. State lives in process (memory/state.ts);
// every accepted batch is appended to a log in DATA_DIR and fsynced (group commit), then
// applied to the state (in log order), then ingest resolves: what walls see is only ever what
// is durable. Periodic compaction writes a snapshot and drops the logs it covers.
import { mkdir } from 'node:fs/promises';
import type { NormalizedEvent, Org } from '../contract/index.ts';
import type { RollupInput, StoredTickerItem } from '../aggregate/model.ts';
import { maskEvent, tickerItemOf } from '../aggregate/prepare.ts';
import { clockFor } from '../aggregate/rollup.ts';
import { IdGenerations } from './memory/ids.ts';
import { logPath, removeLogsBefore, writeSnapshotFile } from './memory/files.ts';
import { loadDataDir, type StoreLog } from './memory/load.ts';
import type { RepairedRange } from './memory/records.ts';
import { stateLines, type SnapshotHeader } from './memory/serialize.ts';
import { MemState } from './memory/state.ts';
import { lockDataDir } from './memory/lock.ts';
import { openLogFile, Wal, type WalIo } from './memory/wal.ts';
import { DAY_MS, withDefaults } from './options.ts';
import { StoreUnavailableError, type IngestResult, type Store, type StoreHealth, type StoreOptions } from './types.ts';

export type { StoreLog };

export interface MemoryStoreOptions extends Partial<StoreOptions> {
  dataDir: string;
  /** compact once the current log exceeds this many bytes (default 256 MiB) */
  compactLogBytes?: number;
  /** compact at least this often while the log is non-empty (default 10 min; 0 = never) */
  compactIntervalMs?: number;
  /** how long open() waits for another process to let go of DATA_DIR (default 15 s) */
  lockWaitMs?: number;
  /** at open, move corrupt log records aside instead of refusing to start (`--repair`) */
  repair?: boolean;
  /** where open() reports repairs and skipped torn lines (default: nowhere) */
  log?: StoreLog;
  /** the log's file operations (fault tests inject failures here) */
  walIo?: WalIo;
}

/** A logged line not yet durable: its events' ids are reserved (dedupe), not yet applied. */
interface InFlight {
  events: NormalizedEvent[] | null;
}

export class MemoryStore implements Store {
  readonly engine = 'memory' as const;
  readonly opts: StoreOptions;
  private readonly st: MemState;
  private readonly ids: IdGenerations;
  private wal: Wal | null = null;
  private seq = 0;
  private ver = 0;
  /** fail-stop (the DATA_DIR lock was lost): nothing is acknowledged any more */
  private failed: unknown = null;
  private readonly inflight = new Set<InFlight>();
  /** the last line appended while any is in flight: a duplicate may be of a batch not durable yet */
  private lastLine: Promise<void> | null = null;
  private input: RollupInput | null = null;
  private readonly tickerItemOf = new WeakMap<NormalizedEvent, StoredTickerItem | null>();
  private compacting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unlock: (() => Promise<void>) | null = null;
  lastCompactionMs: number | null = null;
  /** what open() moved aside (repair) */
  readonly repairs: RepairedRange[] = [];

  constructor(private readonly o: MemoryStoreOptions) {
    this.opts = withDefaults(o);
    this.st = new MemState(clockFor(this.opts.timeZone), this.opts.retentionDays, this.opts.onlineWindowMs);
    this.ids = new IdGenerations(this.opts.retentionDays * DAY_MS);
  }

  async open(): Promise<void> {
    const dir = this.o.dataDir;
    await mkdir(dir, { recursive: true });
    // before reading anything: what another process still writes must not be read half-way
    this.unlock = await lockDataDir(dir, this.o.lockWaitMs ?? 15_000, (err) => {
      // fail-stop: another process may be writing here now; acknowledge nothing more
      this.failed = new Error(`lost the lock of DATA_DIR ${dir}: ${err.message}`);
    });
    try {
      await this.load(dir);
    } catch (err) {
      await this.unlock().catch(() => undefined);
      this.unlock = null;
      throw err;
    }
  }

  private async load(dir: string): Promise<void> {
    const loaded = await loadDataDir(dir, this.st, this.ids, this.o);
    this.ver = loaded.version;
    this.repairs.push(...loaded.repairs);
    await removeLogsBefore(dir, loaded.logSeq);
    this.seq = Math.max(loaded.logSeq, (loaded.seqs[loaded.seqs.length - 1] ?? -1) + 1);
    this.wal = new Wal(await openLogFile(logPath(dir, this.seq)), this.o.walIo);
    const every = this.o.compactIntervalMs ?? 10 * 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.compactIfDirty(), every);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.compacting;
    await this.wal?.close();
    this.wal = null;
    await this.unlock?.().catch(() => undefined);
    this.unlock = null;
  }

  async health(): Promise<StoreHealth> {
    const writeError = this.wal?.error;
    const since = this.wal?.failingSinceMs;
    return {
      ok: this.wal !== null && !this.failed && !writeError,
      engine: 'memory',
      persistence: 'log+snapshot',
      ...(this.failed
        ? { reason: 'the store stopped (lost its DATA_DIR lock or failed at open); restart the server' }
        : writeError
          ? {
              reason:
                `data log write failing (${(writeError as NodeJS.ErrnoException).code ?? 'error'}) since ` +
                `${new Date(since ?? Date.now()).toISOString()}; ingest answers 503 and retries by itself`,
            }
          : this.wal === null
            ? { reason: 'store is not open' }
            : {}),
      detail: {
        dataDir: this.o.dataDir,
        logBytes: this.wal?.bytes ?? 0,
        fsyncs: this.wal?.fsyncs ?? 0,
        lastCompactionMs: this.lastCompactionMs,
        error: this.failed
          ? `${String(this.failed)}; restart the server`
          : writeError
            ? `data log write failing since ${new Date(since ?? Date.now()).toISOString()} (${writeError.message}); ` +
              'ingest answers 503 and retries by itself'
            : undefined,
      },
    };
  }

  /** The open log, unless the store stopped for good. */
  private writable(): Wal {
    if (this.failed) throw new StoreUnavailableError(`the store stopped (${String(this.failed)}); restart the server`);
    if (!this.wal) throw new StoreUnavailableError('store is not open');
    return this.wal;
  }

  /**
   * Appends `line` and resolves once it is durable and `apply` ran (in log order). A failed
   * write runs `release` instead and rejects with StoreUnavailableError: no trace is left.
   */
  private async logged(
    wal: Wal,
    line: string,
    events: NormalizedEvent[] | null,
    apply: () => void,
    release: () => void,
  ): Promise<void> {
    const f: InFlight = { events };
    const settle = (): void => {
      this.inflight.delete(f);
      if (this.inflight.size === 0) this.lastLine = null;
    };
    this.inflight.add(f);
    const p = wal.append(
      line,
      () => (settle(), apply()),
      () => (settle(), release()),
    );
    this.lastLine = p;
    try {
      await p;
    } catch (e) {
      throw new StoreUnavailableError(`data log write failed: ${(e as Error).message}; retrying`);
    }
    if (this.failed) throw new StoreUnavailableError(`the store stopped (${String(this.failed)}); restart the server`);
    if (wal.bytes > (this.o.compactLogBytes ?? 256 * 2 ** 20)) this.compact().catch(() => undefined);
  }

  async putRoster(orgs: Org[]): Promise<void> {
    const wal = this.writable();
    const copy = orgs.map((o) => ({ ...o }));
    const apply = (): void => {
      this.st.setRoster(copy);
      this.bump();
    };
    await this.logged(wal, JSON.stringify({ r: copy }), null, apply, () => undefined);
  }

  async getRoster(): Promise<Org[]> {
    return this.st.roster.map((o) => ({ ...o }));
  }

  isKnownOrg(org: string): boolean {
    return this.st.rosterIds.has(org);
  }

  async ingest(events: NormalizedEvent[], nowMs = Date.now()): Promise<IngestResult> {
    const wal = this.writable();
    const duplicateIndexes: number[] = [];
    const accepted: NormalizedEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      // reserved now, so that batches racing through one group commit dedupe against each other
      if (!this.ids.add(ev.id, nowMs)) duplicateIndexes.push(i);
      else accepted.push(maskEvent(ev));
    }
    const earlier = this.lastLine;
    if (accepted.length > 0) {
      const apply = (): void => {
        this.st.sweep(nowMs);
        for (const ev of accepted) this.st.apply(ev);
        this.bump();
      };
      const release = (): void => {
        for (const ev of accepted) this.ids.remove(ev.id);
      };
      await this.logged(wal, JSON.stringify({ b: nowMs, e: accepted }), accepted, apply, release);
    }
    // "duplicate" is an answer only once the original is durable: if a batch logged before
    // this one failed, its ids were released and a retry of this batch will be accepted
    if (duplicateIndexes.length > 0 && earlier) {
      await earlier.catch((e: unknown) => {
        throw new StoreUnavailableError(`data log write failed: ${(e as Error).message}; retrying`);
      });
    }
    return { accepted: accepted.length, duplicates: duplicateIndexes.length, duplicateIndexes };
  }

  private bump(): void {
    this.ver += 1;
    this.input = null;
  }

  async isEmpty(): Promise<boolean> {
    return this.st.accepted === 0;
  }

  async rollupInput(): Promise<RollupInput> {
    return (this.input ??= this.st.rollupInput(() => this.tickerItems()));
  }

  /** Ticker items of the recent notable events, each built once (the ring keeps its events). */
  private *tickerItems(): Generator<StoredTickerItem> {
    for (const ev of this.st.recent) {
      let item = this.tickerItemOf.get(ev);
      if (item === undefined) this.tickerItemOf.set(ev, (item = tickerItemOf(ev)));
      if (item) yield item;
    }
  }

  async version(): Promise<number> {
    return this.ver;
  }

  async dedupeBytesPerId(): Promise<number> {
    return this.ids.size > 0 ? this.ids.bytes / this.ids.size : 0;
  }

  dedupeMemory(): { ids: number; bytes: number } {
    return { ids: this.ids.size, bytes: this.ids.bytes };
  }

  private async compactIfDirty(): Promise<void> {
    if (this.wal && this.wal.bytes > 0) await this.compact().catch(() => undefined);
  }

  /** Snapshot the state and drop the logs it covers. Safe to call at any time. */
  compact(): Promise<void> {
    this.compacting ??= this.doCompact().finally(() => (this.compacting = null));
    return this.compacting;
  }

  private async doCompact(): Promise<void> {
    const wal = this.wal;
    if (!wal) return;
    const dir = this.o.dataDir;
    const seq = this.seq + 1;
    const next = await openLogFile(logPath(dir, seq));
    let cut: { st: MemState; ids: IdGenerations; header: SnapshotHeader } | null = null;
    // The switch is an entry of the log's queue: every line before it is durable and applied
    // (or failed and released), none after it is applied: a consistent cut between batches.
    await wal.rotate(next, () => {
      this.seq = seq;
      const ids = this.ids.clone();
      // ids reserved by batches still in flight (in the next log) are not in this state
      for (const f of this.inflight) for (const ev of f.events ?? []) ids.remove(ev.id);
      // copy now (native copies, milliseconds), serialize later between other work
      cut = {
        st: this.st.clone(),
        ids,
        header: { k: 'h', v: 1, logSeq: seq, version: this.ver, accepted: this.st.accepted },
      };
    });
    const c = cut!;
    await writeSnapshotFile(dir, stateLines(c.st, c.ids, c.header));
    await removeLogsBefore(dir, seq);
    this.lastCompactionMs = Date.now();
  }
}
