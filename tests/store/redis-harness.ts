// RedisStore harness: a random key prefix per run on REDIS_TEST_URL (default db 9 on the
// local Redis), removed afterwards; nothing outside the prefix is touched. When Redis is
// unreachable the suite fails with REQUIRE_REDIS=1 and otherwise skips with a loud warning.
import { Redis } from 'ioredis';
import { RedisStore } from '../../server/store/redis.ts';
import type { Store } from '../../server/store/types.ts';
import type { EngineHarness } from './engines.ts';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379/9';
export const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

export async function redisReachable(url = REDIS_TEST_URL): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function runId(): string {
  return `zhdj-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function redisHarness(): Promise<EngineHarness | null> {
  if (!(await redisReachable())) {
    if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
    console.warn(`\n!!! RedisStore contract tests SKIPPED: no Redis at ${REDIS_TEST_URL} (set REDIS_TEST_URL, or REQUIRE_REDIS=1 to fail) !!!\n`);
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
