// Who builds a region's frames, and the region's state as the fleet last built it. One
// process builds each region at a time (a lease); the state and the recent frames are
// kept where every process can read them, so a wall served by any process gets the same
// seq, and a builder that dies is continued — same seq, no jump — by whichever process
// takes the lease next. Without Redis there is one process: LocalLedger holds every lease.
import type { Frame, Snapshot } from '../contract/index.ts';
import type { RedisClient } from '../store/redis/client.ts';

/** A wall back within this long gets the frames it missed rather than a snapshot. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

/** A region's state as last built: what the next frame's patch applies to. */
export interface StoredFeed {
  seq: number;
  /** the store version it was built at */
  version: number;
  builtAt: number;
  snapshot: Snapshot;
}

/** What a commit found: stored; `lost`: another process holds the lease; `stale`: the stored
 * seq is not the one this state followed (another builder moved on: reload). */
export type CommitResult = 'ok' | 'lost' | 'stale';

export interface FeedLedger {
  /** Of `regions`, the ones this process builds now (leases taken or renewed), each with the
   * seq of the fleet's stored state (null: none stored). A builder whose own state has another
   * seq missed a builder between: it reloads. */
  claim(regions: readonly string[]): Promise<Map<string, number | null>>;
  /** The region's state as the fleet last stored it. */
  load(region: string): Promise<StoredFeed | undefined>;
  /** Stores the region's new state and the frame that led to it, only while this process holds
   * the lease (or it is free) and the stored seq is still `prevSeq` (null: nothing stored yet). */
  commit(region: string, prevSeq: number | null, state: StoredFeed, frame: Frame | undefined): Promise<CommitResult>;
  /** Every frame after `seq` up to the region's current seq, oldest first, when the log still
   * holds all of them (within RECOVERY_WINDOW_MS); undefined otherwise. */
  since(region: string, seq: number): Promise<Frame[] | undefined>;
  /** Gives the leases back (shutdown): another process takes over at its next tick. */
  release(regions: readonly string[]): Promise<void>;
}

interface LoggedFrame {
  at: number;
  frame: Frame;
}

/** Frames after `seq`, if `log` (oldest first) holds them all and `current` is their end. */
function framesAfter(log: readonly LoggedFrame[], seq: number, current: number, now: number): Frame[] | undefined {
  if (seq === current) return [];
  if (seq > current || seq < 0) return undefined;
  const out = log.filter((l) => l.frame.seq > seq && l.frame.seq <= current).map((l) => l.frame);
  if (out.length !== current - seq || out[0]!.seq !== seq + 1) return undefined;
  const first = log.find((l) => l.frame.seq === seq + 1)!;
  return now - first.at <= RECOVERY_WINDOW_MS ? out : undefined;
}

/** One process (the embedded store): every lease is ours. The states are RegionFeeds' own
 * objects; a region whose last wall left keeps its state and frames for RECOVERY_WINDOW_MS, so
 * a wall that comes back continues from the seq it holds. */
export class LocalLedger implements FeedLedger {
  readonly #logs = new Map<string, LoggedFrame[]>();
  readonly #states = new Map<string, StoredFeed>();
  /** regions given back (no walls), when */
  readonly #released = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async claim(regions: readonly string[]): Promise<Map<string, number | null>> {
    this.#forget();
    for (const r of regions) this.#released.delete(r);
    return new Map(regions.map((r) => [r, this.#states.get(r)?.seq ?? null]));
  }

  async load(region: string): Promise<StoredFeed | undefined> {
    this.#forget();
    return this.#states.get(region);
  }

  async commit(region: string, prevSeq: number | null, state: StoredFeed, frame: Frame | undefined) {
    if ((this.#states.get(region)?.seq ?? null) !== prevSeq) return 'stale' as const;
    this.#states.set(region, state);
    this.#released.delete(region);
    if (frame) {
      const log = this.#logs.get(region) ?? [];
      const now = this.#now();
      log.push({ at: now, frame });
      while (log.length > 0 && now - log[0]!.at > RECOVERY_WINDOW_MS) log.shift();
      this.#logs.set(region, log);
    }
    return 'ok' as const;
  }

  async since(region: string, seq: number): Promise<Frame[] | undefined> {
    const current = this.#states.get(region)?.seq;
    if (current === undefined) return undefined;
    return framesAfter(this.#logs.get(region) ?? [], seq, current, this.#now());
  }

  async release(regions: readonly string[]): Promise<void> {
    const now = this.#now();
    for (const r of regions) this.#released.set(r, now);
    this.#forget();
  }

  /** Drops what regions given back longer than the window ago kept. */
  #forget(): void {
    const now = this.#now();
    for (const [r, at] of this.#released) {
      if (now - at <= RECOVERY_WINDOW_MS) continue;
      this.#released.delete(r);
      this.#states.delete(r);
      this.#logs.delete(r);
    }
  }
}

// A region's keys share one hash tag, so the scripts below touch them in one slot.
// KEYS lease, seq · ARGV me, ttl → the stored seq ('' none) when the lease is ours, false otherwise
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return false end
if v then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return redis.call('GET', KEYS[2]) or ''`;
// KEYS lease, seq, state, log · ARGV me, ttl, prevSeq ('' none), seq, state, frame ('' none),
// log length, keep ms → 1 stored, 0 lease held by another, -1 stored seq is not prevSeq
const COMMIT = `local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[8])
redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[8])
if ARGV[6] ~= '' then
  redis.call('RPUSH', KEYS[4], ARGV[6])
  redis.call('LTRIM', KEYS[4], -tonumber(ARGV[7]), -1)
  redis.call('PEXPIRE', KEYS[4], ARGV[8])
end
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Script = (...args: (string | number)[]) => Promise<number | string | null>;

/** The fleet's ledger in Redis (single or Cluster): per region `{prefix:feed:REGION}:lease`
 * (holder id, PX ttl), `:seq`, `:state` (StoredFeed JSON) and `:log` (recent frames). */
export class RedisLedger implements FeedLedger {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #me: string;
  readonly #leaseMs: number;
  readonly #logMax: number;
  readonly #now: () => number;
  /** the state idles this long after its last write (no walls anywhere) */
  readonly #keepMs: number;

  constructor(o: {
    redis: RedisClient;
    prefix: string;
    /** this process, unique in the fleet */
    id: string;
    frameIntervalMs: number;
    leaseMs: number;
    now?: () => number;
  }) {
    this.#redis = o.redis;
    this.#prefix = o.prefix;
    this.#me = o.id;
    this.#leaseMs = o.leaseMs;
    // at most one frame per interval: the window's worth, and some
    this.#logMax = Math.ceil(RECOVERY_WINDOW_MS / o.frameIntervalMs) + 16;
    this.#now = o.now ?? Date.now;
    this.#keepMs = 24 * 3_600_000;
    for (const [name, lua, keys] of [
      ['zhdjFeedClaim', CLAIM, 2],
      ['zhdjFeedCommit', COMMIT, 4],
      ['zhdjFeedRelease', RELEASE, 1],
    ] as const) {
      if (!(name in this.#redis)) this.#redis.defineCommand(name, { numberOfKeys: keys, lua });
    }
  }

  #key(region: string, part: 'lease' | 'seq' | 'state' | 'log'): string {
    return `{${this.#prefix}:feed:${region}}:${part}`;
  }

  #script(name: string): Script {
    const fn = (this.#redis as unknown as Record<string, Script>)[name]!;
    return fn.bind(this.#redis);
  }

  async claim(regions: readonly string[]): Promise<Map<string, number | null>> {
    const claim = this.#script('zhdjFeedClaim');
    const got = await Promise.all(
      regions.map((r) => claim(this.#key(r, 'lease'), this.#key(r, 'seq'), this.#me, this.#leaseMs)),
    );
    const out = new Map<string, number | null>();
    regions.forEach((r, i) => {
      const seq = got[i];
      if (typeof seq === 'string') out.set(r, seq === '' ? null : Number(seq));
    });
    return out;
  }

  /** The last state read per region, and reads in flight: walls of one region that reconnect
   * together (their process died) cost one read of the ~100 KB state, not one each. */
  readonly #loaded = new Map<string, StoredFeed>();
  readonly #logs = new Map<string, { seq: number; log: LoggedFrame[] }>();
  readonly #inflight = new Map<string, Promise<unknown>>();

  #once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.#inflight.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn().finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, p);
    }
    return p;
  }

  /** The stored state: its seq read first (a few bytes), the state itself only when that seq
   * is not the one read last. */
  async load(region: string): Promise<StoredFeed | undefined> {
    return this.#once(`s:${region}`, async () => {
      const seq = await this.#redis.get(this.#key(region, 'seq'));
      if (seq === null) return undefined;
      const cached = this.#loaded.get(region);
      if (cached && cached.seq === Number(seq)) return cached;
      const json = await this.#redis.get(this.#key(region, 'state'));
      if (json === null) return undefined;
      const state = JSON.parse(json) as StoredFeed;
      this.#loaded.set(region, state);
      return state;
    });
  }

  async commit(
    region: string,
    prevSeq: number | null,
    state: StoredFeed,
    frame: Frame | undefined,
  ): Promise<CommitResult> {
    const logged = frame ? JSON.stringify({ at: this.#now(), frame } satisfies LoggedFrame) : '';
    const got = await this.#script('zhdjFeedCommit')(
      this.#key(region, 'lease'),
      this.#key(region, 'seq'),
      this.#key(region, 'state'),
      this.#key(region, 'log'),
      this.#me,
      this.#leaseMs,
      prevSeq === null ? '' : String(prevSeq),
      String(state.seq),
      JSON.stringify(state),
      logged,
      this.#logMax,
      this.#keepMs,
    );
    return got === 1 ? 'ok' : got === 0 ? 'lost' : 'stale';
  }

  async since(region: string, seq: number): Promise<Frame[] | undefined> {
    const [state, log] = await Promise.all([this.load(region), this.#redis.lrange(this.#key(region, 'log'), 0, -1)]);
    if (!state) return undefined;
    const frames = log.map((j) => JSON.parse(j) as LoggedFrame);
    return framesAfter(frames, seq, state.seq, this.#now());
  }

  async release(regions: readonly string[]): Promise<void> {
    for (const r of regions) {
      this.#loaded.delete(r);
      this.#logs.delete(r);
    }
    const release = this.#script('zhdjFeedRelease');
    await Promise.all(regions.map((r) => release(this.#key(r, 'lease'), this.#me)));
  }
}
