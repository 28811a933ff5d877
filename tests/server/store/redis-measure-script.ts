// Hand-run measurement of RedisStore's write path alone, one or more source trees side by side
// (not a test; figures go to server/store/README.md):
//   node --import tsx tests/server/store/redis-measure-script.ts [tree…] (default: this tree)
// e.g. an older commit unpacked with `git archive <commit> | tar -x -C /tmp/base` (node_modules
// linked). Per tree and round: Node CPU of encodeBatch per event, and redis-server CPU per event
// of ingest.lua on a private redis-server (no persistence), the same pre-built events for every
// tree (measure.ts's mix of the seven original types), rounds alternated so load hits all alike.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { redisChildEnv } from './redis-server.ts';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { batchMaker } from './measure-events.ts';

const trees = (process.argv.length > 2 ? process.argv.slice(2) : ['.']).map((t) => resolve(t));
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const BATCHES = 100;
const BATCH = 2000;

const makeBatch = batchMaker(BATCH);

type Encode = (events: NormalizedEvent[], nowMs: number, p: object) => (string | Buffer)[];
const impls = await Promise.all(
  trees.map(async (root) => ({
    root,
    encode: ((await import(`${root}/server/store/redis/encode.ts`)) as { encodeBatch: Encode }).encodeBatch,
    clock: ((await import(`${root}/server/aggregate/rollup.ts`)) as { clockFor: (z: string) => object }).clockFor(
      'Asia/Shanghai',
    ),
    lua: readFileSync(`${root}/server/store/redis/ingest.lua`, 'utf8'),
  })),
);

const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
  stdio: 'ignore',
  env: redisChildEnv(),
});
const redis = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: (n) => (n < 50 ? 100 : null) });
const redisCpuS = async (): Promise<number> => {
  const info = await redis.info('cpu');
  const f = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return f('used_cpu_user') + f('used_cpu_sys');
};

try {
  const now = Date.now();
  const out: Record<string, { encodeUs: number[]; redisUs: number[] }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of impls) {
      const p = {
        clock: m.clock,
        retentionMs: 35 * 86_400_000,
        replayMs: 86_400_000,
        onlineWindowMs: 300_000,
        buckets: 4096,
        gens: 2,
      };
      const events = Array.from({ length: BATCHES }, () => makeBatch(now));
      const c0 = process.cpuUsage();
      const args = events.map((b) => m.encode(b, now, p));
      const c = process.cpuUsage(c0);
      const sha = (await redis.script('LOAD', m.lua)) as string;
      const base = `{measure-${round}-${impls.indexOf(m)}}:`;
      const r0 = await redisCpuS();
      for (const a of args) await redis.evalsha(sha, 1, base, ...a);
      const r1 = await redisCpuS();
      const row = (out[m.root] ??= { encodeUs: [], redisUs: [] });
      row.encodeUs.push(+((c.user + c.system) / (BATCHES * BATCH)).toFixed(2));
      row.redisUs.push(+(((r1 - r0) * 1e6) / (BATCHES * BATCH)).toFixed(2));
    }
  }
  const mean = (xs: number[]) => +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
  for (const [root, r] of Object.entries(out)) {
    console.log(
      JSON.stringify({
        tree: root,
        encodeUsPerEvent: r.encodeUs,
        redisCpuUsPerEvent: r.redisUs,
        meanEncode: mean(r.encodeUs),
        meanRedis: mean(r.redisUs),
      }),
    );
  }
} finally {
  redis.disconnect();
  server.kill();
}
