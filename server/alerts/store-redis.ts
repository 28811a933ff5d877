// The alert state in Redis (single or Cluster): the hash `{prefix}:alerts:state` with `v` (the
// version) and `doc` (the document's JSON), changed only by a script that compares `v` with the
// expected version and sets both at once (expected none: the key must not exist); the history in
// one Stream per local day, `{prefix}:alerts:history:YYYY-MM-DD` (entries `e` → the entry's
// JSON), each with EXPIREAT past the retention, listed by the sorted set
// `{prefix}:alerts:history:days` (day number → day). Every key shares the `{prefix}` tag: one
// slot on a Redis Cluster, so the transaction and the script are legal there.
import { ZonedClock } from '../aggregate/period.ts';
import type { AlertHistoryEntry } from '../contract/alerts.ts';
import { createRedisClient, type RedisClient, type RedisTarget } from '../store/redis/client.ts';
import { keyBase } from '../store/redis/keys.ts';
import type { AlertStateDoc, AlertStateStore } from './service.ts';
import { AlertStoreCorruptError, byDay, DAY_MS, historyOf, parseHistoryEntry, parseStateDoc } from './store-doc.ts';

const PAGE = 5000;

export const alertStateKey = (prefix: string): string => `${keyBase(prefix)}alerts:state`;
export const alertHistoryKey = (prefix: string, day: string): string => `${keyBase(prefix)}alerts:history:${day}`;
export const alertHistoryDaysKey = (prefix: string): string => `${keyBase(prefix)}alerts:history:days`;

/** KEYS[1] the state hash; ARGV expected version ('' = none stored), new version, document. */
const SAVE = `
local cur = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
return 1
`;
const SAVE_CMD = 'zhdjAlertStateSave';

type Script = (...args: (string | number)[]) => Promise<number>;

/** The day's number (days since 1970-01-01) of a YYYY-MM-DD string. */
const dayNumber = (day: string): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

export interface RedisAlertStoreOptions {
  /** where to connect (the store owns that client), or a client of the caller's (left open) */
  target?: RedisTarget;
  redis?: RedisClient;
  prefix: string;
  timeZone: string;
  /** history days kept (ALERT_RETENTION_DAYS) */
  retentionDays: number;
  commandTimeoutMs?: number;
  now?: () => number;
  onError?: (err: Error) => void;
}

export class RedisAlertStateStore implements AlertStateStore {
  readonly engine = 'redis' as const;
  readonly #o: RedisAlertStoreOptions;
  readonly #redis: RedisClient;
  readonly #owned: boolean;
  readonly #clock: ZonedClock;
  readonly #now: () => number;
  #lastPruneDay = '';

  constructor(o: RedisAlertStoreOptions) {
    this.#o = o;
    this.#clock = new ZonedClock(o.timeZone);
    this.#now = o.now ?? Date.now;
    if (o.redis) {
      this.#redis = o.redis;
      this.#owned = false;
    } else {
      if (!o.target) throw new Error('RedisAlertStateStore: a target or a client');
      this.#redis = createRedisClient(o.target, {
        maxRetriesPerRequest: 1,
        ...(o.commandTimeoutMs ? { commandTimeout: o.commandTimeoutMs } : {}),
      });
      this.#redis.on('error', (err: Error) => o.onError?.(err));
      this.#owned = true;
    }
    if (!(SAVE_CMD in this.#redis)) this.#redis.defineCommand(SAVE_CMD, { numberOfKeys: 1, lua: SAVE });
  }

  get prefix(): string {
    return this.#o.prefix;
  }

  async load(): Promise<AlertStateDoc | null> {
    const key = alertStateKey(this.#o.prefix);
    const [v = null, text = null] = await this.#redis.hmget(key, 'v', 'doc');
    if (v === null && text === null) return null;
    if (v === null || text === null) throw new AlertStoreCorruptError(`Redis key ${key}`, 'v or doc missing');
    const doc = parseStateDoc(text, `Redis key ${key}`);
    if (String(doc.version) !== v) throw new AlertStoreCorruptError(`Redis key ${key}`, `v ${v} ≠ doc.version`);
    return doc;
  }

  /** the stored version alone (one HGET): a process checks it each frame interval and loads the
   * whole document only when it moved */
  async version(): Promise<number | null> {
    const v = await this.#redis.hget(alertStateKey(this.#o.prefix), 'v');
    return v === null ? null : Number(v);
  }

  async save(doc: AlertStateDoc, expected: number | null): Promise<boolean> {
    const save = (this.#redis as unknown as Record<string, Script>)[SAVE_CMD]!.bind(this.#redis);
    const ok = await save(
      alertStateKey(this.#o.prefix),
      expected === null ? '' : String(expected),
      String(doc.version),
      JSON.stringify(doc),
    );
    return ok === 1;
  }

  /** A day's stream expires a day after the retention has passed its last instant (a local day
   * ends at most 14 h after its UTC day). */
  expireAtS(day: string): number {
    return Math.ceil(((dayNumber(day) + 1) * DAY_MS + (this.#o.retentionDays + 1) * DAY_MS + 14 * 3_600_000) / 1000);
  }

  async appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const m = this.#redis.multi();
    for (const [day, list] of byDay(this.#clock, entries)) {
      const key = alertHistoryKey(this.#o.prefix, day);
      for (const e of list) m.xadd(key, '*', 'e', JSON.stringify(e));
      m.expireat(key, this.expireAtS(day));
      m.zadd(alertHistoryDaysKey(this.#o.prefix), dayNumber(day), day);
    }
    const replies = await m.exec();
    if (!replies) throw new Error('redis alert history: transaction discarded');
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0]!;
    const today = this.#clock.day(this.#now());
    if (today !== this.#lastPruneDay) {
      this.#lastPruneDay = today;
      await this.prune(this.#now() - this.#o.retentionDays * DAY_MS);
    }
  }

  async history(fingerprint: string, fromMs: number): Promise<AlertHistoryEntry[]> {
    const days = await this.#redis.zrangebyscore(
      alertHistoryDaysKey(this.#o.prefix),
      dayNumber(this.#clock.day(fromMs)),
      '+inf',
    );
    const entries: AlertHistoryEntry[] = [];
    for (const day of days) entries.push(...(await this.#readDay(day)));
    return historyOf(entries, fingerprint, fromMs);
  }

  /** Deletes the history of the local days before the day of `beforeMs`; answers them. */
  async prune(beforeMs: number): Promise<string[]> {
    const daysKey = alertHistoryDaysKey(this.#o.prefix);
    const old = await this.#redis.zrangebyscore(daysKey, '-inf', `(${dayNumber(this.#clock.day(beforeMs))}`);
    if (old.length === 0) return [];
    const m = this.#redis.multi();
    for (const day of old) m.del(alertHistoryKey(this.#o.prefix, day));
    m.zrem(daysKey, ...old);
    const replies = await m.exec();
    const failed = replies?.find(([err]) => err);
    if (failed) throw failed[0]!;
    return old;
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #readDay(day: string): Promise<AlertHistoryEntry[]> {
    const key = alertHistoryKey(this.#o.prefix, day);
    const out: AlertHistoryEntry[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.#redis.xrange(key, start, '+', 'COUNT', PAGE)) as [string, string[]][];
      for (const [, fields] of page) {
        const at = fields.indexOf('e');
        const e = at >= 0 ? parseHistoryEntry(fields[at + 1] ?? '') : null;
        if (e) out.push(e);
      }
      if (page.length < PAGE) return out;
      start = `(${page[page.length - 1]![0]}`;
    }
  }
}
