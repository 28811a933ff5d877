// RedisStore's dedupe generations: sized from the generation before, checked across the
// retention, swept after it, and measured in bytes per remembered id.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../server/store/redis.ts';
import * as F from './fixtures.ts';
import { REDIS_TEST_URL, redisReachable, REQUIRE_REDIS, runId } from './redis-harness.ts';

const reachable = await redisReachable();
if (!reachable && REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
if (!reachable) console.warn(`\n!!! RedisStore dedupe tests SKIPPED: no Redis at ${REDIS_TEST_URL} !!!\n`);

describe.skipIf(!reachable)('RedisStore dedupe generations', () => {
  const stores: RedisStore[] = [];
  const raw = new Redis(REDIS_TEST_URL);
  afterAll(async () => {
    for (const s of stores) {
      await s.destroyAllData();
      await s.close();
    }
    raw.disconnect();
  });

  it('sizes a generation from the one before, remembers ids for the retention, then forgets them', async () => {
    const s = new RedisStore({ url: REDIS_TEST_URL, prefix: runId(), dedupeBuckets: 4, retentionDays: 1 });
    stores.push(s);
    await s.open();
    await s.putRoster(F.ROSTER);
    const day0 = Math.floor(F.NOW / F.DAY) * F.DAY + F.HOUR; // one generation = one day here
    const gen0 = Math.floor(day0 / F.DAY);
    const evs = Array.from({ length: 1000 }, (_, i) => F.active('b-a1', `m${i}`, day0));
    expect((await s.ingest(evs, day0)).accepted).toBe(1000);
    expect(await raw.get(`${s.countyBase('610113')}dd:${gen0}:nb`)).toBe('4');
    const bytes = await s.dedupeBytesPerId();
    expect(bytes).toBeGreaterThan(8);
    expect(bytes).toBeLessThan(40);

    const day1 = day0 + F.DAY;
    expect((await s.ingest([evs[0]!, F.active('b-a1', 'x', day1)], day1)).duplicateIndexes).toEqual([0]);
    expect(await raw.get(`${s.countyBase('610113')}dd:${gen0 + 1}:nb`)).toBe('16'); // 4 doubled until 1000 ids fit at 100 per bucket

    const day2 = day1 + F.DAY; // gen0 is past the retention now: swept, and its ids are new again
    expect((await s.ingest([evs[1]!], day2)).accepted).toBe(1);
    expect(await s.sweeping).toBeGreaterThan(0); // the sweep runs after ingest resolves
    expect(await raw.exists(`${s.countyBase('610113')}dd:${gen0}:nb`, `${s.countyBase('610113')}dd:${gen0}:0`)).toBe(0);
  });
});
