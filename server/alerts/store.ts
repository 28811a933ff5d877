// The alert state store of a configuration, chosen as the audit log's sink is: Redis when
// REDIS_URL or REDIS_CLUSTER_NODES is set, else files in DATA_DIR/alerts/ (server/README.md,
// "Alert lifecycle").
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { redisTarget } from '../store/redis/client.ts';
import type { AlertStateStore } from './service.ts';
import { FileAlertStateStore } from './store-files.ts';
import { RedisAlertStateStore } from './store-redis.ts';

export { AlertStoreCorruptError } from './store-doc.ts';
export { FileAlertStateStore } from './store-files.ts';
export { RedisAlertStateStore } from './store-redis.ts';

export const alertsDir = (dataDir: string): string => join(dataDir, 'alerts');

type AlertStoreConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'REDIS_PREFIX'
  | 'REDIS_COMMAND_TIMEOUT_MS'
  | 'DATA_DIR'
  | 'TIME_ZONE'
  | 'ALERT_RETENTION_DAYS'
>;

export type DurableAlertStateStore = (FileAlertStateStore | RedisAlertStateStore) &
  AlertStateStore & { close(): Promise<void> };

export function createAlertStateStore(
  config: AlertStoreConfig,
  opts: { now?: () => number; onError?: (err: Error) => void } = {},
): DurableAlertStateStore {
  const common = {
    timeZone: config.TIME_ZONE,
    retentionDays: config.ALERT_RETENTION_DAYS,
    ...(opts.now ? { now: opts.now } : {}),
  };
  const target = redisTarget(config);
  if (!target) return new FileAlertStateStore({ dir: alertsDir(config.DATA_DIR), ...common });
  return new RedisAlertStateStore({
    target,
    prefix: config.REDIS_PREFIX,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    ...common,
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
}
