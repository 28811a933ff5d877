// The Redis alert state store on a private Redis Cluster (3 masters + 3 replicas): the
// compare-and-set script and the history transactions touch keys of one slot only, so they run
// there as on one server (skipped loudly without redis-server, failed with REQUIRE_REDIS=1).
import { afterAll, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../../server/aggregate/period.ts';
import type { AlertStateDoc } from '../../../server/alerts/service.ts';
import { createAlertStateStore, RedisAlertStateStore } from '../../../server/alerts/store.ts';
import { alertStateKey } from '../../../server/alerts/store-redis.ts';
import { keySlot } from '../../../server/store/redis/slot.ts';
import { startClusterOrSkip } from '../store/redis-cluster.ts';

const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';
/** a Beijing midnight 30 days ahead (streams expire by the servers' clocks) */
const MIDNIGHT = Math.floor((Date.now() + 8 * 3_600_000) / DAY + 30) * DAY - 8 * 3_600_000;
const START = MIDNIGHT - 15 * 60_000;

const cluster = await startClusterOrSkip('tests/server/alerts/store-cluster.test.ts');

const doc = (version: number, evaluatedAt = 0): AlertStateDoc => ({
  version,
  evaluatedAt,
  engine: { version: 1, nextSilence: 1, instances: [], silences: [] },
});

describe.skipIf(!cluster)('RedisAlertStateStore on a Redis Cluster', () => {
  const stores: RedisAlertStateStore[] = [];
  const open = (now = () => START, retentionDays = 90) => {
    const s = createAlertStateStore(
      {
        REDIS_URL: undefined,
        REDIS_CLUSTER_NODES: cluster!.seeds,
        REDIS_PREFIX: 'alertsc',
        REDIS_COMMAND_TIMEOUT_MS: 5000,
        DATA_DIR: '/nonexistent',
        TIME_ZONE: TZ,
        ALERT_RETENTION_DAYS: retentionDays,
      },
      { now },
    );
    expect(s).toBeInstanceOf(RedisAlertStateStore);
    stores.push(s as RedisAlertStateStore);
    return s as RedisAlertStateStore;
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
    await cluster?.stop();
  });

  it('compare-and-set, two at once, history across two days, a restart, retention', async () => {
    await cluster!.waitOk();
    const a = open();
    const b = open();
    expect(await a.load()).toBeNull();
    expect(await a.save(doc(1, 1), 3)).toBe(false);
    expect(await a.save(doc(1, 1), null)).toBe(true);
    expect(await b.save(doc(1, 2), null)).toBe(false);
    const got = await Promise.all([a.save(doc(2, 10), 1), b.save(doc(2, 11), 1), b.save(doc(2, 12), 1)]);
    expect(got.filter(Boolean)).toHaveLength(1);
    expect((await a.load())!.evaluatedAt).toBe(10 + got.indexOf(true));

    let now = START - 10 * DAY;
    const c = open(() => now, 3);
    await c.appendHistory([{ at: now, fingerprint: 'x', event: 'pending' }]);
    now = START;
    await c.appendHistory([
      { at: START, fingerprint: 'x', event: 'firing', from: 'pending' },
      { at: MIDNIGHT + 1, fingerprint: 'x', event: 'ack', by: '王伟' },
      { at: MIDNIGHT + 2, fingerprint: 'y', event: 'pending' },
    ]);
    const restarted = open(() => now, 3);
    expect((await restarted.history('x', 0)).map((e) => e.event)).toEqual(['firing', 'ack']);
    expect((await restarted.history('x', MIDNIGHT)).map((e) => e.event)).toEqual(['ack']);
    expect(await restarted.load()).toEqual(await a.load());
    expect(await restarted.prune(MIDNIGHT)).toEqual([new ZonedClock(TZ).day(START)]);
    expect((await restarted.history('x', 0)).map((e) => e.event)).toEqual(['ack']);
    // the slot the hash tag names holds every key
    expect(keySlot(alertStateKey('alertsc'))).toBe(keySlot('{alertsc}'));
  }, 60_000);
});
