// The key layout a store opens on. Layout 3 (keys.ts) is written by this version; a single-Redis
// deployment of layout 2 (every key under `{prefix}:`) or 1 (records in their fixed encodings,
// no `layout` key) is converted once, when the first process of this version opens it:
// * under a lock (`{prefix}:converting`, SET NX with expiry; other processes wait for `layout`),
// * one source key at a time in one MULTI (split over the counties by each entry's org, then
//   the source deleted), so a crash part-way leaves the rest for the next open and converts
//   nothing twice,
// * distinct-member sets copied into every county's set (members "already counted" stay so),
// * dedupe generations left in place: the script checks them read-only on a single Redis until
//   they are swept after the retention (`{prefix}:ddlegacy` = the newest of them).
// A cluster never held layout 2 (its keys shared one slot, and the former version failed at
// start with MOVED), so there layout 2 data is refused rather than converted.
import type { Redis } from 'ioredis';
import type { Org } from '../../contract/index.ts';
import { FAMILY_NAMES } from '../../aggregate/schema.ts';
import { migrateRecords } from './ops.ts';
import { basePattern, countyBase, countyOf, K, keyBase, LAYOUT, NO_COUNTY, PREFIX, recordKey, SEP } from './keys.ts';
import type { Nodes } from './nodes.ts';
import { flatOf } from './read.ts';

export class LayoutError extends Error {}

const LOCK_MS = 10 * 60_000;
const TABLES = new Set([PREFIX.day, PREFIX.month, PREFIX.quarter]);
const SETS = new Set([PREFIX.learnersDay, PREFIX.learnersMonth, PREFIX.duesMonth]);
const RECORDS = new Set(FAMILY_NAMES.map(recordKey));

/** Brings the deployment to LAYOUT 3 (one MGET when it is there already). */
export async function prepareLayout(nodes: Nodes, prefix: string): Promise<{ legacyDedupeGen: number | null }> {
  const B = keyBase(prefix);
  const home = nodes.masterFor(B);
  for (let waited = 0; ; waited += 200) {
    const [layout, legacy] = await home.mget(B + K.layout, B + K.dedupeLegacy);
    if (layout === String(LAYOUT)) return { legacyDedupeGen: legacy === null ? null : Number(legacy) };
    const old = await home.exists(B + K.meta, B + 'ver', B + 'tx', B + 'fl', B + 'x');
    if (layout === null && old === 0) {
      await home.set(B + K.layout, String(LAYOUT), 'NX');
      continue;
    }
    if (nodes.isCluster) {
      throw new LayoutError(
        `redis: prefix "${prefix}" holds layout ${layout ?? 1} data (every key under ${B}) on a cluster; ` +
          'convert it on a single Redis first (open it once with REDIS_URL) or use another REDIS_PREFIX',
      );
    }
    if ((await home.set(B + 'converting', String(process.pid), 'PX', LOCK_MS, 'NX')) === 'OK') {
      try {
        if (layout === null) await migrateRecords(home, B); // layout 1 → 2
        const legacyGen = await convert2to3(home, prefix);
        const m = home.multi().set(B + K.layout, String(LAYOUT));
        if (legacyGen !== null) m.set(B + K.dedupeLegacy, String(legacyGen));
        await m.del(B + 'converting').exec();
        return { legacyDedupeGen: legacyGen };
      } catch (e) {
        await home.del(B + 'converting').catch(() => undefined);
        throw e;
      }
    }
    if (waited > LOCK_MS) throw new LayoutError(`redis: another process has been converting "${prefix}" for too long`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Layout 2 → 3 on a single Redis; answers the newest dedupe generation left in place. */
async function convert2to3(redis: Redis, prefix: string): Promise<number | null> {
  const B = keyBase(prefix);
  const json = await redis.get(B + K.roster);
  const roster = json ? (JSON.parse(json) as Org[]) : [];
  const countyOfOrg = new Map(roster.map((o) => [o.id, countyOf(o.region)]));
  const county = (org: string): string => countyOfOrg.get(org) ?? NO_COUNTY;
  const everyCounty = [...new Set([...countyOfOrg.values(), NO_COUNTY])];
  const touched = new Set<string>();
  const C = (c: string): string => (touched.add(c), countyBase(prefix, c));
  const keys: string[] = [];
  let legacyGen: number | null = null;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', basePattern(prefix), 'COUNT', 5000);
    cursor = next;
    for (const k of found) {
      const name = k.slice(B.length);
      const dd = /^dd:(\d+):nb$/.exec(name);
      if (dd) legacyGen = Math.max(legacyGen ?? -Infinity, Number(dd[1]));
      else if (!name.startsWith('dd:')) keys.push(name);
    }
  } while (cursor !== '0');

  const oldN = Number((await redis.hget(B + K.meta, 'n')) ?? 0);
  for (const name of keys) {
    const src = B + name;
    const kind = name.slice(0, name.indexOf(':') < 0 ? name.length : name.indexOf(':'));
    const m = redis.multi();
    const ttl = await redis.pttl(src);
    const expire = (key: string) => (ttl > 0 ? m.pexpire(key, ttl) : m);
    if (TABLES.has(kind) || RECORDS.has(name)) {
      const flat = Object.entries(await redis.hgetall(src));
      const split = new Map<string, string[]>();
      for (const [f, v] of flat) {
        const org = TABLES.has(kind) ? f.slice(0, f.lastIndexOf('|')) : (v.split(SEP)[2] ?? '');
        const c = county(org);
        const l = split.get(c) ?? [];
        split.set(c, l);
        l.push(f, v);
      }
      for (const [c, fv] of split) {
        m.hset(C(c) + name, ...fv);
        expire(C(c) + name);
        m.hincrby(C(c) + K.meta, name, 1);
      }
    } else if (SETS.has(kind)) {
      const members = await redis.smembers(src);
      if (members.length > 0) {
        for (const c of everyCounty) {
          m.sadd(C(c) + name, ...members);
          expire(C(c) + name);
        }
      }
    } else if (name === K.online) {
      const flat = flatOf(await redis.call('ZRANGE', src, 0, -1, 'WITHSCORES')).map(String);
      const orgOf = await redis.hgetall(B + K.onlineOrg);
      const z = new Map<string, string[]>();
      const h = new Map<string, string[]>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const entry = flat[i]!;
        const sep = entry.indexOf(SEP);
        const org = entry.slice(0, sep);
        const member = entry.slice(sep + 1);
        const c = county(org);
        (z.get(c) ?? z.set(c, []).get(c)!).push(flat[i + 1]!, entry);
        if (orgOf[member] === org) (h.get(c) ?? h.set(c, []).get(c)!).push(member, org);
      }
      for (const [c, args] of z) {
        m.zadd(C(c) + K.online, ...args);
        m.hincrby(C(c) + K.meta, K.online, 1);
      }
      for (const [c, args] of h) m.hset(C(c) + K.onlineOrg, ...args);
      m.del(B + K.onlineOrg);
    } else if (name === K.ticker) {
      const items = await redis.lrange(src, 0, -1);
      const split = new Map<string, string[]>();
      for (const j of items) {
        let org: string;
        try {
          org = (JSON.parse(j) as { org?: string }).org ?? '';
        } catch {
          continue;
        }
        (split.get(county(org)) ?? split.set(county(org), []).get(county(org))!).push(j);
      }
      for (const [c, list] of split) {
        m.rpush(C(c) + K.ticker, ...list);
        m.hincrby(C(c) + K.meta, K.ticker, 1);
      }
    } else if (name === K.stream) {
      for (const [id, fields] of await redis.xrange(src, '-', '+')) {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
        const dups = new Set((f.dups ?? '').split(',').filter(Boolean).map(Number));
        const split = new Map<string, { events: unknown[]; dups: number[] }>();
        (JSON.parse(f.events ?? '[]') as { org?: string }[]).forEach((ev, i) => {
          const c = county(ev.org ?? '');
          const s = split.get(c) ?? split.set(c, { events: [], dups: [] }).get(c)!;
          if (dups.has(i)) s.dups.push(s.events.length);
          s.events.push(ev);
        });
        for (const [c, s] of split) {
          m.xadd(C(c) + K.stream, id, 'at', f.at ?? '0', 'dups', s.dups.join(','), 'events', JSON.stringify(s.events));
        }
      }
    } else if (name === K.onlineOrg || name === K.meta || name === 'ver' || name === 'dd' || isDeploymentKey(name)) {
      continue;
    } else {
      continue; // unknown to layout 2: left alone
    }
    m.del(src);
    await m.exec();
  }
  const fin = redis.multi();
  const list = [...touched];
  if (list.length > 0) fin.sadd(B + K.counties, ...list);
  list.forEach((c, i) => {
    fin.incr(countyBase(prefix, c) + K.ver);
    if (i === 0 && oldN > 0) fin.hincrby(countyBase(prefix, c) + K.meta, 'n', oldN);
  });
  await fin.del(B + K.meta, B + 'ver').exec();
  return legacyGen;
}

const isDeploymentKey = (name: string): boolean =>
  name === K.roster ||
  name === K.rosterVersion ||
  name === K.layout ||
  name === K.counties ||
  name === 'converting' ||
  name === K.dedupeLegacy;
