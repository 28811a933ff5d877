// RedisStore: the scale-out engine. One EVALSHA of redis/ingest.lua per batch does dedupe
// and every aggregate update atomically; reads go through RollupReader (two pipelines,
// cached per version and section). Several server processes share one Redis.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { NormalizedEvent, Org } from '../contract/index.ts';
import type { RollupInput } from '../aggregate/model.ts';
import { clockFor } from '../aggregate/rollup.ts';
import { DAY_MS, withDefaults } from './options.ts';
import { encodeBatch, genMsOf, type EncodeParams } from './redis/encode.ts';
import { migrateRecords, redisHealth, sampleDedupeBytes, sweepDedupe } from './redis/ops.ts';
import { K, keyBase } from './redis/keys.ts';
import { RollupReader } from './redis/read.ts';
import { StoreUnavailableError, type IngestResult, type Store, type StoreHealth, type StoreOptions } from './types.ts';

const INGEST_LUA = readFileSync(new URL('./redis/ingest.lua', import.meta.url), 'utf8');
const ROSTER_POLL_MS = 2000;

export interface RedisStoreOptions extends Partial<StoreOptions> {
  url?: string;
  /** key prefix; keys are `{prefix}:…` (default "zhdj") */
  prefix?: string;
  /**
   * dedupe buckets of a generation when the one before it holds fewer than 100 ids per bucket (default 4096);
   * a new generation doubles it until that holds
   */
  dedupeBuckets?: number;
  /**
   * dedupe generations checked per id (default 2: ids kept 1–2× the retention; 3: 1–1.5×, one more HEXISTS
   * per event)
   */
  dedupeGenerations?: number;
}

type IngestFn = (base: string, ...args: (string | Buffer)[]) => Promise<number[]>;

export class RedisStore implements Store {
  readonly engine = 'redis' as const;
  readonly opts: StoreOptions;
  readonly base: string;
  private readonly redis: Redis;
  private readonly reader: RollupReader;
  private readonly enc: EncodeParams;
  private poll: NodeJS.Timeout | null = null;
  private sweptGen = -1;
  /** the latest sweep of expired dedupe generations (resolves to keys removed) */
  sweeping: Promise<number> = Promise.resolve(0);
  /** round trips to Redis made by ingest() (one per batch) */
  ingestRoundTrips = 0;

  constructor(o: RedisStoreOptions = {}) {
    this.opts = withDefaults(o);
    this.base = keyBase(o.prefix ?? 'zhdj');
    this.redis = new Redis(o.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      // fail fast while disconnected: ingest answers 503 instead of hanging
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.redis.on('error', () => undefined); // surfaced per command as StoreUnavailableError
    this.redis.defineCommand('zhdjIngest', { numberOfKeys: 1, lua: INGEST_LUA });
    const clock = clockFor(this.opts.timeZone);
    this.reader = new RollupReader(this.redis, this.base, clock, this.opts.onlineWindowMs);
    this.enc = {
      clock,
      retentionMs: this.opts.retentionDays * DAY_MS,
      replayMs: this.opts.replayHours * 3_600_000,
      onlineWindowMs: this.opts.onlineWindowMs,
      buckets: o.dedupeBuckets ?? 4096,
      gens: Math.max(2, Math.floor(o.dedupeGenerations ?? 2)),
    };
  }

  async open(): Promise<void> {
    try {
      await this.redis.connect();
      await migrateRecords(this.redis, this.base);
      await this.loadRoster();
    } catch (e) {
      throw new StoreUnavailableError(`redis unreachable: ${(e as Error).message}`);
    }
    this.poll = setInterval(() => void this.loadRoster().catch(() => undefined), ROSTER_POLL_MS);
    this.poll.unref();
  }

  private async loadRoster(): Promise<void> {
    await this.reader.refreshRoster();
  }

  async close(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async health(): Promise<StoreHealth> {
    return redisHealth(this.redis);
  }

  async putRoster(orgs: Org[]): Promise<void> {
    const copy = orgs.map((o) => ({ ...o }));
    await this.guard(() =>
      this.redis
        .multi()
        .set(this.base + K.roster, JSON.stringify(copy))
        .incr(this.base + K.rosterVersion)
        .incr(this.base + K.ver)
        .exec(),
    );
    await this.loadRoster();
  }

  async getRoster(): Promise<Org[]> {
    await this.guard(() => this.loadRoster());
    return this.reader.roster.map((o) => ({ ...o }));
  }

  isKnownOrg(org: string): boolean {
    return this.reader.rosterIds.has(org);
  }

  async ingest(events: NormalizedEvent[], nowMs = Date.now()): Promise<IngestResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0, duplicateIndexes: [] };
    const n = events.length;
    const args = encodeBatch(events, nowMs, this.enc);
    const run = (this.redis as unknown as { zhdjIngest: IngestFn }).zhdjIngest;
    const dups = await this.guard(() => run.call(this.redis, this.base, ...args));
    this.ingestRoundTrips += 1;
    const gen = Math.floor(nowMs / genMsOf(this.enc.retentionMs, this.enc.gens));
    if (gen !== this.sweptGen) {
      this.sweptGen = gen;
      this.sweeping = sweepDedupe(this.redis, this.base, gen, this.enc.gens).catch(() => ((this.sweptGen = -1), 0));
    }
    return { accepted: n - dups.length, duplicates: dups.length, duplicateIndexes: dups.map(Number) };
  }

  /** Runs a command; connection trouble becomes StoreUnavailableError (503 + Retry-After). */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new StoreUnavailableError(`redis is ${this.redis.status}`);
    try {
      return await fn();
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/ERR|WRONGTYPE|NOSCRIPT/.test(msg) && this.redis.status === 'ready') throw e;
      throw new StoreUnavailableError(`redis write failed: ${msg}`);
    }
  }

  async isEmpty(): Promise<boolean> {
    const n = await this.guard(() => this.redis.hget(this.base + K.meta, 'n'));
    return !n || n === '0';
  }

  async rollupInput(nowMs: number): Promise<RollupInput> {
    return this.guard(() => this.reader.input(nowMs));
  }

  async version(): Promise<number> {
    return Number((await this.guard(() => this.redis.get(this.base + K.ver))) ?? 0);
  }

  async dedupeBytesPerId(): Promise<number> {
    return this.guard(() => sampleDedupeBytes(this.redis, this.base));
  }

  /**
   * Accepted raw events (names masked) of the last `replayHours`, oldest first, from the
   * stream: one entry per batch holding the batch and the indexes of its duplicates.
   */
  async recentEvents(sinceMs: number, limitBatches = 10_000): Promise<NormalizedEvent[]> {
    const entries = await this.guard(() =>
      this.redis.xrange(this.base + K.stream, String(Math.max(0, Math.floor(sinceMs))), '+', 'COUNT', limitBatches),
    );
    const out: NormalizedEvent[] = [];
    for (const [, fields] of entries) {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      const dups = new Set((f.dups ?? '').split(',').filter(Boolean).map(Number));
      (JSON.parse(f.events ?? '[]') as NormalizedEvent[]).forEach((ev, i) => dups.has(i) || out.push(ev));
    }
    return out;
  }

  /** Read round trips so far (for the README figures). */
  get readRoundTrips(): number {
    return this.reader.roundTrips;
  }

  /** Deletes every key under this store's prefix (tests and measurements only). */
  async destroyAllData(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.base.replace(/[*?[\]]/g, '\\$&')}*`,
        'COUNT',
        1000,
      );
      if (keys.length) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
