// One behaviour: a seeded random stream (duplicates, late and out-of-order events, every
// type) ingested into both engines gives the same snapshots, region by region.
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import type { Store } from '../../../server/store/types.ts';
import { memoryHarness } from './engines.ts';
import * as F from './fixtures.ts';
import { redisHarness } from './redis-harness.ts';
import { viewsOf } from './views.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

function stream(seed: number, n: number): NormalizedEvent[] {
  const r = rng(seed);
  const orgs = F.ROSTER.map((o) => o.id);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const org = pick(orgs);
    const member = `${F.idSpace(org)}m${Math.floor(r() * 40)}`;
    const ts = F.NOW - Math.floor(r() * 40 * F.DAY) + Math.floor(r() * 4 * F.MIN);
    const k = r();
    let ev: NormalizedEvent;
    if (k < 0.3) ev = F.study(org, member, ts, 1 + Math.floor(r() * 60), r() < 0.2 ? { name: '欧阳娜娜' } : {});
    else if (k < 0.4) ev = F.exam(org, member, ts, r() < 0.7);
    else if (k < 0.5)
      ev = F.meeting(org, pick(['assembly', 'committee', 'group', 'lecture'] as const), ts, Math.floor(r() * 10), 10);
    else if (k < 0.6)
      ev = F.transfer(
        org,
        `${F.idSpace(org)}T${Math.floor(r() * 15)}`,
        pick(['applied', 'approved', 'received', 'completed', 'rejected'] as const),
        ts,
        r() < 0.5 ? { toOrg: pick(orgs) } : { toRegion: pick(['440100', '110000', '610302']) },
      );
    else if (k < 0.75) ev = F.checkin(org, member, ts, 100 + r() * 20, 22 + r() * 15);
    else if (k < 0.85) ev = F.points(org, member, ts, pick([-5, 3, 10, -20]));
    else if (k < 0.9) ev = F.active(org, member, F.NOW - Math.floor(r() * 10 * F.MIN));
    else if (k < 0.95)
      ev = F.dues(org, member, ts, pick(['2026-10', '2026-11', '2026-12']), pick([0.2, 12.34, 50, 1.15]));
    else {
      const stage = pick(['applicant', 'activist', 'candidate', 'probationary', 'full', 'dropped'] as const);
      ev = F.development(
        org,
        `${F.idSpace(org)}p${Math.floor(r() * 20)}`,
        stage,
        pick(['2019-07-01', '2025-11-26', '2026-03-01']),
        ts,
      );
    }
    out.push(ev);
    if (r() < 0.1) out.push({ ...out[Math.floor(r() * out.length)]!, member: 'other' } as NormalizedEvent); // a duplicate id
  }
  return out;
}

const redis = await redisHarness();
describe.skipIf(!redis)('MemoryStore ≡ RedisStore', () => {
  const mem = memoryHarness();
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await mem.cleanup();
    await redis?.cleanup();
  });

  it('answers the same snapshots for the same random stream', async () => {
    const a = await mem.create();
    const b = await redis!.create();
    stores.push(a, b);
    const evs = stream(20261127, 1500);
    for (const s of [a, b]) {
      await s.putRoster(F.ROSTER);
      for (let i = 0; i < evs.length; i += 100) {
        const batch = evs.slice(i, i + 100).map((e) => ({ ...e }));
        const [x, y] = [i, i + 100];
        expect((await s.ingest(batch, F.NOW)).accepted, `batch ${x}-${y}`).toBeGreaterThan(0);
      }
    }
    for (const region of ['610100', F.T_COUNTY, F.T_TOWN_A, F.T_TOWN_B, F.T_VILLAGE_A1, '610102']) {
      for (const now of [F.NOW, F.NOW + 7 * F.MIN]) {
        const [sa, sb] = [await viewsOf(a).snapshot(region, now), await viewsOf(b).snapshot(region, now)];
        expect(sb, `${region} at ${now}`).toEqual(sa);
      }
    }
    const k = (await viewsOf(a).snapshot(F.T_COUNTY, F.NOW)).kpi;
    // the stream exercises every figure
    const every = [
      'learnersToday',
      'learnersMonth',
      'examsToday',
      'meetingsMonth',
      'transfersOpen',
      'floatingMembers',
      'pointsMonth',
      'onlineNow',
    ] as const;
    for (const name of [...every, 'duesPaidMonth', 'duesAmountMonth', 'developmentOpen', 'newFullYear'] as const)
      expect(k[name], name).not.toBe(0);
  });
});
