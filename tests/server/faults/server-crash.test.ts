// The server SIGKILLed mid-stream, on both engines: every batch it answered 200 is there after
// a restart (0 acknowledged events lost), nothing is counted twice; on the embedded store a torn
// last line is tolerated. A real server process, real HTTP, four senders racing (group commit;
// for Redis a private redis-server with AOF fsynced always).
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import { RedisStore } from '../../../server/store/redis.ts';
import type { Store } from '../../../server/store/types.ts';
import { REQUIRE_REDIS } from '../lib/redis.ts';
import { haveRedisServer, PrivateRedis } from '../store/redis-server.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { viewsOf } from '../store/views.ts';
import { listening, startServerProcess } from './memory/server-process.ts';

const TOKEN = 'ingest-secret-for-crash';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const BATCH = 100;
const SENDERS = 4;
const KILL_AFTER_ACKS = 40;
const dirs: string[] = [];
const redises: PrivateRedis[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  for (const r of redises) await r.stop();
});
const haveRedis = haveRedisServer();
if (!haveRedis && !REQUIRE_REDIS)
  console.warn('\n*** SKIPPING the Redis case of server-crash.test.ts: no redis-server ***\n');

interface Engine {
  name: string;
  skip: boolean;
  /** the server's environment */
  env(dataDir: string): Promise<Record<string, string>>;
  /** what a restart finds (after the embedded store's torn write) */
  reopen(dataDir: string): Promise<Store>;
}

let redisUrl = '';
const engines: Engine[] = [
  {
    name: 'memory',
    skip: false,
    env: async () => ({}),
    async reopen(d) {
      // a write cut short by the kill, whether or not this one was
      const logs = (await readdir(d)).filter((f) => f.startsWith('log.')).sort();
      await appendFile(join(d, logs.at(-1)!), '{"b":1,"e":[{"id":"torn","ty');
      const s = new MemoryStore({ dataDir: d, compactIntervalMs: 0 });
      await s.open(); // takes over the dead holder's lock once it is stale
      return s;
    },
  },
  {
    name: 'redis',
    skip: !haveRedis && !REQUIRE_REDIS,
    async env() {
      const r = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always']);
      redises.push(r);
      redisUrl = r.url;
      return { REDIS_URL: r.url, REDIS_PREFIX: 'crash' };
    },
    async reopen() {
      const s = new RedisStore({ url: redisUrl, prefix: 'crash' });
      await s.open();
      return s;
    },
  },
];

const now = Date.now();
const batch = (k: number): NormalizedEvent[] =>
  Array.from({ length: BATCH }, (_, i) => ({
    id: `k${k}-${i}`,
    type: 'transfer.updated',
    ts: now - 1000 - i,
    org: 'b1',
    member: `k${k}-m${i}`,
    transfer: `k${k}-t${i}`,
    stage: 'applied',
    toRegion: '440100',
  }));

describe.each(engines.map((e) => [e.name, e] as const))('server SIGKILL mid-stream (%s)', (_name, engine) => {
  it.skipIf(engine.skip)(
    'loses no acknowledged event',
    async () => {
      const d = await mkdtemp(join(tmpdir(), 'zhdj-crash-'));
      dirs.push(d);
      const p = startServerProcess(d, { INGEST_TOKENS: TOKEN, ...(await engine.env(d)) });
      const url = await listening(p);
      const put = await fetch(`${url}/api/v1/roster`, { method: 'PUT', headers, body: JSON.stringify(ROSTER) });
      expect(put.status).toBe(200);

      const acked: number[] = [];
      let next = 0;
      let killed = false;
      const sender = async (): Promise<void> => {
        while (!killed) {
          const k = next++;
          try {
            const r = await fetch(`${url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(batch(k)) });
            if (r.status === 200) acked.push(k);
          } catch {
            return; // the server is gone
          }
          if (acked.length >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            p.child.kill('SIGKILL'); // the other senders' batches are in flight
          }
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, sender));
      await p.exited;
      expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

      const s = await engine.reopen(d);
      try {
        // open transfer cases count without regard to the day: one per stored event
        const stored = (await viewsOf(s).snapshot('610113', Date.now())).kpi.transfersOpen;
        expect(stored).toBeGreaterThanOrEqual(acked.length * BATCH);
        // batch by batch: every acknowledged one is there whole; any other is there whole or not at all
        let found = 0;
        for (let k = 0; k < next; k++) {
          const r = await s.ingest(batch(k), Date.now());
          if (acked.includes(k)) expect(r).toMatchObject({ accepted: 0, duplicates: BATCH });
          else expect([0, BATCH]).toContain(r.duplicates);
          found += r.duplicates;
        }
        expect(found).toBe(stored); // nothing counted twice, nothing invented
        console.log(
          `SIGKILL mid-stream (${engine.name}): ${acked.length} batches acknowledged, ${next} sent, 0 acknowledged lost`,
        );
      } finally {
        await s.close();
      }
    },
    60_000,
  );
});
