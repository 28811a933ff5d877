// The embedded store's audit: DATA_DIR/audit/audit-YYYY-MM-DD.ndjson, one JSON record a line,
// one file per local day. Files are only ever opened to append (and fsynced before a write is
// acknowledged); a day's file is removed whole once it is past the retention.
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_RE, parseRecord, type AuditRecord, type AuditSink } from './types.ts';

const FILE_RE = /^audit-(\d{4}-\d{2}-\d{2})\.ndjson$/;

/** The days (YYYY-MM-DD) of the files in `dir` whose names `re` matches (its group 1), ascending;
 * none when the directory does not exist (also the alert history's files, alerts/store-files.ts). */
export async function daysIn(dir: string, re: RegExp): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((n) => re.exec(n)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

/** Whether the file of `size` bytes ends a line (a crash mid-write leaves a torn last line). */
export async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  const rd = await open(path, 'r');
  try {
    await rd.read(last, 0, 1, size - 1);
  } finally {
    await rd.close();
  }
  return last[0] === 0x0a;
}

/** fsyncs a directory (a file created or renamed in it), where the file system allows it. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // some file systems refuse fsync on a directory
  } finally {
    await d.close();
  }
}

export const auditFile = (day: string): string => `audit-${day}.ndjson`;

export class FileAuditSink implements AuditSink {
  readonly engine = 'files' as const;
  /** files this process has checked for a torn last line */
  private readonly checked = new Set<string>();

  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
  }

  async append(byDay: Map<string, AuditRecord[]>): Promise<void> {
    let created = false;
    for (const [day, records] of byDay) {
      if (!DAY_RE.test(day) || records.length === 0) continue;
      const path = join(this.dir, auditFile(day));
      const fh = await open(path, 'a', 0o640);
      try {
        let head = '';
        if (!this.checked.has(path)) {
          // a crash mid-write leaves a torn last line: the next record starts on a line of its own
          const { size } = await fh.stat();
          if (size === 0) created = true;
          else if (!(await endsWithNewline(path, size))) head = '\n';
          this.checked.add(path);
        }
        await fh.write(head + records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
    if (created) await this.syncDir();
  }

  async days(fromDay: string, toDay: string): Promise<string[]> {
    return (await this.allDays()).filter((d) => d >= fromDay && d <= toDay);
  }

  async read(day: string): Promise<AuditRecord[]> {
    let text: string;
    try {
      text = await readFile(join(this.dir, auditFile(day)), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: AuditRecord[] = [];
    for (const line of text.split('\n')) {
      const r = line === '' ? null : parseRecord(line);
      if (r) out.push(r);
    }
    return out;
  }

  async prune(beforeDay: string): Promise<string[]> {
    const old = (await this.allDays()).filter((d) => d < beforeDay);
    for (const day of old) {
      await unlink(join(this.dir, auditFile(day))).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      this.checked.delete(join(this.dir, auditFile(day)));
    }
    if (old.length > 0) await this.syncDir();
    return old;
  }

  async close(): Promise<void> {}

  private async allDays(): Promise<string[]> {
    return daysIn(this.dir, FILE_RE);
  }

  private async syncDir(): Promise<void> {
    await syncDir(this.dir);
  }
}
