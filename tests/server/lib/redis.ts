// Redis for tests: REDIS_TEST_URL (default redis://127.0.0.1:6379/9) with a private key
// prefix; only keys under that prefix are ever deleted. REQUIRE_REDIS=1 turns "unreachable"
// into a failure; otherwise the suite is skipped with a loud warning.
import { Redis } from 'ioredis';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379/9';
export const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

export async function redisReachable(url = REDIS_TEST_URL): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
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

export function privatePrefix(name: string): string {
  return `zhdjtest-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes the keys of one prefix (`{prefix}:…`, and per county or region `{prefix:…}:…`). */
export async function dropPrefix(prefix: string, url = REDIS_TEST_URL): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  let dropped = 0;
  try {
    for (const pattern of [`{${prefix}}:*`, `{${prefix}:*`, `${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) dropped += await r.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return dropped;
}
