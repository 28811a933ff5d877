// Replay engines for tests: real files in a temp directory, and a real Redis (REDIS_TEST_URL)
// with a private prefix (skipped loudly when unreachable, failed with REQUIRE_REDIS=1).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReplayEngine } from '../../../server/replay/files.ts';
import { RedisReplayEngine } from '../../../server/replay/redis.ts';
import type { ReplayEngine } from '../../../server/replay/types.ts';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from '../lib/redis.ts';

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
  const out: EngineHarness[] = [];
  const dirs: string[] = [];
  const opened: ReplayEngine[] = [];
  out.push({
    name: 'files',
    async create() {
      dirs.push(await mkdtemp(join(tmpdir(), 'zhdj-replay-')));
      return this.again();
    },
    async again() {
      const e = new FileReplayEngine(join(dirs[dirs.length - 1]!, 'replay'));
      await e.open();
      return e;
    },
    where: () => join(dirs[dirs.length - 1]!, 'replay'),
    async cleanup() {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  });
  if (await redisReachable()) {
    const prefixes: string[] = [];
    out.push({
      name: 'redis',
      async create(retentionDays) {
        prefixes.push(privatePrefix('replay'));
        return this.again(retentionDays);
      },
      async again(retentionDays = 7) {
        const prefix = prefixes[prefixes.length - 1]!;
        const e = new RedisReplayEngine({ target: { kind: 'single', url: REDIS_TEST_URL }, prefix, retentionDays });
        await e.open();
        opened.push(e);
        return e;
      },
      where: () => prefixes[prefixes.length - 1]!,
      async cleanup() {
        for (const e of opened) await e.close();
        for (const p of prefixes) await dropPrefix(p);
      },
    });
  } else if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
  else console.warn(`\n!!! replay tests on Redis SKIPPED: no Redis at ${REDIS_TEST_URL} !!!\n`);
  return out;
}
