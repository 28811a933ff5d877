// RedisStore harness: a random key prefix per run on REDIS_TEST_URL (default db 9 on the
// local Redis), removed afterwards; nothing outside the prefix is touched. When Redis is
// unreachable the suite fails with REQUIRE_REDIS=1 and otherwise skips with a loud warning.
import { RedisStore } from '../../../server/store/redis.ts';
import type { Store } from '../../../server/store/types.ts';
import type { EngineHarness } from './engines.ts';
import { REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../../server/lib/redis.ts';

export { REDIS_TEST_URL, REQUIRE_REDIS, redisReachable };

export function runId(): string {
  return `zhdj-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function redisHarness(): Promise<EngineHarness | null> {
  if (!(await redisReachable())) {
    if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
    console.warn(
      `\n!!! RedisStore contract tests SKIPPED: no Redis at ${REDIS_TEST_URL} (set REDIS_TEST_URL, or REQUIRE_REDIS=1 to fail) !!!\n`,
    );
    return null;
  }
  const prefixes = new Map<Store, string>();
  const all: string[] = [];
  const make = async (prefix: string) => {
    const s = new RedisStore({ url: REDIS_TEST_URL, prefix, dedupeBuckets: 256 });
    await s.open();
    prefixes.set(s, prefix);
    return s;
  };
  return {
    name: 'redis',
    async create() {
      const p = runId();
      all.push(p);
      return make(p);
    },
    async reopen(prev, restart) {
      if (restart) await prev.close();
      return make(prefixes.get(prev)!);
    },
    async cleanup() {
      for (const p of all) {
        const s = new RedisStore({ url: REDIS_TEST_URL, prefix: p });
        await s.open();
        await s.destroyAllData();
        await s.close();
      }
    },
  };
}
