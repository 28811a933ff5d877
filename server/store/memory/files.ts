// MemoryStore's files in DATA_DIR: `snapshot.ndjson` (state as of the start of log
// `logSeq`) and `log.<seq>.ndjson` (one line per accepted batch or roster change).
// Compaction writes `snapshot.ndjson.tmp`, fsyncs it, renames it over the old snapshot,
// fsyncs the directory and only then deletes the logs the snapshot covers. Lines are framed
// with their checksum (records.ts).
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { frameText, fsyncDir, writeAll } from './records.ts';

export const SNAPSHOT_FILE = 'snapshot.ndjson';
const LOG_RE = /^log\.(\d+)\.ndjson$/;

export const logPath = (dir: string, seq: number): string => join(dir, `log.${seq}.ndjson`);

export async function listLogs(dir: string): Promise<number[]> {
  await mkdir(dir, { recursive: true });
  const seqs: number[] = [];
  for (const f of await readdir(dir)) {
    const m = LOG_RE.exec(f);
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

export async function writeSnapshotFile(dir: string, lines: Iterable<string>): Promise<void> {
  const tmp = join(dir, `${SNAPSHOT_FILE}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      let buf: string[] = [];
      let size = 0;
      for (const line of lines) {
        buf.push(frameText(line));
        size += line.length;
        if (size > 4_000_000) {
          await writeAll(fh, Buffer.from(buf.join(''), 'utf8'));
          buf = [];
          size = 0;
        }
      }
      if (buf.length) await writeAll(fh, Buffer.from(buf.join(''), 'utf8'));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, SNAPSHOT_FILE));
  } catch (e) {
    // a full disk: the half-written copy would only hold the space the log needs
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dir);
}

export async function removeLogsBefore(dir: string, seq: number): Promise<void> {
  for (const s of await listLogs(dir)) if (s < seq) await unlink(logPath(dir, s));
}
