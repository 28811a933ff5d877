// RedisStore against a private redis-server: AOF survives a server kill and restart,
// health reports persistence, and a lost connection fails fast with StoreUnavailableError.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../server/store/redis.ts';
import { StoreUnavailableError } from '../../../server/store/types.ts';
import * as F from './fixtures.ts';
import { haveRedisServer, PrivateRedis } from './redis-server.ts';
import { REQUIRE_REDIS, runId } from './redis-harness.ts';
import { viewsOf } from './views.ts';

const available = haveRedisServer();
if (!available) {
  if (REQUIRE_REDIS) throw new Error('REQUIRE_REDIS=1 but redis-server is not installed');
  console.warn('\n!!! RedisStore durability tests SKIPPED: no redis-server binary on PATH !!!\n');
}

describe.skipIf(!available)('RedisStore durability (private redis-server)', () => {
  const servers: PrivateRedis[] = [];
  const stores: RedisStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    for (const r of servers) await r.stop();
  });
  const open = async (url: string, prefix: string) => {
    const s = new RedisStore({ url, prefix, dedupeBuckets: 64 });
    stores.push(s);
    await s.open();
    return s;
  };

  it('with AOF (appendfsync always) keeps every acknowledged event across a kill -9 and restart', async () => {
    const r = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always']);
    servers.push(r);
    const prefix = runId();
    const s = await open(r.url, prefix);
    expect((await s.health()).persistence).toBe('aof');
    await s.putRoster(F.ROSTER);
    const evs = [
      F.study('b-a1', 'm1', F.NOW),
      F.study('b-a2', 'm2', F.NOW - F.DAY),
      F.transfer('b-b1', 'T1', 'applied', F.NOW - 20 * F.DAY),
      F.checkin('b-a1', 'm3', F.NOW, 113.3, 23.1),
      F.points('b-b1', 'm4', F.NOW, -4),
    ];
    await s.ingest(evs.slice(0, 3), F.NOW);
    await s.ingest(evs.slice(3), F.NOW);
    const before = await viewsOf(s).snapshot(F.T_COUNTY, F.NOW);
    await r.kill();
    await expect(s.ingest([F.study('b-a1', 'm9', F.NOW)], F.NOW)).rejects.toBeInstanceOf(StoreUnavailableError);
    await r.up();
    const s2 = await open(r.url, prefix);
    expect(await viewsOf(s2).snapshot(F.T_COUNTY, F.NOW)).toEqual(before);
    expect(await s2.ingest([evs[0]!, F.study('b-a1', 'm5', F.NOW, 5, { name: '张三明' })], F.NOW)).toMatchObject({
      accepted: 1,
      duplicates: 1,
      duplicateIndexes: [0],
    });
    // the replay stream holds each accepted event once, names masked
    const replay = await s2.recentEvents(0);
    expect(replay.map((e) => e.id)).toEqual([...evs.map((e) => e.id), replay.at(-1)!.id]);
    expect(replay.at(-1)).toMatchObject({ member: 'm5', name: '张*明' });
    // another process sees roster and data (version is shared)
    const other = await open(r.url, prefix);
    expect(other.isKnownOrg('b-a1')).toBe(true);
    expect(await other.version()).toBe(await s2.version());
  });

  it('reports AOF off, and fails fast when the server is gone', async () => {
    const r = await PrivateRedis.start(['--appendonly', 'no']);
    servers.push(r);
    const s = await open(r.url, runId());
    const h = await s.health();
    expect(h).toMatchObject({ ok: true, engine: 'redis', persistence: 'none' });
    await s.putRoster(F.ROSTER);
    await r.kill();
    const err = await s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).retryAfterS).toBeGreaterThan(0);
    expect((await s.health()).ok).toBe(false);
  });
});
