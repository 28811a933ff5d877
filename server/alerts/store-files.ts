// The alert state on disk, for the embedded store: DATA_DIR/alerts/state.json (the whole
// document, written to state.json.tmp, fsynced, renamed over, the directory fsynced) and
// DATA_DIR/alerts/history-YYYY-MM-DD.ndjson (one entry a line, one file per local day, appended
// and datasynced before appendHistory resolves; a torn last line is skipped and the next entry
// starts a line of its own). One process holds a DATA_DIR (the embedded store locks it), so the
// compare-and-set is against the version this process last read or wrote, every load and save
// in one queue. A state.json that is not a state document is never replaced: load throws.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { daysIn, endsWithNewline, syncDir } from '../audit/files.ts';
import { ZonedClock } from '../aggregate/period.ts';
import type { AlertHistoryEntry } from '../contract/alerts.ts';
import type { AlertStateDoc, AlertStateStore } from './service.ts';
import { byDay, DAY_MS, historyOf, parseHistoryEntry, parseStateDoc } from './store-doc.ts';

export const STATE_FILE = 'state.json';
const HISTORY_RE = /^history-(\d{4}-\d{2}-\d{2})\.ndjson$/;
export const historyFile = (day: string): string => `history-${day}.ndjson`;

export interface FileAlertStoreOptions {
  /** DATA_DIR/alerts */
  dir: string;
  timeZone: string;
  /** whole local days older are removed (ALERT_RETENTION_DAYS) */
  retentionDays: number;
  now?: () => number;
}

export class FileAlertStateStore implements AlertStateStore {
  readonly engine = 'files' as const;
  readonly #o: FileAlertStoreOptions;
  readonly #clock: ZonedClock;
  readonly #now: () => number;
  /** the stored version as this process knows it (undefined: not read yet; null: no file) */
  #version: number | null | undefined;
  /** loads and saves, one at a time */
  #state: Promise<unknown> = Promise.resolve();
  /** appends, prunes and reads of history, one at a time */
  #history: Promise<unknown> = Promise.resolve();
  #madeDir = false;
  /** history files checked for a torn last line */
  readonly #checked = new Set<string>();
  #lastPruneDay = '';

  constructor(o: FileAlertStoreOptions) {
    this.#o = o;
    this.#clock = new ZonedClock(o.timeZone);
    this.#now = o.now ?? Date.now;
  }

  get dir(): string {
    return this.#o.dir;
  }

  async load(): Promise<AlertStateDoc | null> {
    return this.#queue('state', async () => {
      const doc = await this.#read();
      this.#version = doc?.version ?? null;
      return doc;
    });
  }

  async save(doc: AlertStateDoc, expected: number | null): Promise<boolean> {
    return this.#queue('state', async () => {
      if (this.#version === undefined) this.#version = (await this.#read())?.version ?? null;
      if (this.#version !== expected) return false;
      await this.#mkdir();
      await writeFileAtomic(join(this.#o.dir, STATE_FILE), JSON.stringify(doc));
      this.#version = doc.version;
      return true;
    });
  }

  async appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#queue('history', async () => {
      await this.#mkdir();
      let created = false;
      for (const [day, list] of byDay(this.#clock, entries)) {
        const path = join(this.#o.dir, historyFile(day));
        const fh = await open(path, 'a', 0o640);
        try {
          let head = '';
          if (!this.#checked.has(path)) {
            const { size } = await fh.stat();
            if (size === 0) created = true;
            else if (!(await endsWithNewline(path, size))) head = '\n';
            this.#checked.add(path);
          }
          await fh.write(head + list.map((e) => JSON.stringify(e)).join('\n') + '\n');
          await fh.datasync();
        } finally {
          await fh.close();
        }
      }
      if (created) await this.#syncDir();
    });
    const today = this.#clock.day(this.#now());
    if (today !== this.#lastPruneDay) {
      this.#lastPruneDay = today;
      await this.prune(this.#now() - this.#o.retentionDays * DAY_MS);
    }
  }

  async history(fingerprint: string, fromMs: number): Promise<AlertHistoryEntry[]> {
    return this.#queue('history', async () => {
      const from = this.#clock.day(fromMs);
      const entries: AlertHistoryEntry[] = [];
      for (const day of (await this.#days()).filter((d) => d >= from)) entries.push(...(await this.#readDay(day)));
      return historyOf(entries, fingerprint, fromMs);
    });
  }

  /** Removes the history files of the local days before the day of `beforeMs`; answers them. */
  async prune(beforeMs: number): Promise<string[]> {
    return this.#queue('history', async () => {
      const before = this.#clock.day(beforeMs);
      const old = (await this.#days()).filter((d) => d < before);
      for (const day of old) {
        const path = join(this.#o.dir, historyFile(day));
        await unlink(path).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
        this.#checked.delete(path);
      }
      if (old.length > 0) await this.#syncDir();
      return old;
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#state, this.#history]);
  }

  #queue<T>(which: 'state' | 'history', fn: () => Promise<T>): Promise<T> {
    const prev = which === 'state' ? this.#state : this.#history;
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    if (which === 'state') this.#state = settled;
    else this.#history = settled;
    return next;
  }

  async #read(): Promise<AlertStateDoc | null> {
    const path = join(this.#o.dir, STATE_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return parseStateDoc(text, path);
  }

  async #readDay(day: string): Promise<AlertHistoryEntry[]> {
    let text: string;
    try {
      text = await readFile(join(this.#o.dir, historyFile(day)), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: AlertHistoryEntry[] = [];
    for (const line of text.split('\n')) {
      const e = parseHistoryEntry(line);
      if (e) out.push(e);
    }
    return out;
  }

  async #days(): Promise<string[]> {
    return daysIn(this.#o.dir, HISTORY_RE);
  }

  async #mkdir(): Promise<void> {
    if (this.#madeDir) return;
    await mkdir(this.#o.dir, { recursive: true, mode: 0o750 });
    this.#madeDir = true;
  }

  async #syncDir(): Promise<void> {
    await syncDir(this.#o.dir);
  }
}

/** Replaces `path` whole or not at all: a temp file written and fsynced, renamed over, the
 * directory fsynced (also the alert activity's file, plugins/alerts/activity.ts). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o640);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}
