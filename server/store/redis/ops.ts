// RedisStore's operational chores: persistence health, the dedupe memory sample and sweep,
// and the one-time conversion of records written by the former layout.
import type { Redis } from 'ioredis';
import { TRANSFER_STAGES } from '../../contract/index.ts';
import type { StoreHealth } from '../types.ts';
import { storedRecord } from './encode.ts';
import { K, LAYOUT, recordKey, SEP } from './keys.ts';

function infoFields(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** persistence: "aof" (with appendfsync in detail), "rdb", or "none". */
export async function redisHealth(redis: Redis): Promise<StoreHealth> {
  try {
    const info = infoFields(await redis.info('persistence'));
    const aof = info.aof_enabled === '1';
    let appendfsync: string | undefined;
    let save: string | undefined;
    try {
      appendfsync = ((await redis.config('GET', 'appendfsync')) as string[])[1];
      save = ((await redis.config('GET', 'save')) as string[])[1];
    } catch {
      // CONFIG may be renamed or forbidden on managed Redis; INFO alone still tells AOF
    }
    const persistence = aof ? 'aof' : save ? 'rdb' : save === '' ? 'none' : 'rdb?';
    return {
      ok: true,
      engine: 'redis',
      persistence,
      detail: {
        aof_enabled: aof,
        appendfsync,
        save,
        aof_last_write_status: info.aof_last_write_status,
        rdb_last_bgsave_status: info.rdb_last_bgsave_status,
      },
    };
  } catch (e) {
    return { ok: false, engine: 'redis', persistence: 'unknown', detail: { error: (e as Error).message } };
  }
}

/** Bytes per remembered id: MEMORY USAGE over a sample of dedupe bucket keys ÷ their fields. */
export async function sampleDedupeBytes(redis: Redis, base: string, samples = 64): Promise<number> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${base.replace(/[*?[\]]/g, '\\$&')}dd:*`, 'COUNT', 2000);
    keys.push(...found.filter((k) => /:dd:\d+:\d+$/.test(k)));
    cursor = next;
  } while (cursor !== '0' && keys.length < samples * 4);
  const pick = keys.slice(0, samples);
  if (pick.length === 0) return 0;
  // buckets are sets (or, in generations written before sets, hashes)
  const types = (await pick.reduce((p, k) => p.type(k), redis.pipeline()).exec())!.map(([, t]) => t as string);
  const pipe = redis.pipeline();
  pick.forEach((k, i) =>
    types[i] === 'hash'
      ? pipe.memory('USAGE', k, 'SAMPLES', 0).hlen(k)
      : pipe.memory('USAGE', k, 'SAMPLES', 0).scard(k),
  );
  const res = (await pipe.exec())!;
  let bytes = 0;
  let ids = 0;
  for (let i = 0; i < res.length; i += 2) {
    bytes += Number(res[i]![1] ?? 0);
    ids += Number(res[i + 1]![1] ?? 0);
  }
  return ids > 0 ? bytes / ids : 0;
}

/**
 * Deletes dedupe generations that fell out of the retention. Bucket keys carry no TTL (an
 * EXPIREAT per new bucket would cost a call per event in the script); instead whichever
 * process first sees a new generation removes the old ones. `dd:low` records the lowest
 * generation that may still exist, so a long outage leaves nothing behind.
 */
export async function sweepDedupe(redis: Redis, base: string, gen: number, keepGens: number): Promise<number> {
  const lowKey = `${base}dd:low`;
  const firstLive = gen - keepGens + 1;
  const low = Number((await redis.get(lowKey)) ?? firstLive);
  let removed = 0;
  for (let g = Math.min(low, firstLive); g < firstLive; g++) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${base.replace(/[*?[\]]/g, '\\$&')}dd:${g}:*`,
        'COUNT',
        5000,
      );
      if (keys.length) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await redis.set(lowKey, String(firstLive));
  return removed;
}

/** Replaces a hash field only while it still holds the value read (a concurrent ingest wins). */
const REPLACE_IF_SAME = `local n = 0
for i = 1, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2]); n = n + 1 end
end
if n > 0 then redis.call('HINCRBY', KEYS[2], KEYS[3], 1) end
return n`;

/** Layout 1's fixed encodings of the two families it had, as records. */
const LEGACY = {
  transfer: (p: string[]) =>
    p.length === 5 && TRANSFER_STAGES[Number(p[2])] !== undefined
      ? storedRecord('transfer', {
          org: p[0]!,
          dest: p[1]!,
          stage: TRANSFER_STAGES[Number(p[2])]!,
          ts: Number(p[3]),
          openedTs: Number(p[4]),
        })
      : null,
  floating: (p: string[]) =>
    p.length === 3 ? storedRecord('floating', { org: p[0]!, ts: Number(p[1]), cell: p[2]! }) : null,
} as const;

/**
 * Brings records written before LAYOUT 2 (`tx`: org␟dest␟stageIndex␟ts␟openedTs, `fl`:
 * org␟ts␟cell) to `order␟min␟fields…`, once per deployment (`layout` marks it done; one GET
 * afterwards). Values already in the new form are left alone, so two processes opening at once
 * do no harm. Returns the records converted.
 */
export async function migrateRecords(redis: Redis, base: string): Promise<number> {
  if ((await redis.get(base + K.layout)) === String(LAYOUT)) return 0;
  let converted = 0;
  for (const family of ['transfer', 'floating'] as const) {
    const hash = base + recordKey(family);
    const args: string[] = [];
    for (const [field, value] of Object.entries(await redis.hgetall(hash))) {
      const next = LEGACY[family](value.split(SEP));
      if (next !== null) args.push(field, value, next);
    }
    for (let i = 0; i < args.length; i += 3000) {
      converted += Number(
        await redis.eval(REPLACE_IF_SAME, 3, hash, base + K.meta, recordKey(family), ...args.slice(i, i + 3000)),
      );
    }
  }
  await redis.set(base + K.layout, String(LAYOUT));
  return converted;
}
