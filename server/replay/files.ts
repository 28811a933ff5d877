// The embedded engine: DATA_DIR/replay/YYYY-MM-DD/<region>.ndjson, one record a line
// ({at, k, kf, z}), appended and fsynced; a day's directory is removed whole past the retention.
// A day file is read once, lazily, into an index (times, keyframe times, byte offsets); a seek
// then reads two lines at their offsets. One process owns DATA_DIR, so the index stays true.
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../audit/files.ts';
import { DAY_RE } from '../audit/types.ts';
import type { ReplayRecord } from './codec.ts';
import type { DayRange, ReplayEngine } from './types.ts';

interface DayIndex {
  at: number[];
  k: (0 | 1)[];
  kf: number[];
  offset: number[];
  length: number[];
  /** bytes of the file; `torn`: it does not end a line (a crash mid-write), the next append starts one */
  size: number;
  torn: boolean;
}

const REGION_RE = /^\d{6}(\d{3})?(\d{3})?$/;

function parseLine(line: string): ReplayRecord | null {
  try {
    const r = JSON.parse(line) as Partial<ReplayRecord> | null;
    if (!r || typeof r.at !== 'number' || typeof r.kf !== 'number' || typeof r.z !== 'string') return null;
    return { at: r.at, k: r.k === 1 ? 1 : 0, kf: r.kf, z: r.z };
  } catch {
    return null;
  }
}

/** the last index i with sorted[i] ≤ x, or −1 */
export function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export class FileReplayEngine implements ReplayEngine {
  readonly engine = 'files' as const;
  readonly #indexes = new Map<string, DayIndex>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
  }

  #path(region: string, day: string): string {
    if (!DAY_RE.test(day) || !REGION_RE.test(region)) throw new Error(`replay: bad day or region ${day}/${region}`);
    return join(this.dir, day, `${region}.ndjson`);
  }

  async #index(region: string, day: string): Promise<DayIndex> {
    const path = this.#path(region, day);
    const cached = this.#indexes.get(path);
    if (cached) return cached;
    const idx: DayIndex = { at: [], k: [], kf: [], offset: [], length: [], size: 0, torn: false };
    let buf: Buffer;
    try {
      buf = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      buf = Buffer.alloc(0);
    }
    const keyframes = new Set<number>();
    for (let start = 0; start < buf.length;) {
      const end = buf.indexOf(0x0a, start);
      if (end < 0) {
        idx.torn = true; // a crash mid-write: the torn line is ignored
        break;
      }
      const r = parseLine(buf.toString('utf8', start, end));
      // a patch whose keyframe was lost (a torn line) cannot be restored: skipped
      const ok = r !== null && (r.k === 1 || keyframes.has(r.kf)) && (idx.at.length === 0 || r.at > idx.at.at(-1)!);
      if (ok) {
        if (r.k === 1) keyframes.add(r.at);
        idx.at.push(r.at);
        idx.k.push(r.k);
        idx.kf.push(r.kf);
        idx.offset.push(start);
        idx.length.push(end - start);
      }
      start = end + 1;
    }
    idx.size = buf.length;
    this.#indexes.set(path, idx);
    return idx;
  }

  append(region: string, day: string, rec: ReplayRecord): Promise<boolean> {
    // one append at a time: offsets are the file's size
    const run = this.#queue.then(() => this.#append(region, day, rec));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(region: string, day: string, rec: ReplayRecord): Promise<boolean> {
    const idx = await this.#index(region, day);
    if (idx.at.length > 0 && idx.at.at(-1)! >= rec.at) return false;
    const dayDir = join(this.dir, day);
    const created = idx.size === 0;
    if (created) await mkdir(dayDir, { recursive: true, mode: 0o750 });
    // a torn last line: the record starts on a line of its own
    const head = idx.torn ? '\n' : '';
    const line = JSON.stringify({ at: rec.at, k: rec.k, kf: rec.kf, z: rec.z });
    const fh = await open(this.#path(region, day), 'a', 0o640);
    try {
      await fh.write(head + line + '\n');
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const offset = idx.size + head.length;
    const length = Buffer.byteLength(line);
    idx.at.push(rec.at);
    idx.k.push(rec.k);
    idx.kf.push(rec.kf);
    idx.offset.push(offset);
    idx.length.push(length);
    idx.size = offset + length + 1;
    idx.torn = false;
    if (created) {
      await syncDir(dayDir);
      await syncDir(this.dir);
    }
    return true;
  }

  async seek(region: string, day: string, at: number): Promise<{ rec: ReplayRecord; keyframe: ReplayRecord } | null> {
    const idx = await this.#index(region, day);
    const i = lastAtOrBefore(idx.at, at);
    if (i < 0) return null;
    const j = idx.k[i] === 1 ? i : lastAtOrBefore(idx.at, idx.kf[i]!);
    if (j < 0 || idx.at[j] !== idx.kf[i]) return null;
    const fh = await open(this.#path(region, day), 'r');
    try {
      const read = async (n: number): Promise<ReplayRecord> => {
        const buf = Buffer.alloc(idx.length[n]!);
        await fh.read(buf, 0, buf.length, idx.offset[n]!);
        const r = parseLine(buf.toString('utf8'));
        if (!r) throw new Error(`replay: unreadable record in ${day}/${region}.ndjson`);
        return r;
      };
      const rec = await read(i);
      return { rec, keyframe: j === i ? rec : await read(j) };
    } finally {
      await fh.close();
    }
  }

  async dayRange(region: string, day: string): Promise<DayRange | null> {
    const idx = await this.#index(region, day);
    if (idx.at.length === 0) return null;
    return { from: idx.at[0]!, to: idx.at.at(-1)!, count: idx.at.length };
  }

  async prune(beforeDay: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const old = names.filter((n) => DAY_RE.test(n) && n < beforeDay);
    for (const day of old) {
      await rm(join(this.dir, day), { recursive: true, force: true });
      for (const path of this.#indexes.keys()) if (path.startsWith(join(this.dir, day))) this.#indexes.delete(path);
    }
    if (old.length > 0) await syncDir(this.dir);
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}
