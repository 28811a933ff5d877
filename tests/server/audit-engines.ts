// Audit sinks for tests: real files in a temp directory, and a real Redis (REDIS_TEST_URL) with a
// private prefix (skipped loudly when unreachable, failed with REQUIRE_REDIS=1).
import { join } from 'node:path';
import { FileAuditSink } from '../../server/audit/files.ts';
import { RedisAuditSink } from '../../server/audit/redis.ts';
import type { AuditSink } from '../../server/audit/types.ts';
import { REDIS_TEST_URL } from './lib/redis.ts';
import { storages } from './lib/storage.ts';

export interface SinkHarness {
  name: 'files' | 'redis';
  /** a fresh, empty sink (opened) */
  create(retentionDays?: number): Promise<AuditSink>;
  /** another sink on the same storage as the last created */
  again(retentionDays?: number): Promise<AuditSink>;
  /** the app's environment for this engine */
  env(): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function sinkHarnesses(): Promise<SinkHarness[]> {
  const all = await storages<AuditSink>({
    what: 'audit',
    files: (dir) => new FileAuditSink(join(dir, 'audit')),
    redis: (prefix, retentionDays) =>
      new RedisAuditSink({ target: { kind: 'single', url: REDIS_TEST_URL }, prefix, retentionDays }),
    retentionDays: 180,
  });
  return all.map(({ name, create, again, last, cleanup }) => ({
    name,
    create,
    again,
    env: (): Record<string, string> =>
      name === 'files' ? { DATA_DIR: last() } : { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: last() },
    cleanup,
  }));
}
