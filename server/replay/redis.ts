// The Redis engine (single or Cluster): one Stream per region and local day,
// `{prefix}:replay:<region>:<YYYY-MM-DD>`, entry id `<at>-0` (fields k, kf, z), EXPIREAT a day
// past the retention. The explicit id dedupes: two processes recording the same interval write
// the same id and the second XADD is refused, which is no error here. A seek is XREVRANGE
// <at> - COUNT 1, and for a patch XRANGE <kf> <kf>. Every key shares the `{prefix}` tag, as
// the audit's and the rooms' do; each command touches one key anyway.
import { dayNumber } from '../audit/types.ts';
import { createRedisClient, type RedisClient, type RedisTarget } from '../store/redis/client.ts';
import { keyBase } from '../store/redis/keys.ts';
import type { ReplayRecord } from './codec.ts';
import type { DayRange, ReplayEngine } from './types.ts';

const DAY_MS = 86_400_000;
/** a local day ends at most 14 h after its UTC day */
const ZONE_SLACK_MS = 14 * 3_600_000;

export const replayStreamKey = (prefix: string, region: string, day: string): string =>
  `${keyBase(prefix)}replay:${region}:${day}`;

export interface RedisReplayOptions {
  target?: RedisTarget;
  redis?: RedisClient;
  prefix: string;
  retentionDays: number;
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

type Entry = [id: string, fields: string[]];

function recordOf([id, fields]: Entry): ReplayRecord | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  const at = Number(id.slice(0, id.indexOf('-')));
  if (!Number.isFinite(at) || f.z === undefined) return null;
  return { at, k: f.k === '1' ? 1 : 0, kf: Number(f.kf ?? at), z: f.z };
}

/** XADD's refusal of an id at or below the stream's last one */
const isStaleId = (err: unknown): boolean => /equal or smaller than the target stream top item/i.test(String(err));

export class RedisReplayEngine implements ReplayEngine {
  readonly engine = 'redis' as const;
  readonly #redis: RedisClient;
  readonly #owned: boolean;

  constructor(private readonly o: RedisReplayOptions) {
    if (o.redis) {
      this.#redis = o.redis;
      this.#owned = false;
    } else {
      if (!o.target) throw new Error('RedisReplayEngine: a target or a client');
      this.#redis = createRedisClient(o.target, {
        maxRetriesPerRequest: 1,
        ...(o.commandTimeoutMs ? { commandTimeout: o.commandTimeoutMs } : {}),
      });
      this.#redis.on('error', (err: Error) => o.onError?.(err));
      this.#owned = true;
    }
  }

  async open(): Promise<void> {}

  /** the stream of a day expires a day after the retention has passed its last instant */
  expireAtS(day: string): number {
    return Math.ceil(((dayNumber(day) + 1 + this.o.retentionDays + 1) * DAY_MS + ZONE_SLACK_MS) / 1000);
  }

  #key(region: string, day: string): string {
    return replayStreamKey(this.o.prefix, region, day);
  }

  async append(region: string, day: string, rec: ReplayRecord): Promise<boolean> {
    const key = this.#key(region, day);
    try {
      await this.#redis.xadd(key, `${rec.at}-0`, 'k', String(rec.k), 'kf', String(rec.kf), 'z', rec.z);
    } catch (err) {
      if (isStaleId(err)) return false;
      throw err;
    }
    await this.#redis.expireat(key, this.expireAtS(day));
    return true;
  }

  async seek(region: string, day: string, at: number): Promise<{ rec: ReplayRecord; keyframe: ReplayRecord } | null> {
    const key = this.#key(region, day);
    const [last] = (await this.#redis.xrevrange(key, String(Math.floor(at)), '-', 'COUNT', 1)) as Entry[];
    const rec = last ? recordOf(last) : null;
    if (!rec) return null;
    if (rec.k === 1) return { rec, keyframe: rec };
    const [kf] = (await this.#redis.xrange(key, `${rec.kf}-0`, `${rec.kf}-0`)) as Entry[];
    const keyframe = kf ? recordOf(kf) : null;
    return keyframe && keyframe.k === 1 ? { rec, keyframe } : null;
  }

  async dayRange(region: string, day: string): Promise<DayRange | null> {
    const key = this.#key(region, day);
    const count = await this.#redis.xlen(key);
    if (count === 0) return null;
    const [first] = (await this.#redis.xrange(key, '-', '+', 'COUNT', 1)) as Entry[];
    const [last] = (await this.#redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Entry[];
    const from = first ? recordOf(first)?.at : undefined;
    const to = last ? recordOf(last)?.at : undefined;
    return from === undefined || to === undefined ? null : { from, to, count };
  }

  async prune(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
