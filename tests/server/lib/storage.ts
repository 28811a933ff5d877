// One store for tests on each engine: real files in a temp directory, and a real Redis
// (REDIS_TEST_URL) with a private prefix (skipped loudly when unreachable, failed with
// REQUIRE_REDIS=1). The replay engines and the audit sinks are made this way.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPrefix, privatePrefix, REDIS_TEST_URL, REQUIRE_REDIS, redisReachable } from './redis.ts';

export interface Storage<T> {
  name: 'files' | 'redis';
  /** a fresh, empty store (opened) */
  create(retentionDays?: number): Promise<T>;
  /** another store on the same storage as the last created (another process) */
  again(retentionDays?: number): Promise<T>;
  /** the temp directory (files) or the key prefix (redis) of the last created */
  last(): string;
  cleanup(): Promise<void>;
}

export async function storages<T extends { open(): Promise<void> }>(o: {
  /** names the temp directories, the key prefixes and the warning: 'replay', 'audit' */
  what: string;
  /** a store kept in (below) the temp directory `dir` */
  files(dir: string): T;
  redis(prefix: string, retentionDays: number): T;
  /** the Redis store's retention when none is given */
  retentionDays: number;
  /** how the Redis stores opened are closed on cleanup (not closed without) */
  close?: (store: T) => Promise<void>;
}): Promise<Storage<T>[]> {
  const out: Storage<T>[] = [];
  const dirs: string[] = [];
  const files = async () => {
    const s = o.files(dirs[dirs.length - 1]!);
    await s.open();
    return s;
  };
  out.push({
    name: 'files',
    async create() {
      dirs.push(await mkdtemp(join(tmpdir(), `zhdj-${o.what}-`)));
      return files();
    },
    again: files,
    last: () => dirs[dirs.length - 1]!,
    async cleanup() {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  });
  if (await redisReachable()) {
    const prefixes: string[] = [];
    const opened: T[] = [];
    const redis = async (retentionDays = o.retentionDays) => {
      const s = o.redis(prefixes[prefixes.length - 1]!, retentionDays);
      await s.open();
      opened.push(s);
      return s;
    };
    out.push({
      name: 'redis',
      async create(retentionDays) {
        prefixes.push(privatePrefix(o.what));
        return redis(retentionDays);
      },
      again: redis,
      last: () => prefixes[prefixes.length - 1]!,
      async cleanup() {
        if (o.close) for (const s of opened) await o.close(s);
        for (const p of prefixes) await dropPrefix(p);
      },
    });
  } else if (REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_TEST_URL} is unreachable`);
  else console.warn(`\n!!! ${o.what} tests on Redis SKIPPED: no Redis at ${REDIS_TEST_URL} !!!\n`);
  return out;
}
