// RedisStore's generic ops against the embedded engine: a seeded stream of every event type
// (duplicates, late, out of order, equal timestamps, dues paid in advance and late) gives the
// same roll-up input in both; the script refuses a malformed batch without writing; period
// keys outlive their period; records of the former layout are converted when a store opens.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import type { RollupInput } from '../../../server/aggregate/model.ts';
import { DAILY_DAYS, type OrgTable } from '../../../server/aggregate/schema.ts';
import { lastDays } from '../../../server/aggregate/period.ts';
import { clockFor } from '../../../server/aggregate/rollup.ts';
import type { RedisStore } from '../../../server/store/redis.ts';
import { encodeBatch } from '../../../server/store/redis/encode.ts';
import type { Store } from '../../../server/store/types.ts';
import { memoryHarness } from './engines.ts';
import * as F from './fixtures.ts';
import { REDIS_TEST_URL, redisHarness, runId } from './redis-harness.ts';

const WINDOW = 5 * F.MIN;
const clock = clockFor('Asia/Shanghai');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

const DEV = ['applicant', 'activist', 'candidate', 'probationary', 'full', 'dropped'] as const;
const MONTHS = ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01'];

function stream(seed: number, n: number): NormalizedEvent[] {
  const r = rng(seed);
  const orgs = F.ROSTER.map((o) => o.id);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // few distinct timestamps per case, so equal-ts ties happen
  const ts = (): number => F.NOW - Math.floor(r() * 8) * 5 * F.DAY + Math.floor(r() * 3) * F.HOUR;
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const org = pick(orgs);
    const member = `${F.idSpace(org)}m${Math.floor(r() * 30)}`;
    const id = `e${seed}-${i}`;
    const k = r();
    let ev: NormalizedEvent;
    if (k < 0.2) ev = F.study(org, member, ts(), 1 + Math.floor(r() * 60) + (r() < 0.2 ? 0.5 : 0));
    else if (k < 0.28) ev = F.exam(org, member, ts(), r() < 0.6);
    else if (k < 0.36)
      ev = F.meeting(org, pick(['assembly', 'committee', 'group', 'lecture'] as const), ts(), Math.floor(r() * 10), 10);
    else if (k < 0.46)
      ev = F.transfer(
        org,
        `${F.idSpace(org)}T${Math.floor(r() * 8)}`,
        pick(['applied', 'approved', 'received', 'completed', 'rejected'] as const),
        ts(),
        r() < 0.5 ? { toOrg: pick(orgs) } : { toRegion: '440100' },
      );
    else if (k < 0.56)
      ev = F.checkin(
        org,
        member,
        F.NOW - Math.floor(r() * 3) * F.HOUR,
        100 + Math.floor(r() * 3) * 5,
        25 + Math.floor(r() * 3) * 5,
      );
    else if (k < 0.62) ev = F.points(org, member, ts(), pick([-5, 3, 10]));
    else if (k < 0.74)
      ev = { id, type: 'dues.paid', ts: ts(), org, member, month: pick(MONTHS), amount: pick([0.5, 12.34, 100]) };
    else if (k < 0.9) {
      const t = ts();
      ev = {
        id,
        type: 'development.stage',
        ts: t,
        org,
        person: `${F.idSpace(org)}P${Math.floor(r() * 10)}`,
        stage: pick(DEV),
        since: clock.day(t - Math.floor(r() * 3) * F.DAY),
      };
    } else ev = F.active(org, member, F.NOW - Math.floor(r() * 10 * F.MIN));
    out.push(ev);
    if (r() < 0.08) out.push({ ...out[Math.floor(r() * out.length)]! }); // a duplicate id
  }
  return out;
}

const sortJson = <T>(xs: Iterable<T>): string[] => [...xs].map((x) => JSON.stringify(x)).sort();
const table = (t: OrgTable | undefined): [string, number[]][] =>
  t
    ? [...t].map(([org, row]): [string, number[]] => [org, Array.from(row)]).sort((a, b) => (a[0] < b[0] ? -1 : 1))
    : [];

/** What the read side takes from a roll-up input at `nowMs` (engines may keep more). */
function seenBy(input: RollupInput, nowMs: number) {
  const p = clock.period(nowMs);
  return {
    days: lastDays(p.day, DAILY_DAYS).map((d) => [d, table(input.days.get(d))]),
    month: table(input.months.get(p.month)),
    quarter: table(input.quarters.get(p.quarter)),
    transfers: sortJson(input.transfers),
    floating: sortJson(input.floating),
    development: sortJson(input.development),
    developmentEntries: sortJson(input.developmentEntries),
    online: sortJson([...input.online].filter((o) => o.ts > nowMs - WINDOW)),
    ticker: sortJson(input.ticker),
  };
}

const redis = await redisHarness();
describe.skipIf(!redis)('RedisStore generic ops ≡ MemoryStore', () => {
  const mem = memoryHarness();
  const stores: Store[] = [];
  const raw = new Redis(REDIS_TEST_URL);
  afterAll(async () => {
    for (const s of stores) await s.close();
    await mem.cleanup();
    await redis?.cleanup();
    raw.disconnect();
  });

  it('gives the same roll-up input for the same stream of every event type', async () => {
    const a = await mem.create();
    const b = await redis!.create();
    stores.push(a, b);
    const evs = stream(20261201, 1200);
    for (const s of [a, b]) {
      await s.putRoster(F.ROSTER);
      for (let i = 0; i < evs.length; i += 150)
        await s.ingest(
          evs.slice(i, i + 150).map((e) => ({ ...e })),
          F.NOW,
        );
    }
    const [x, y] = [seenBy(await a.rollupInput(F.NOW), F.NOW), seenBy(await b.rollupInput(F.NOW), F.NOW)];
    expect(y).toEqual(x);
    // the stream reaches every section, and ties and late minima happened
    for (const [name, v] of Object.entries(x)) expect(v.length, name).toBeGreaterThan(0);
    expect(x.month.some(([, row]) => row.some((c) => c % 1 !== 0))).toBe(false); // fen: whole numbers
    const tx = [...(await b.rollupInput(F.NOW)).transfers];
    expect(tx.some((t) => t.openedTs < t.ts)).toBe(true);
  });

  it('sets period keys to outlive their period by the retention (dues paid a month ahead)', async () => {
    const s = (await redis!.create()) as RedisStore;
    stores.push(s);
    await s.putRoster(F.ROSTER);
    await s.ingest(
      [{ id: runId(), type: 'dues.paid', ts: F.NOW, org: 'b-a1', member: 'm1', month: '2027-02', amount: 10 }],
      F.NOW,
    );
    const end = Date.UTC(2027, 2, 1); // 2027-03-01, after the month paid for
    const least = Math.ceil((end - F.NOW) / 1000) + 35 * 86_400;
    for (const k of ['m:2027-02', 'dm:2027-02']) {
      // TTLs count from the real clock, the events' from F.NOW: compare with the slack between them
      const ttl = await raw.ttl(s.countyBase(F.T_COUNTY) + k);
      expect(ttl, k).toBeGreaterThanOrEqual(least - 10);
    }
    expect(await raw.ttl(s.countyBase(F.T_COUNTY) + 'm:2026-11')).toBeGreaterThan(0); // the month it came in (duesFen)
  });

  it('refuses a malformed batch before writing anything', async () => {
    const s = (await redis!.create()) as RedisStore;
    stores.push(s);
    await s.putRoster(F.ROSTER);
    const lua = readFileSync(new URL('../../../server/store/redis/ingest.lua', import.meta.url), 'utf8');
    const enc = { clock, retentionMs: 35 * F.DAY, replayMs: F.HOUR, onlineWindowMs: WINDOW, buckets: 16, gens: 2 };
    const args = encodeBatch([F.study('b-a1', 'm1', F.NOW), F.points('b-a1', 'm1', F.NOW, 3)], F.NOW, enc);
    const values = JSON.parse(args[13] as string) as unknown[];
    const templates = JSON.parse(args[11] as string) as number[][];
    const broken: [string, (string | Buffer)[]][] = [
      ['a value short', args.map((x, i) => (i === 13 ? JSON.stringify(values.slice(1)) : x))],
      ['an unknown op', args.map((x, i) => (i === 11 ? JSON.stringify([[9, 0, 0], ...templates.slice(1)]) : x))],
      [
        'a key out of the table',
        args.map((x, i) => (i === 11 ? JSON.stringify(templates.map((t) => t.map((v, j) => (j === 1 ? 99 : v)))) : x)),
      ],
      ['bad JSON', args.map((x, i) => (i === 12 ? '[' : x))],
    ];
    const ver = await s.version();
    for (const [why, argv] of broken) {
      await expect(raw.eval(lua, 1, s.countyBase(F.T_COUNTY), ...argv), why).rejects.toThrow(/malformed batch/);
    }
    expect(await s.version()).toBe(ver);
    expect(await raw.exists(`${s.countyBase(F.T_COUNTY)}d:${clock.day(F.NOW)}`)).toBe(0);
    await expect(raw.eval(lua, 1, s.countyBase(F.T_COUNTY), ...args)).resolves.toEqual([]); // the intact batch goes in
    expect(await raw.exists(`${s.countyBase(F.T_COUNTY)}d:${clock.day(F.NOW)}`)).toBe(1);
  });

  it('converts transfer and floating records of the former layout when a store opens', async () => {
    const s = (await redis!.create()) as RedisStore;
    stores.push(s);
    await raw.del(s.base + 'layout');
    await raw.hset(
      s.base + 'tx',
      'T1',
      ['b-a1', 'o:b-x1', '1', String(F.NOW - F.DAY), String(F.NOW - 3 * F.DAY)].join('\x1f'),
    );
    await raw.hset(s.base + 'fl', 'm1', ['b-b1', String(F.NOW - F.HOUR), '85283473fffffff'].join('\x1f'));
    const again = (await redis!.reopen(s, false)) as RedisStore;
    stores.push(again);
    await again.putRoster(F.ROSTER);
    // a later stage merges with the converted record: its openedTs survives
    await again.ingest([F.transfer('b-a1', 'T1', 'received', F.NOW, { toOrg: 'b-x1' })], F.NOW);
    const input = await again.rollupInput(F.NOW);
    expect([...input.transfers]).toEqual([
      { org: 'b-a1', dest: 'o:b-x1', stage: 'received', ts: F.NOW, openedTs: F.NOW - 3 * F.DAY },
    ]);
    expect([...input.floating]).toEqual([{ org: 'b-b1', ts: F.NOW - F.HOUR, cell: '85283473fffffff' }]);
    expect(await raw.get(s.base + 'layout')).toBe('3');
  });
});
