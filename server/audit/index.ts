// The audit log of a configuration: files in DATA_DIR/audit/ for the embedded store, Redis
// Streams when REDIS_URL or REDIS_CLUSTER_NODES is set (server/README.md, "Audit log").
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { redisTarget } from '../store/redis/client.ts';
import { FileAuditSink } from './files.ts';
import { AuditLog } from './log.ts';
import { RedisAuditSink } from './redis.ts';
import type { AuditSink } from './types.ts';

export { AuditLog, readRange } from './log.ts';
export type { AuditEntry, AuditKind, AuditQuery, AuditRecord, AuditSink } from './types.ts';
export { actorOf, tokenId } from './token.ts';

export const auditDir = (dataDir: string): string => join(dataDir, 'audit');

type AuditConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'REDIS_PREFIX'
  | 'REDIS_COMMAND_TIMEOUT_MS'
  | 'DATA_DIR'
  | 'AUDIT_RETENTION_DAYS'
>;

export function createAuditSink(config: AuditConfig, onError?: (err: Error) => void): AuditSink {
  const target = redisTarget(config);
  if (!target) return new FileAuditSink(auditDir(config.DATA_DIR));
  return new RedisAuditSink({
    target,
    prefix: config.REDIS_PREFIX,
    retentionDays: config.AUDIT_RETENTION_DAYS,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    ...(onError ? { onError } : {}),
  });
}

export function createAuditLog(
  config: AuditConfig & Pick<Config, 'TIME_ZONE' | 'AUDIT_FLUSH_INTERVAL_MS' | 'AUDIT_MAX_BUCKETS'>,
  opts: { now?: () => number; onError?: (err: unknown, what: string) => void } = {},
): AuditLog {
  return new AuditLog({
    sink: createAuditSink(config, opts.onError ? (err) => opts.onError!(err, 'audit redis connection') : undefined),
    timeZone: config.TIME_ZONE,
    retentionDays: config.AUDIT_RETENTION_DAYS,
    flushIntervalMs: config.AUDIT_FLUSH_INTERVAL_MS,
    maxBuckets: config.AUDIT_MAX_BUCKETS,
    ...opts,
  });
}
