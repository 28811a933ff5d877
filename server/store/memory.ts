// MemoryStore: the zero-setup embedded engine. State lives in process (memory/state.ts);
// every accepted batch is appended to a log in DATA_DIR and fsynced (group commit) before
// ingest resolves; periodic compaction writes a snapshot and drops the logs it covers.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NormalizedEvent, Org } from '../contract/index.ts';
import type { RollupInput, StoredTickerItem } from '../aggregate/model.ts';
import { maskEvent, tickerItemOf } from '../aggregate/prepare.ts';
import { clockFor } from '../aggregate/rollup.ts';
import { IdGenerations } from './memory/ids.ts';
import { listLogs, logPath, readLines, removeLogsBefore, SNAPSHOT_FILE, writeSnapshotFile } from './memory/files.ts';
import { loadLine, stateLines } from './memory/serialize.ts';
import { MemState } from './memory/state.ts';
import { lockDataDir } from './memory/lock.ts';
import { Wal } from './memory/wal.ts';
import { DAY_MS, withDefaults } from './options.ts';
import { StoreUnavailableError, type IngestResult, type Store, type StoreHealth, type StoreOptions } from './types.ts';

export interface MemoryStoreOptions extends Partial<StoreOptions> {
  dataDir: string;
  /** compact once the current log exceeds this many bytes (default 256 MiB) */
  compactLogBytes?: number;
  /** compact at least this often while the log is non-empty (default 10 min; 0 = never) */
  compactIntervalMs?: number;
  /** how long open() waits for another process to let go of DATA_DIR (default 15 s) */
  lockWaitMs?: number;
}

type LogLine = { b: number; e: NormalizedEvent[] } | { r: Org[] };

export class MemoryStore implements Store {
  readonly engine = 'memory' as const;
  readonly opts: StoreOptions;
  private readonly st: MemState;
  private readonly ids: IdGenerations;
  private wal: Wal | null = null;
  private seq = 0;
  private ver = 0;
  private failed: unknown = null;
  private input: RollupInput | null = null;
  private readonly tickerItemOf = new WeakMap<NormalizedEvent, StoredTickerItem | null>();
  private compacting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unlock: (() => Promise<void>) | null = null;
  lastCompactionMs: number | null = null;

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
    let logSeq = 0;
    for await (const line of readLines(join(dir, SNAPSHOT_FILE))) {
      const h = loadLine(this.st, this.ids, line);
      if (h) [logSeq, this.ver, this.st.accepted] = [h.logSeq, h.version, h.accepted];
    }
    const seqs = await listLogs(dir);
    for (const seq of seqs.filter((s) => s >= logSeq)) {
      for await (const raw of readLines(logPath(dir, seq))) this.replay(raw as LogLine);
    }
    await removeLogsBefore(dir, logSeq);
    this.seq = Math.max(logSeq, (seqs[seqs.length - 1] ?? -1) + 1);
    this.wal = await Wal.open(logPath(dir, this.seq));
    const every = this.o.compactIntervalMs ?? 10 * 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.compactIfDirty(), every);
      this.timer.unref();
    }
  }

  private replay(line: LogLine): void {
    if ('r' in line) this.st.setRoster(line.r);
    else {
      this.st.sweep(line.b);
      for (const ev of line.e) {
        this.ids.add(ev.id, line.b);
        this.st.apply(ev);
      }
    }
    this.ver += 1;
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
    return {
      ok: this.wal !== null && !this.failed,
      engine: 'memory',
      persistence: 'log+snapshot',
      detail: {
        dataDir: this.o.dataDir,
        logBytes: this.wal?.bytes ?? 0,
        fsyncs: this.wal?.fsyncs ?? 0,
        lastCompactionMs: this.lastCompactionMs,
        error: this.failed ? String(this.failed) : undefined,
      },
    };
  }

  private async durable(line: string): Promise<void> {
    if (!this.wal || this.failed)
      throw new StoreUnavailableError(this.failed ? 'the data log failed; restart the server' : 'store is not open');
    try {
      await this.wal.append(line);
    } catch (e) {
      this.failed = e;
      throw new StoreUnavailableError(`data log write failed: ${(e as Error).message}`);
    }
    if (this.wal.bytes > (this.o.compactLogBytes ?? 256 * 2 ** 20)) void this.compact();
  }

  async putRoster(orgs: Org[]): Promise<void> {
    if (!this.wal || this.failed) throw new StoreUnavailableError('store is not open');
    const copy = orgs.map((o) => ({ ...o }));
    this.st.setRoster(copy);
    this.bump();
    await this.durable(JSON.stringify({ r: copy }));
  }

  async getRoster(): Promise<Org[]> {
    return this.st.roster.map((o) => ({ ...o }));
  }

  isKnownOrg(org: string): boolean {
    return this.st.rosterIds.has(org);
  }

  async ingest(events: NormalizedEvent[], nowMs = Date.now()): Promise<IngestResult> {
    if (!this.wal || this.failed)
      throw new StoreUnavailableError(this.failed ? 'the data log failed; restart the server' : 'store is not open');
    this.st.sweep(nowMs);
    const duplicateIndexes: number[] = [];
    const accepted: NormalizedEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (!this.ids.add(ev.id, nowMs)) {
        duplicateIndexes.push(i);
        continue;
      }
      const masked = maskEvent(ev);
      this.st.apply(masked);
      accepted.push(masked);
    }
    // only the count and the log line live across the fsync wait, not the batch's objects
    const n = accepted.length;
    if (n > 0) {
      this.bump();
      await this.durable(JSON.stringify({ b: nowMs, e: accepted }));
    }
    return { accepted: n, duplicates: duplicateIndexes.length, duplicateIndexes };
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
    if (!this.wal) return;
    const dir = this.o.dataDir;
    const next = await Wal.open(logPath(dir, this.seq + 1));
    // From here to the swap nothing awaits: the snapshot is a consistent cut between batches.
    const old = this.wal;
    this.seq += 1;
    this.wal = next;
    // copy now (native copies, milliseconds), serialize later between other work
    const cut = {
      st: this.st.clone(),
      ids: this.ids.clone(),
      header: { k: 'h', v: 1, logSeq: this.seq, version: this.ver, accepted: this.st.accepted } as const,
    };
    await writeSnapshotFile(dir, stateLines(cut.st, cut.ids, cut.header));
    await old.close();
    await removeLogsBefore(dir, this.seq);
    this.lastCompactionMs = Date.now();
  }
}
