// A WalIo (server/store/memory/wal.ts) that fails on command, for deterministic fault tests:
// writes fail with an errno (ENOSPC, EIO, EROFS), optionally after a torn prefix reached the
// file, or fsyncs fail; everything else is the real file system.
import type { FileHandle } from 'node:fs/promises';
import { FS_IO, type WalIo } from '../../../../server/store/memory/wal.ts';

export function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected fault, write`), { code });
}

export class FaultIo implements WalIo {
  /** writes fail with this code while set */
  failWrites: string | null = null;
  /** or: writes whose buffer this picks out fail with the code it returns */
  failWhen: ((buf: Buffer) => string | null) | null = null;
  /** fsyncs fail with this code while set */
  failSyncs: string | null = null;
  /** the first failing write still puts this many bytes in the file (a torn write) */
  tornBytes = 0;
  /** truncates fail while set (the cut back to the last good byte) */
  failTruncates = false;
  writes = 0;
  failures = 0;
  /** resolves the next write's start when set: lets a test hold a write in flight */
  hold: Promise<void> | null = null;

  async write(fh: FileHandle, buf: Buffer, offset: number): Promise<number> {
    this.writes += 1;
    if (this.hold) await this.hold;
    const code = this.failWrites ?? this.failWhen?.(buf) ?? null;
    if (code) {
      if (this.tornBytes > 0) {
        const n = await FS_IO.write(fh, buf.subarray(0, Math.min(buf.length, offset + this.tornBytes)), offset);
        this.tornBytes = 0;
        return n;
      }
      this.failures += 1;
      throw errno(code);
    }
    return FS_IO.write(fh, buf, offset);
  }

  async datasync(fh: FileHandle): Promise<void> {
    if (this.failSyncs) {
      this.failures += 1;
      throw errno(this.failSyncs);
    }
    return FS_IO.datasync(fh);
  }

  async truncate(fh: FileHandle, length: number): Promise<void> {
    if (this.failTruncates) throw errno('EIO');
    return FS_IO.truncate(fh, length);
  }

  heal(): void {
    this.failWrites = null;
    this.failWhen = null;
    this.failSyncs = null;
    this.failTruncates = false;
  }
}
