// RedisStore's operational chores: persistence health, the dedupe memory sample and sweep
// (on every master), and the one-time conversion of records written by layout 1.
import type { Redis } from 'ioredis';
import { TRANSFER_STAGES } from '../../contract/index.ts';
import type { StoreHealth } from '../types.ts';
import { storedRecord } from './encode.ts';
import { basePattern, countyPattern, K, keyBase, recordKey, SEP } from './keys.ts';
import { nodeKey, Nodes } from './nodes.ts';

function infoFields(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** persistence of one node: "aof" (with appendfsync in detail), "rdb", or "none". */
async function nodeHealth(redis: Redis): Promise<StoreHealth> {
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

/** persistence of every master: one node's answer when they agree, else each node's
 * (`aof,none`: the app warns unless every master runs AOF). */
export async function redisHealth(nodes: Nodes): Promise<StoreHealth> {
  const masters = nodes.masters();
  const each = await Promise.all(masters.map(nodeHealth));
  if (each.length === 1) return each[0]!;
  const kinds = [...new Set(each.map((h) => h.persistence))];
  return {
    ok: each.length > 0 && each.every((h) => h.ok),
    engine: 'redis',
    persistence: kinds.length === 1 ? kinds[0]! : kinds.join(','),
    detail: { masters: Object.fromEntries(masters.map((m, i) => [nodeKey(m), each[i]!.detail])) },
  };
}

/** Bytes per remembered id: MEMORY USAGE over a sample of dedupe bucket keys ÷ their fields
 * (sampled on every master). */
export async function sampleDedupeBytes(nodes: Nodes, prefix: string, samples = 64): Promise<number> {
  const found = new Map<Redis, string[]>();
  const perNode = Math.max(1, Math.ceil(samples / nodes.masters().length));
  await nodes.scanMasters(countyPattern(prefix, 'dd:*'), 2000, async (node, keys) => {
    const l = found.get(node) ?? [];
    found.set(node, l);
    l.push(...keys.filter((k) => /:dd:\d+:\d+$/.test(k)));
    // enough from this node: stop its scan only (the next master starts afresh)
    return l.length < perNode * 4;
  });
  let bytes = 0;
  let ids = 0;
  for (const [node, keys] of found) {
    const pick = keys.slice(0, perNode);
    if (pick.length === 0) continue;
    // buckets are sets (or, in generations written before sets, hashes)
    const types = (await pick.reduce((p, k) => p.type(k), node.pipeline()).exec())!.map(([, t]) => t as string);
    const pipe = node.pipeline();
    pick.forEach((k, i) =>
      types[i] === 'hash'
        ? pipe.memory('USAGE', k, 'SAMPLES', 0).hlen(k)
        : pipe.memory('USAGE', k, 'SAMPLES', 0).scard(k),
    );
    const res = (await pipe.exec())!;
    for (let i = 0; i < res.length; i += 2) {
      bytes += Number(res[i]![1] ?? 0);
      ids += Number(res[i + 1]![1] ?? 0);
    }
  }
  return ids > 0 ? bytes / ids : 0;
}

/**
 * Deletes dedupe generations that fell out of the retention, in every county (and layout 2's
 * generations kept after a conversion). Bucket keys carry no TTL (an EXPIREAT per new bucket
 * would cost a call per event in the script); instead whichever process first sees a new
 * generation removes the old ones on every master. `{prefix}:dd:low` records the lowest
 * generation that may still exist, so a long outage leaves nothing behind.
 */
export async function sweepDedupe(nodes: Nodes, prefix: string, gen: number, keepGens: number): Promise<number> {
  const B = keyBase(prefix);
  const home = nodes.masterFor(B);
  const firstLive = gen - keepGens + 1;
  const low = Number((await home.get(B + K.dedupeLow)) ?? firstLive);
  let removed = 0;
  for (let g = Math.min(low, firstLive); g < firstLive; g++) {
    for (const pattern of [countyPattern(prefix, `dd:${g}:*`), basePattern(prefix, `dd:${g}:*`)]) {
      await nodes.scanMasters(pattern, 5000, async (node, keys) => {
        removed += await Nodes.unlink(node, keys);
      });
    }
  }
  await home.set(B + K.dedupeLow, String(firstLive));
  const legacy = await home.get(B + K.dedupeLegacy);
  if (legacy !== null && Number(legacy) < firstLive) await home.del(B + K.dedupeLegacy);
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
 * Brings records written before layout 2 (`tx`: org␟dest␟stageIndex␟ts␟openedTs, `fl`:
 * org␟ts␟cell, under `{prefix}:`) to `order␟min␟fields…`; run on a layout-1 deployment
 * (no `layout` key) before it is converted to layout 3 (convert.ts). Values already in the new
 * form are left alone, so two processes opening at once do no harm. Returns the records
 * converted.
 */
export async function migrateRecords(redis: Redis, base: string): Promise<number> {
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
  await redis.set(base + K.layout, '2');
  return converted;
}
