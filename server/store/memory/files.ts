// MemoryStore's files in DATA_DIR: `snapshot.ndjson` (state as of the start of log
// `logSeq`) and `log.<seq>.ndjson` (one line per accepted batch or roster change).
// Compaction writes `snapshot.ndjson.tmp`, fsyncs it, renames it over the old snapshot,
// fsyncs the directory and only then deletes the logs the snapshot covers.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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

/** Parsed lines of a file; a torn last line (a crash mid-write, never acknowledged) is skipped. */
export async function* readLines(path: string): AsyncGenerator<unknown> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await fh.close();
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let pendingError: unknown = null;
  for await (const line of rl) {
    if (line === '') continue;
    if (pendingError) throw pendingError; // a bad line that is not the last one: corruption
    try {
      yield JSON.parse(line);
    } catch (e) {
      pendingError = e;
    }
  }
}

export async function writeSnapshotFile(dir: string, lines: Iterable<string>): Promise<void> {
  const tmp = join(dir, `${SNAPSHOT_FILE}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    let buf: string[] = [];
    let size = 0;
    for (const line of lines) {
      buf.push(line);
      size += line.length;
      if (size > 4_000_000) {
        await fh.write(buf.join('\n') + '\n');
        buf = [];
        size = 0;
      }
    }
    if (buf.length) await fh.write(buf.join('\n') + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
}

export async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export async function removeLogsBefore(dir: string, seq: number): Promise<void> {
  for (const s of await listLogs(dir)) if (s < seq) await unlink(logPath(dir, s));
}
