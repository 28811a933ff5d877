// Audit sinks for tests: real files in a temp directory, and a real Redis (REDIS_TEST_URL) with a
// private prefix (skipped loudly when unreachable, failed with REQUIRE_REDIS=1).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAuditSink } from '../../server/audit/files.ts';
import { RedisAuditSink } from '../../server/audit/redis.ts';
import type { AuditSink } from '../../server/audit/types.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from './lib/redis.ts';

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
  const out: SinkHarness[] = [];
  const dirs: string[] = [];
  out.push({
    name: 'files',
    async create() {
      dirs.push(await mkdtemp(join(tmpdir(), 'zhdj-audit-')));
      return this.again();
    },
    async again() {
      const s = new FileAuditSink(join(dirs[dirs.length - 1]!, 'audit'));
      await s.open();
      return s;
    },
    env: () => ({ DATA_DIR: dirs[dirs.length - 1]! }),
    async cleanup() {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  });
  if (await redisReachable()) {
    const prefixes: string[] = [];
    out.push({
      name: 'redis',
      async create(retentionDays) {
        prefixes.push(privatePrefix('audit'));
        return this.again(retentionDays);
      },
      async again(retentionDays = 180) {
        const prefix = prefixes[prefixes.length - 1]!;
        const s = new RedisAuditSink({ target: { kind: 'single', url: REDIS_TEST_URL }, prefix, retentionDays });
        await s.open();
        return s;
      },
      env: () => ({ REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefixes[prefixes.length - 1]! }),
      async cleanup() {
        for (const p of prefixes) await dropPrefix(p);
      },
    });
  } else if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
  else console.warn(`\n!!! audit tests on Redis SKIPPED: no Redis at ${REDIS_TEST_URL} !!!\n`);
  return out;
}
