// An append-only log file with group commit: lines appended while a write+fsync is in flight
// are written and fsynced together by the next one, so concurrent batches share one fsync.
// A line's onDurable runs (in log order, synchronously) once its line is on disk — just after
// the next group's write started — then its promise resolves; the caller applies what the
// line records there, never before.
//
// A failed write or fsync is not forever: the failed group and everything queued behind it
// are refused (onFailed, then the promise rejects: what came after may depend on what failed,
// e.g. an id it was told is a duplicate), the file is cut back to its last good byte
// (ftruncate), and the next append tries again; meanwhile a probe (a write of blank lines,
// cut off again) retries with backoff so that `error` clears once the disk has space, with
// or without traffic. A rotation (compaction) is an entry of the same queue: everything
// before it is settled when onRotated runs, nothing after it is.
import { open, type FileHandle } from 'node:fs/promises';
import { frame } from './records.ts';

/** The file operations the log makes: a seam for fault tests (a full disk, EIO, read-only). */
export interface WalIo {
  write(fh: FileHandle, buf: Buffer, offset: number): Promise<number>;
  datasync(fh: FileHandle): Promise<void>;
  truncate(fh: FileHandle, length: number): Promise<void>;
}

export const FS_IO: WalIo = {
  write: async (fh, buf, offset) => (await fh.write(buf, offset)).bytesWritten,
  datasync: (fh) => fh.datasync(),
  truncate: (fh, length) => fh.truncate(length),
};

export interface LogFile {
  path: string;
  fh: FileHandle;
  /** size at open */
  bytes: number;
}

export async function openLogFile(path: string): Promise<LogFile> {
  const fh = await open(path, 'a');
  return { path, fh, bytes: (await fh.stat()).size };
}

interface LineEntry {
  line: string;
  onDurable: (() => void) | undefined;
  onFailed: (() => void) | undefined;
  resolve: () => void;
  reject: (e: unknown) => void;
}
interface RotateEntry {
  next: LogFile;
  onRotated: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}
type Entry = LineEntry | RotateEntry;

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 4000;
const PROBE_MIN_BYTES = 64 * 1024;
const PROBE_MAX_BYTES = 8 * 2 ** 20;

export class Wal {
  private queue: Entry[] = [];
  private flushing: Promise<void> | null = null;
  /** bytes past `bytes` may be in the file: a failed write not cut off yet */
  private dirty = false;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private failedBytes = 0;
  private closed = false;
  /** the last write error while the log cannot write; null once a write or a probe succeeded */
  error: Error | null = null;
  failingSinceMs: number | null = null;
  /** durable size of the current file */
  bytes: number;
  fsyncs = 0;

  constructor(
    private file: LogFile,
    private readonly io: WalIo = FS_IO,
  ) {
    this.bytes = file.bytes;
  }

  static async open(path: string, io?: WalIo): Promise<Wal> {
    return new Wal(await openLogFile(path), io);
  }

  get path(): string {
    return this.file.path;
  }

  append(line: string, onDurable?: () => void, onFailed?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, onDurable, onFailed, resolve, reject });
      this.flushing ??= this.flushLoop(false);
    });
  }

  /** Switches to `next` once everything appended so far is settled; onRotated runs between. */
  rotate(next: LogFile, onRotated: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ next, onRotated, resolve, reject });
      this.flushing ??= this.flushLoop(false);
    });
  }

  private async flushLoop(probe: boolean): Promise<void> {
    // the callbacks of the last durable group: run once the next group's write has started, so
    // that applying one group overlaps writing the next (still in log order)
    let durable: (() => void) | null = null;
    try {
      if (probe && this.queue.length === 0) await this.probe();
      while (this.queue.length > 0) {
        const first = this.queue[0]!;
        if ('next' in first) {
          this.queue.shift();
          durable?.();
          durable = null;
          await this.switchTo(first);
          continue;
        }
        let n = 1;
        while (n < this.queue.length && !('next' in this.queue[n]!)) n++;
        const writing = this.writeGroup(this.queue.splice(0, n) as LineEntry[]);
        durable?.();
        durable = await writing;
      }
    } finally {
      durable?.();
      this.flushing = null;
    }
  }

  /** Writes and fsyncs a group; resolves to its callbacks, or null when it failed (refused). */
  private async writeGroup(group: LineEntry[]): Promise<(() => void) | null> {
    const buf = group.length === 1 ? frame(group[0]!.line) : Buffer.concat(group.map((e) => frame(e.line)));
    try {
      if (this.dirty) await this.cut();
      this.dirty = true;
      for (let off = 0; off < buf.length;) off += await this.io.write(this.file.fh, buf, off);
      await this.io.datasync(this.file.fh);
    } catch (e) {
      this.fail(e, group, buf.length);
      await this.cut().catch(() => undefined); // still dirty: the next write cuts first
      return null;
    }
    this.dirty = false;
    this.bytes += buf.length;
    this.fsyncs += 1;
    this.recovered();
    return () => {
      for (const e of group) {
        try {
          e.onDurable?.();
          e.resolve();
        } catch (err) {
          e.reject(err);
        }
      }
    };
  }

  /** Refuses the failed group and everything queued behind it. */
  private fail(e: unknown, group: LineEntry[], bytes: number): void {
    const err = e instanceof Error ? e : new Error(String(e));
    const all: Entry[] = [...group, ...this.queue];
    this.queue = [];
    this.error = err;
    this.failingSinceMs ??= Date.now();
    this.failedBytes = bytes;
    for (const x of all) {
      if ('next' in x) void x.next.fh.close().catch(() => undefined);
      else x.onFailed?.();
      x.reject(err);
    }
    this.scheduleRetry();
  }

  /** Cuts the file back to its last good byte. */
  private async cut(): Promise<void> {
    await this.io.truncate(this.file.fh, this.bytes);
    await this.io.datasync(this.file.fh);
    this.dirty = false;
  }

  /** Is there room for the write that failed? Blank lines (no records), then cut off again. */
  private async probe(): Promise<void> {
    try {
      if (this.dirty) await this.cut();
      const buf = Buffer.alloc(Math.min(PROBE_MAX_BYTES, Math.max(PROBE_MIN_BYTES, this.failedBytes)), 0x0a);
      this.dirty = true;
      for (let off = 0; off < buf.length;) off += await this.io.write(this.file.fh, buf, off);
      await this.io.datasync(this.file.fh);
      await this.cut();
      this.recovered();
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      // a write in flight tells the truth itself (it fails again, or recovers)
      if (this.closed || !this.error || this.flushing) return;
      this.flushing = this.flushLoop(true);
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private recovered(): void {
    this.error = null;
    this.failingSinceMs = null;
    this.retryMs = RETRY_MIN_MS;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private async switchTo(r: RotateEntry): Promise<void> {
    try {
      // never leave a failed write's bytes behind in a file that is then followed by another
      if (this.dirty) await this.cut();
    } catch (e) {
      void r.next.fh.close().catch(() => undefined);
      r.reject(e);
      return;
    }
    const old = this.file;
    this.file = r.next;
    this.bytes = r.next.bytes;
    try {
      r.onRotated();
      r.resolve();
    } catch (e) {
      r.reject(e);
    }
    await old.fh.close().catch(() => undefined);
  }

  /** Waits for everything appended so far to be on disk (or to have failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.drain();
    await this.file.fh.close();
  }
}
