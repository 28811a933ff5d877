// An append-only log file with group commit: lines appended while an fsync is in flight
// are written and fsynced together by the next one, so concurrent batches share one fsync.
// A promise from append() resolves only once its line is on disk.
import { open, type FileHandle } from 'node:fs/promises';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Wal {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failed: unknown = null;
  bytes = 0;
  fsyncs = 0;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async open(path: string): Promise<Wal> {
    const fh = await open(path, 'a');
    const wal = new Wal(path, fh);
    wal.bytes = (await fh.stat()).size;
    return wal;
  }

  append(line: string): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.pending.push(line);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flushLoop();
    return done;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const lines = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          const buf = Buffer.from(lines.join('\n') + '\n', 'utf8');
          let off = 0;
          while (off < buf.length) off += (await this.fh.write(buf, off)).bytesWritten;
          await this.fh.datasync();
          this.bytes += buf.length;
          this.fsyncs += 1;
          for (const w of waiters) w.resolve();
        } catch (e) {
          // fail-stop: after a failed write nothing later may be acknowledged either
          this.failed = e;
          for (const w of [...waiters, ...this.waiters]) w.reject(e);
          this.waiters = [];
          this.pending = [];
          return;
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /** Waits for everything appended so far to be on disk (or to have failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.fh.close();
  }
}
