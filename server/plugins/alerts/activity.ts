// What the source-silent and study-anomaly rules read (issue 10): when each upstream source
// last sent a batch, and study events per county per local hour. Every process notes its own
// ingest (ActivityTap) and adds it to the store at each alert tick; whichever process evaluates
// reads the sum. Files (DATA_DIR/alerts/activity.json: one process holds a DATA_DIR) or Redis
// (`{prefix}:alerts:sources` hash, `{prefix}:alerts:study:<hourMs>` hashes that expire).
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ZonedClock } from '../../aggregate/period.ts';
import { createRedisClient, type RedisClient, type RedisTarget } from '../../store/redis/client.ts';
import { keyBase } from '../../store/redis/keys.ts';
import { writeFileAtomic } from '../../alerts/store-files.ts';

const HOUR_MS = 3_600_000;

/** What one process saw since its last flush. */
export interface ActivityDelta {
  /** source → its last accepted batch (ms) */
  seen: Map<string, number>;
  /** local hour start (ms) → county → study events */
  study: Map<number, Map<string, number>>;
}

export interface SourcesSeen {
  /** source → last batch (ms) */
  sources: Record<string, number>;
  /** when watching began (the first start against this store): silence counts from here for a
   * source that never sent */
  watchingSince: number;
}

export interface AlertActivityStore {
  /** adds a delta: last-seen times by maximum, study counts by sum; `now` starts the watch once */
  add(delta: ActivityDelta, now: number): Promise<void>;
  sources(now: number): Promise<SourcesSeen>;
  /** hour start → county → count, for the hours asked (absent: none recorded) */
  study(hours: readonly number[]): Promise<Map<number, Map<string, number>>>;
  close(): Promise<void>;
}

/** The start of the local hour holding `ms`. */
export function hourStart(clock: ZonedClock, ms: number): number {
  const local = ms + clock.offsetMs(ms);
  return ms - (((local % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** One process's notes between flushes. */
export class ActivityTap {
  #delta: ActivityDelta = { seen: new Map(), study: new Map() };
  readonly #clock: ZonedClock;

  constructor(timeZone: string) {
    this.#clock = new ZonedClock(timeZone);
  }

  /** a batch accepted from `source` (null: a token naming none) at `nowMs`, holding these study events' (county, ts) */
  note(source: string | null, nowMs: number, study: Iterable<{ county: string; ts: number }>): void {
    if (source !== null) this.#delta.seen.set(source, Math.max(this.#delta.seen.get(source) ?? 0, nowMs));
    for (const s of study) {
      const h = hourStart(this.#clock, s.ts);
      let byCounty = this.#delta.study.get(h);
      if (!byCounty) this.#delta.study.set(h, (byCounty = new Map()));
      byCounty.set(s.county, (byCounty.get(s.county) ?? 0) + 1);
    }
  }

  /** what was noted since the last take, and a fresh start */
  take(): ActivityDelta {
    const d = this.#delta;
    this.#delta = { seen: new Map(), study: new Map() };
    return d;
  }

  /** a delta that could not be stored goes back, to be added with the next one */
  giveBack(d: ActivityDelta): void {
    const next = this.take();
    this.#delta = d;
    mergeDelta(this.#delta, next);
  }

  get hourClock(): ZonedClock {
    return this.#clock;
  }
}

function mergeDelta(into: ActivityDelta, d: ActivityDelta): void {
  for (const [s, t] of d.seen) into.seen.set(s, Math.max(into.seen.get(s) ?? 0, t));
  for (const [h, m] of d.study) {
    let byCounty = into.study.get(h);
    if (!byCounty) into.study.set(h, (byCounty = new Map()));
    for (const [c, n] of m) byCounty.set(c, (byCounty.get(c) ?? 0) + n);
  }
}

interface ActivityDoc {
  watchingSince: number;
  sources: Record<string, number>;
  /** hour start → county → count */
  study: Record<string, Record<string, number>>;
}

/** In memory, and kept in a file when `path` is given (written whole, atomically, at each add). */
export class FileActivityStore implements AlertActivityStore {
  #doc: ActivityDoc | null = null;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string | null,
    /** study hours older than this are dropped */
    readonly keepMs: number,
  ) {}

  async #load(): Promise<ActivityDoc> {
    if (this.#doc) return this.#doc;
    let doc: ActivityDoc = { watchingSince: 0, sources: {}, study: {} };
    if (this.path) {
      try {
        doc = JSON.parse(await readFile(this.path, 'utf8')) as ActivityDoc;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new Error(`alert activity: ${this.path} cannot be read (${(err as Error).message}); move it aside`, {
            cause: err,
          });
        }
      }
    }
    this.#doc = doc;
    return doc;
  }

  async add(delta: ActivityDelta, now: number): Promise<void> {
    const run = this.#chain.then(async () => {
      const doc = await this.#load();
      if (doc.watchingSince === 0) doc.watchingSince = now;
      for (const [s, t] of delta.seen) doc.sources[s] = Math.max(doc.sources[s] ?? 0, t);
      for (const [h, m] of delta.study) {
        const row = (doc.study[String(h)] ??= {});
        for (const [c, n] of m) row[c] = (row[c] ?? 0) + n;
      }
      for (const h of Object.keys(doc.study)) if (Number(h) < now - this.keepMs) delete doc.study[h];
      if (this.path) {
        await mkdir(dirname(this.path), { recursive: true, mode: 0o750 });
        await writeFileAtomic(this.path, JSON.stringify(doc));
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async sources(now: number): Promise<SourcesSeen> {
    const doc = await this.#load();
    return { sources: { ...doc.sources }, watchingSince: doc.watchingSince || now };
  }

  async study(hours: readonly number[]): Promise<Map<number, Map<string, number>>> {
    const doc = await this.#load();
    const out = new Map<number, Map<string, number>>();
    for (const h of hours) {
      const row = doc.study[String(h)];
      if (row) out.set(h, new Map(Object.entries(row)));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#chain;
  }
}

// last-seen by maximum: a process whose batch was older never moves a source back
const MAX_SEEN = `
for i = 1, #ARGV, 2 do
  local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > cur then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;

export class RedisActivityStore implements AlertActivityStore {
  readonly #redis: RedisClient;
  readonly #base: string;

  constructor(
    target: RedisTarget,
    prefix: string,
    /** study hours expire this long after their start */
    readonly keepMs: number,
    commandTimeoutMs?: number,
  ) {
    this.#base = keyBase(prefix);
    this.#redis = createRedisClient(target, {
      maxRetriesPerRequest: 1,
      ...(commandTimeoutMs ? { commandTimeout: commandTimeoutMs } : {}),
    });
    this.#redis.on('error', () => undefined);
  }

  get #sourcesKey(): string {
    return `${this.#base}alerts:sources`;
  }

  #studyKey(h: number): string {
    return `${this.#base}alerts:study:${h}`;
  }

  async add(delta: ActivityDelta, now: number): Promise<void> {
    const m = this.#redis.multi();
    m.hsetnx(this.#sourcesKey, '__watchingSince', String(now));
    const args = [...delta.seen].flatMap(([s, t]) => [s, String(t)]);
    if (args.length > 0) m.eval(MAX_SEEN, 1, this.#sourcesKey, ...args);
    for (const [h, byCounty] of delta.study) {
      const key = this.#studyKey(h);
      for (const [c, n] of byCounty) m.hincrby(key, c, n);
      m.pexpireat(key, h + this.keepMs);
    }
    const replies = await m.exec();
    if (!replies) throw new Error('redis alert activity: transaction discarded');
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0]!;
  }

  async sources(now: number): Promise<SourcesSeen> {
    const all = await this.#redis.hgetall(this.#sourcesKey);
    const sources: Record<string, number> = {};
    let watchingSince = now;
    for (const [k, v] of Object.entries(all)) {
      if (k === '__watchingSince') watchingSince = Number(v);
      else sources[k] = Number(v);
    }
    return { sources, watchingSince };
  }

  async study(hours: readonly number[]): Promise<Map<number, Map<string, number>>> {
    const m = this.#redis.multi();
    for (const h of hours) m.hgetall(this.#studyKey(h));
    const replies = (await m.exec()) ?? [];
    const out = new Map<number, Map<string, number>>();
    hours.forEach((h, i) => {
      const [err, row] = replies[i] ?? [null, null];
      if (err) throw err;
      const entries = Object.entries((row ?? {}) as Record<string, string>);
      if (entries.length > 0) out.set(h, new Map(entries.map(([c, n]) => [c, Number(n)])));
    });
    return out;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
