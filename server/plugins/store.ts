// The store (SPEC 3–5): the embedded MemoryStore, or RedisStore when REDIS_URL (a single Redis)
// or REDIS_CLUSTER_NODES (a Redis Cluster) is set.
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { Views } from '../aggregate/views.ts';
import { redisTarget } from '../store/redis/client.ts';
import type { Store, StoreOptions } from '../store/types.ts';
import type { StoreLog } from '../store/memory.ts';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** the read side: snapshots and map points built from the store's roll-up input */
    views: Views;
  }
}

export interface StorePluginOptions {
  config: Config;
  /** an already built store (the caller owns neither open nor close then) */
  store?: Store;
  /** MemoryStore: move corrupt log records aside at open (`--repair`) */
  repair?: boolean;
}

const ONLINE_WINDOW_MS = 5 * 60_000;
const REPLAY_HOURS = 24;

export function storeOptions(config: Config): StoreOptions {
  return {
    timeZone: config.TIME_ZONE,
    retentionDays: config.RETENTION_DAYS,
    overdueDays: config.OVERDUE_DAYS,
    outOfContactDays: config.OUT_OF_CONTACT_DAYS,
    onlineWindowMs: ONLINE_WINDOW_MS,
    replayHours: REPLAY_HOURS,
  };
}

export async function createStore(config: Config, memory: { repair?: boolean; log?: StoreLog } = {}): Promise<Store> {
  const options = storeOptions(config);
  const target = redisTarget(config);
  if (target) {
    const { RedisStore } = await import('../store/redis.ts');
    return new RedisStore({
      ...options,
      target,
      prefix: config.REDIS_PREFIX,
      minReplicas: config.REDIS_MIN_REPLICAS,
      commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    });
  }
  const { MemoryStore } = await import('../store/memory.ts');
  return new MemoryStore({ ...options, ...memory, dataDir: config.DATA_DIR });
}

export default fp<StorePluginOptions>(
  async (fastify, opts) => {
    const owned = opts.store === undefined;
    const store = opts.store ?? (await createStore(opts.config, { repair: opts.repair === true, log: fastify.log }));
    if (owned) await store.open();
    fastify.decorate('store', store);
    fastify.decorate('views', new Views(store, storeOptions(opts.config)));
    // the persistence check needs Redis' answer: RedisStore opens without it (Redis down at
    // start) and is then not ready; the check runs once the store is open
    const pending = store.isOpen === false;
    if (pending) fastify.log.warn({ engine: store.engine }, 'redis unreachable: not ready until it answers');
    const checkPersistence = async () => {
      const health = await store.health();
      fastify.log.info({ engine: store.engine, persistence: health.persistence }, 'store open');
      // a cluster reports each master's kind when they differ ("aof,none"): every one must be AOF
      if (store.engine === 'redis' && !health.persistence.split(',').every((p) => /aof/i.test(p))) {
        fastify.log.warn(
          { persistence: health.persistence },
          'Redis AOF is off: acknowledged events can be lost on a Redis crash ' +
            '(set appendonly yes, appendfsync everysec or always)',
        );
      }
    };
    if (pending) void store.opened?.then(checkPersistence).catch(() => undefined);
    else await checkPersistence();
    if (owned) fastify.addHook('onClose', async () => store.close());
  },
  { name: 'store' },
);
