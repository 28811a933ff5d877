// The all-region roll-up (server/aggregate/regions.ts) answers exactly what the per-region
// reference (tests/server/store/reference-snapshot.ts: each region's organizations summed one by one)
// answers, for every region with organizations, their children and regions without any, at
// several instants of the same input (the caches are per input, day and instant).
import { describe, expect, it } from 'vitest';
import { registryGeo } from '../../../server/aggregate/geo.ts';
import type { RollupInput, RollupOptions } from '../../../server/aggregate/model.ts';
import { tickerItems } from '../../../server/aggregate/prepare.ts';
import { clockFor } from '../../../server/aggregate/rollup.ts';
import { buildSnapshot } from '../../../server/aggregate/snapshot.ts';
import type { NormalizedEvent, Org } from '../../../server/contract/index.ts';
import { MemState } from '../../../server/store/memory/state.ts';
import { containsCode } from '../../../geo/codes.ts';
import { activityPerDay } from '../../../mock/population.ts';
import { simulation } from '../../../mock/setup.ts';
import { eventStream } from '../../../mock/stream.ts';
import { validateEvent } from '../../../server/contract/validate.ts';
import * as F from './fixtures.ts';
import { referenceSnapshot } from './reference-snapshot.ts';

const OPTS: RollupOptions = {
  timeZone: 'Asia/Shanghai',
  overdueDays: 15,
  outOfContactDays: 30,
  onlineWindowMs: 5 * F.MIN,
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

// the fixture roster plus organizations at odd places: the city itself, another county of the
// city, another city of the province, a village of another township
const ROSTER: Org[] = [
  ...F.ROSTER,
  { id: 'c-city', name: '西安市委', parent: null, kind: 'committee', region: '610100', members: 3 },
  { id: 'b-c1', name: '长安区党支部', parent: null, kind: 'branch', region: '610116', members: 12 },
  { id: 'b-bj', name: '宝鸡党支部', parent: null, kind: 'branch', region: '610302001', members: 17 },
  {
    id: 'b-a3',
    name: '第二社区党支部',
    parent: 'c-yanta',
    kind: 'branch',
    region: '610113001002',
    members: 9,
    structure: { gender: { male: 5, female: 4 }, age: { le30: 1, '31to45': 3, '46to60': 3, gt60: 2 } },
  },
];

function stream(seed: number, n: number, orgs: readonly string[]): NormalizedEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const org = r() < 0.02 ? 'not-on-roster' : pick(orgs);
    const member = `m${Math.floor(r() * 60)}`;
    const ts = F.NOW - Math.floor(r() * 40 * F.DAY) + Math.floor(r() * 4 * F.MIN);
    const k = r();
    let ev: NormalizedEvent;
    if (k < 0.3) ev = F.study(org, member, ts, 1 + r() * 60, r() < 0.2 ? { name: '欧阳娜娜' } : {});
    else if (k < 0.4) ev = F.exam(org, member, ts, r() < 0.7);
    else if (k < 0.5)
      ev = F.meeting(
        org,
        pick(['assembly', 'committee', 'group', 'lecture'] as const),
        F.NOW - Math.floor(r() * 20 * F.DAY),
        Math.floor(r() * 10),
        10,
      );
    else if (k < 0.6)
      ev = F.transfer(
        org,
        `T${Math.floor(r() * 25)}`,
        pick(['applied', 'approved', 'received', 'completed', 'rejected'] as const),
        ts,
        r() < 0.5 ? { toOrg: pick([...orgs, 'gone']) } : { toRegion: pick(['440100', '110000', '610302']) },
      );
    else if (k < 0.75) ev = F.checkin(org, `f${Math.floor(r() * 200)}`, ts, 100 + r() * 20, 22 + r() * 15);
    else if (k < 0.85) ev = F.points(org, member, F.NOW - Math.floor(r() * 3 * F.DAY), pick([-5, 3, 10, -20]));
    else if (k < 0.9) ev = F.active(org, member, F.NOW - Math.floor(r() * 10 * F.MIN));
    else if (k < 0.95)
      ev = F.dues(org, member, ts, pick(['2026-10', '2026-11', '2026-12']), pick([0.2, 12.34, 50, 1.15]));
    else
      ev = F.development(
        org,
        `p${Math.floor(r() * 30)}`,
        pick(DEV_STAGES),
        pick(['2019-07-01', '2025-11-26', '2025-11-27', '2026-03-01']),
        ts,
      );
    out.push(ev);
  }
  return out;
}

const DEV_STAGES = ['applicant', 'activist', 'candidate', 'probationary', 'full', 'dropped'] as const;

function stateOf(
  roster: Org[],
  events: Iterable<NormalizedEvent>,
  st = new MemState(clockFor(OPTS.timeZone), 35, OPTS.onlineWindowMs),
): () => RollupInput {
  st.setRoster(roster);
  for (const ev of events) st.apply(ev);
  // a fresh input object per call, as a store gives per version
  return () => st.rollupInput(() => tickerItems(st.recent));
}

/** Regions with organizations, their children, and a few without any. */
function regionsOf(roster: readonly Org[]): string[] {
  const out = new Set(['610000', '610100', '610112', '610300', '610113001003', '610103', '610113002001']);
  for (const o of roster)
    for (const c of [
      o.region.slice(0, 2) + '0000',
      o.region.slice(0, 4) + '00',
      o.region.slice(0, 6),
      o.region.slice(0, 9),
      o.region,
    ])
      if (registryGeo.region(c) && containsCode(c, o.region)) out.add(c);
  for (const c of [...out]) for (const ch of registryGeo.children(c)) if (out.size < 60) out.add(ch.code);
  return [...out].filter((c) => registryGeo.region(c));
}

function expectSame(input: () => RollupInput, regions: string[], instants: number[]): void {
  for (const now of instants) {
    const shared = input(); // one input for all regions at this instant (the cached path)
    for (const region of regions) {
      const fast = buildSnapshot(region, now, shared, OPTS);
      const ref = referenceSnapshot(region, now, input(), OPTS);
      expect(fast, `${region} at ${new Date(now).toISOString()}`).toEqual(ref);
      // same keys in the same order: equal JSON
      expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
    }
  }
}

describe('all-region roll-up ≡ per-region reference', () => {
  it('on a seeded random stream, every region, several instants', () => {
    const input = stateOf(
      ROSTER,
      stream(
        20261127,
        4000,
        ROSTER.map((o) => o.id),
      ),
    );
    const regions = regionsOf(ROSTER);
    expect(regions.length).toBeGreaterThan(30);
    const probe = buildSnapshot('610100', F.NOW, input(), OPTS);
    // the stream exercises every section
    for (const name of [
      'learnersToday',
      'learnersMonth',
      'examsToday',
      'meetingsMonth',
      'transfersOpen',
      'floatingMembers',
      'pointsMonth',
      'onlineNow',
      'transfersOverdue',
      'floatingOutOfContact',
    ] as const)
      expect(probe.kpi[name], name).not.toBe(0);
    expect(probe.leaderboard.length).toBeGreaterThan(5);
    // flows under 5 cases are dropped (k-anonymity): the stream still leaves some to compare
    expect(Object.keys(probe.transfers.flows).length).toBeGreaterThan(0);
    expect(probe.ticker.length).toBe(30);
    expectSame(input, regions, [F.NOW, F.NOW + 3 * F.MIN + 1, F.NOW + 13 * F.HOUR]);
  });

  it('follows the state from version to version (cached sections are not reused once records change)', () => {
    const st = new MemState(clockFor(OPTS.timeZone), 35, OPTS.onlineWindowMs);
    const all = stream(
      7,
      3000,
      ROSTER.map((o) => o.id),
    );
    const regions = ['610100', '610113', '610113001', '610113002', '610113001001', '610102', '610000'];
    for (let i = 0; i < all.length; i += 300) {
      const input = stateOf(ROSTER, all.slice(i, i + 300), st);
      expectSame(input, regions, [F.NOW + i]);
    }
    // a roster change: same state, new roster
    const input = stateOf(ROSTER.slice(0, -2), [], st);
    expectSame(input, regions, [F.NOW]);
  });

  it('on the demo roster and simulator history (西安, 9,000 organizations)', () => {
    const { roster, pop } = simulation({ region: '610100' });
    const end = F.NOW;
    const ctx = { nowMs: end, retentionMs: 35 * F.DAY, isKnownOrg: () => true };
    const events = function* (): Generator<NormalizedEvent> {
      let i = 0;
      for (const raw of eventStream({
        pop,
        startMs: end - 2 * F.DAY,
        historyStartMs: end - 12 * F.DAY,
        endMs: end,
        scale: 1000 / activityPerDay(pop),
      })) {
        const v = validateEvent(raw, i++, ctx);
        if (v.ok) yield v.event;
      }
    };
    const input = stateOf(roster, events());
    const counties = registryGeo.children('610100').map((c) => c.code);
    const towns = registryGeo.children('610113').map((c) => c.code);
    const villages = towns.slice(0, 2).flatMap((t) =>
      registryGeo
        .children(t)
        .map((c) => c.code)
        .slice(0, 3),
    );
    expectSame(
      input,
      ['610000', '610100', ...counties.slice(0, 4), ...towns.slice(0, 2), ...villages.slice(0, 2)],
      [end + 2 * F.MIN],
    );
  });
});
