// The Redis audit: one Stream per local day, `{prefix}:audit:YYYY-MM-DD` (entries `r` → the
// record's JSON), each with EXPIREAT past the retention plus a day, and the sorted set
// `{prefix}:audit:days` (day number → day) that lists them. Every key shares the `{prefix}`
// tag: one slot on a Redis Cluster. Nothing rewrites an entry; `prune` deletes whole days.
import { createRedisClient, type RedisClient, type RedisTarget } from '../store/redis/client.ts';
import { keyBase } from '../store/redis/keys.ts';
import { dayNumber, DAY_RE, parseRecord, type AuditRecord, type AuditSink } from './types.ts';

const DAY_MS = 86_400_000;
const PAGE = 5000;

export const auditStreamKey = (prefix: string, day: string): string => `${keyBase(prefix)}audit:${day}`;
export const auditDaysKey = (prefix: string): string => `${keyBase(prefix)}audit:days`;

export interface RedisAuditOptions {
  target: RedisTarget;
  prefix: string;
  retentionDays: number;
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export class RedisAuditSink implements AuditSink {
  readonly engine = 'redis' as const;
  private readonly redis: RedisClient;

  constructor(private readonly o: RedisAuditOptions) {
    this.redis = createRedisClient(o.target, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      ...(o.commandTimeoutMs ? { commandTimeout: o.commandTimeoutMs } : {}),
    });
    this.redis.on('error', (err: Error) => o.onError?.(err));
  }

  /** Connects in the background: the server starts while Redis is down; writes that fail are
   * kept and retried by the log. */
  async open(): Promise<void> {
    this.redis.connect().catch((err: Error) => this.o.onError?.(err));
  }

  /** A day's stream expires a day after the retention has passed its last instant (a local day
   * ends at most 14 h after its UTC day). */
  expireAtS(day: string): number {
    return Math.ceil(((dayNumber(day) + 1) * DAY_MS + (this.o.retentionDays + 1) * DAY_MS + 14 * 3_600_000) / 1000);
  }

  async append(byDay: Map<string, AuditRecord[]>): Promise<void> {
    const m = this.redis.multi();
    for (const [day, records] of byDay) {
      if (!DAY_RE.test(day) || records.length === 0) continue;
      const key = auditStreamKey(this.o.prefix, day);
      for (const r of records) m.xadd(key, '*', 'r', JSON.stringify(r));
      m.expireat(key, this.expireAtS(day));
      m.zadd(auditDaysKey(this.o.prefix), dayNumber(day), day);
    }
    const replies = await m.exec();
    const failed = replies?.find(([err]) => err);
    if (!replies) throw new Error('redis audit: transaction discarded');
    if (failed) throw failed[0]!;
  }

  async days(fromDay: string, toDay: string): Promise<string[]> {
    return this.redis.zrangebyscore(auditDaysKey(this.o.prefix), dayNumber(fromDay), dayNumber(toDay));
  }

  async read(day: string): Promise<AuditRecord[]> {
    const key = auditStreamKey(this.o.prefix, day);
    const out: AuditRecord[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.redis.xrange(key, start, '+', 'COUNT', PAGE)) as [string, string[]][];
      for (const [, fields] of page) {
        const at = fields.indexOf('r');
        const r = at >= 0 ? parseRecord(fields[at + 1] ?? '') : null;
        if (r) out.push(r);
      }
      if (page.length < PAGE) return out;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  async prune(beforeDay: string): Promise<string[]> {
    const daysKey = auditDaysKey(this.o.prefix);
    const old = await this.redis.zrangebyscore(daysKey, '-inf', `(${dayNumber(beforeDay)}`);
    if (old.length === 0) return [];
    const m = this.redis.multi();
    for (const day of old) m.del(auditStreamKey(this.o.prefix, day));
    m.zrem(daysKey, ...old);
    await m.exec();
    return old;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
