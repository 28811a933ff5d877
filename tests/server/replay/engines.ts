// Replay engines for tests: real files in a temp directory, and a real Redis (REDIS_TEST_URL)
// with a private prefix (skipped loudly when unreachable, failed with REQUIRE_REDIS=1).
import { join } from 'node:path';
import { FileReplayEngine } from '../../../server/replay/files.ts';
import { RedisReplayEngine } from '../../../server/replay/redis.ts';
import type { ReplayEngine } from '../../../server/replay/types.ts';
import { REDIS_TEST_URL } from '../lib/redis.ts';
import { storages } from '../lib/storage.ts';

export interface EngineHarness {
  name: 'files' | 'redis';
  /** a fresh, empty engine (opened) */
  create(retentionDays?: number): Promise<ReplayEngine>;
  /** another engine on the same storage as the last created (another process) */
  again(retentionDays?: number): Promise<ReplayEngine>;
  /** the directory or key prefix of the last created */
  where(): string;
  cleanup(): Promise<void>;
}

export async function engineHarnesses(): Promise<EngineHarness[]> {
  const all = await storages<ReplayEngine>({
    what: 'replay',
    files: (dir) => new FileReplayEngine(join(dir, 'replay')),
    redis: (prefix, retentionDays) =>
      new RedisReplayEngine({ target: { kind: 'single', url: REDIS_TEST_URL }, prefix, retentionDays }),
    retentionDays: 7,
    close: (e) => e.close(),
  });
  return all.map(({ name, create, again, last, cleanup }) => ({
    name,
    create,
    again,
    where: () => (name === 'files' ? join(last(), 'replay') : last()),
    cleanup,
  }));
}
