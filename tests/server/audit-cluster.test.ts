// The Redis audit on a Redis Cluster (a private 3-master one): every audit key has the
// `{prefix}` tag, so a day's append (XADD, EXPIREAT, ZADD in one MULTI) and a prune run on one
// slot.
import { afterAll, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../server/aggregate/period.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { RedisAuditSink } from '../../server/audit/redis.ts';
import { startClusterOrSkip, type PrivateCluster } from './store/redis-cluster.ts';
import { runId } from './store/redis-harness.ts';

const DAY = 86_400_000;
const cluster = await startClusterOrSkip('audit on a Redis Cluster', { replicas: 0 });
afterAll(async () => cluster?.stop());

describe.skipIf(!cluster)('audit on a Redis Cluster', () => {
  it('records, tallies, reads back and prunes by day', async () => {
    const c = cluster as PrivateCluster;
    await c.waitOk();
    const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - DAY;
    let t = T0;
    const sink = new RedisAuditSink({
      target: { kind: 'cluster', nodes: c.seedList },
      prefix: runId(),
      retentionDays: 180,
    });
    const log = new AuditLog({
      sink,
      timeZone: 'Asia/Shanghai',
      retentionDays: 180,
      flushIntervalMs: 0,
      maxBuckets: 10,
      now: () => t,
    });
    await log.open();
    await log.record({ kind: 'roster', action: 'PUT /api/v1/roster', actor: 'a', result: 'ok', detail: { orgs: 3 } });
    log.count({ kind: 'ingest', action: 'POST /api/v1/events', actor: 'a', result: 'ok' }, { accepted: 5 });
    t = T0 + 2 * DAY;
    await log.flush();
    const all = { from: T0 - DAY, to: T0 + 3 * DAY };
    expect((await log.query(all)).map((r) => [r.kind, r.count])).toEqual([
      ['roster', 1],
      ['ingest', 1],
    ]);
    t = T0 + 182 * DAY;
    expect(await log.prune()).toEqual([new ZonedClock('Asia/Shanghai').day(T0)]);
    expect(await log.query(all)).toEqual([]);
    await log.close();
  }, 60_000);
});
