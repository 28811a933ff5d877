// The contract cases, shared by every engine (see contract.test.ts).
import { expect, it } from 'vitest';
import type { Snapshot } from '../../../server/contract/index.ts';
import type { Store } from '../../../server/store/types.ts';
import { UnknownRegionError } from '../../../server/contract/errors.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

export interface ContractCtx {
  store(): Promise<Store>;
  reopen(prev: Store, restart: boolean): Promise<Store>;
}

const { NOW, MIN, HOUR, DAY, ROSTER } = F;

async function seeded(ctx: ContractCtx): Promise<Store> {
  const s = await ctx.store();
  await s.putRoster(ROSTER);
  return s;
}

const stripAsOf = (s: Snapshot) => ({ ...s, asOf: 0 });

export function contractCases(ctx: ContractCtx): void {
  it('starts empty, knows its roster, rejects unknown regions', async () => {
    const s = await seeded(ctx);
    expect(await s.isEmpty()).toBe(true);
    expect(s.isKnownOrg('b-a1')).toBe(true);
    expect(s.isKnownOrg('nope')).toBe(false);
    expect((await s.getRoster()).map((o) => o.id)).toEqual(ROSTER.map((o) => o.id));
    await expect(viewsOf(s).snapshot('999999', NOW)).rejects.toBeInstanceOf(UnknownRegionError);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.orgs).toBe(5);
    expect(snap.kpi.members).toBe(100);
    expect(snap.kpi.studyRateToday).toBe(0);
    expect(snap.kpi.examPassRateToday).toBeNull();
    expect(snap.kpi.attendanceRateMonth).toBeNull();
    expect(snap.day).toBe('2026-11-27');
    expect(Object.keys(snap.children)).toContain(F.T_TOWN_A);
    expect(snap.region.ancestors.map((a) => a.code)).toEqual(['610000', '610100']);
  });

  it('counts duplicates inside a batch and across batches once; the first wins', async () => {
    const s = await seeded(ctx);
    const a = F.study('b-a1', 'm1', NOW - HOUR, 10, { id: 'dup-a' });
    const a2 = F.study('b-a1', 'm2', NOW - HOUR, 99, { id: 'dup-a' });
    const b = F.study('b-a1', 'm3', NOW - HOUR, 5);
    const r1 = await s.ingest([a, a2, b], NOW);
    expect(r1).toEqual({ accepted: 2, duplicates: 1, duplicateIndexes: [1] });
    const r2 = await s.ingest([F.exam('b-a1', 'm1', NOW, true), { ...a2 }], NOW);
    expect(r2).toEqual({ accepted: 1, duplicates: 1, duplicateIndexes: [1] });
    const k = (await viewsOf(s).snapshot(F.T_COUNTY, NOW)).kpi;
    expect(k.studyMinutesToday).toBe(15);
    expect(k.learnersToday).toBe(2);
    expect(k.examsToday).toBe(1);
    expect(await s.isEmpty()).toBe(false);
  });

  it('lands a late event in its own day, and splits days at Shanghai midnight (16:00 UTC)', async () => {
    const s = await seeded(ctx);
    const midnight = Date.UTC(2026, 10, 26, 16, 0, 0); // 2026-11-27 00:00 Asia/Shanghai
    await s.ingest(
      [F.study('b-a1', 'm1', midnight - 1), F.study('b-a1', 'm2', midnight), F.study('b-a2', 'm3', NOW - 3 * DAY)],
      NOW,
    );
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.learnersToday).toBe(1);
    expect(snap.study.hourlyToday[0]).toBe(1);
    expect(snap.study.hourlyYesterday[23]).toBe(1);
    expect(snap.study.hourlyYesterday.reduce((a, b) => a + b)).toBe(1);
    const daily = Object.fromEntries(snap.study.daily.map((d) => [d.day, d.learners]));
    expect(snap.study.daily).toHaveLength(30);
    expect(snap.study.daily.at(-1)!.day).toBe('2026-11-27');
    expect(daily).toMatchObject({ '2026-11-27': 1, '2026-11-26': 1, '2026-11-24': 1, '2026-11-25': 0 });
    expect(snap.kpi.learnersMonth).toBe(3);
  });

  it('applies 三会一课 across a quarter boundary (Shanghai calendar)', async () => {
    const s = await seeded(ctx);
    const now = Date.UTC(2026, 9, 20, 4); // 2026-10-20 Shanghai
    const q3 = Date.UTC(2026, 8, 30, 15, 0); // 09-30 23:00 Shanghai: Q3
    const q4 = Date.UTC(2026, 8, 30, 16, 30); // 10-01 00:30 Shanghai: Q4
    await s.ingest(
      [
        F.meeting('b-a1', 'assembly', q3),
        F.meeting('b-a1', 'lecture', q3),
        F.meeting('b-a1', 'committee', now - DAY),
        F.meeting('b-a1', 'group', now - DAY),
      ],
      now,
    );
    await s.ingest(
      [
        F.meeting('b-b1', 'assembly', q4),
        F.meeting('b-b1', 'lecture', q4),
        F.meeting('b-b1', 'committee', q4),
        F.meeting('b-b1', 'group', now, 3, 6),
      ],
      now,
    );
    await s.ingest(
      [
        F.meeting('g-b', 'assembly', now),
        F.meeting('g-b', 'lecture', now),
        F.meeting('g-b', 'committee', now),
        F.meeting('g-b', 'group', now),
      ],
      now,
    );
    let snap = await viewsOf(s).snapshot(F.T_COUNTY, now);
    expect(snap.meetings.branches).toBe(3);
    expect(snap.meetings.compliantBranches).toBe(1);
    expect(snap.kpi.meetingComplianceMonth).toBeCloseTo(1 / 3, 12);
    expect(snap.children[F.T_TOWN_B]!.kpi.meetingComplianceMonth).toBe(1);
    expect(snap.children[F.T_TOWN_A]!.kpi.meetingComplianceMonth).toBe(0);
    expect(snap.kpi.meetingsMonth).toBe(10);
    expect(snap.meetings.byKind).toEqual({ assembly: 2, committee: 3, group: 3, lecture: 2 });
    await s.ingest([F.meeting('b-a1', 'assembly', now), F.meeting('b-a1', 'lecture', now)], now);
    snap = await viewsOf(s).snapshot(F.T_COUNTY, now);
    expect(snap.meetings.compliantBranches).toBe(2);
    expect(snap.kpi.attendanceRateMonth).toBeCloseTo((8 * 11 + 3) / (10 * 11 + 6), 12);
  });

  it('keeps the latest transfer stage by ts whatever the arrival order', async () => {
    const s = await seeded(ctx);
    await s.ingest([F.transfer('b-a1', 'T1', 'completed', NOW - HOUR, { toOrg: 'b-x1' })], NOW);
    await s.ingest(
      [
        F.transfer('b-a1', 'T1', 'applied', NOW - 3 * DAY, { toOrg: 'b-x1' }),
        F.transfer('b-a1', 'T1', 'approved', NOW - 2 * DAY, { toOrg: 'b-x1' }),
      ],
      NOW,
    );
    await s.ingest(
      [F.transfer('b-b1', 'T2', 'approved', NOW - 16 * DAY), F.transfer('b-b1', 'T2', 'applied', NOW - 20 * DAY)],
      NOW,
    );
    await s.ingest(
      [F.transfer('b-b1', 'T3', 'applied', NOW - DAY), F.transfer('b-b1', 'T3', 'rejected', NOW - HOUR)],
      NOW,
    );
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.transfers.stages).toEqual({ applied: 0, approved: 1, received: 0, completed: 1, rejected: 1 });
    expect(snap.kpi.transfersOpen).toBe(1);
    expect(snap.kpi.transfersOverdue).toBe(1);
    expect(snap.kpi.transfersCompletedToday).toBe(1);
    // flows of fewer than 5 cases are dropped (k-anonymity); the cases still count in the stages
    expect(snap.transfers.flows).toEqual({});
    expect(snap.alerts.find((a) => a.rule === 'transfers-overdue')).toMatchObject({
      region: F.T_TOWN_B,
      value: 1,
      level: 'warn',
    });
  });

  it('sums negative points and ranks the leaderboard', async () => {
    const s = await seeded(ctx);
    await s.ingest(
      [
        F.points('b-a1', 'm1', NOW, 10),
        F.points('b-a1', 'm2', NOW, -15),
        F.points('b-b1', 'm3', NOW, 3),
        F.points('b-b1', 'm3', NOW - 40 * DAY + DAY * 10, 50),
      ],
      NOW,
    );
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.pointsMonth).toBe(-2);
    expect(snap.leaderboard.map((l) => [l.org, l.points])).toEqual([
      ['b-b1', 3],
      ['b-a1', -5],
    ]);
  });

  it('expires onlineNow after the 5-minute window (clock injected)', async () => {
    const s = await seeded(ctx);
    const t = NOW;
    await s.ingest([F.active('b-a1', 'm1', t), F.study('b-b1', 'm2', t - 2 * MIN), F.active('b-a1', 'm1', t - MIN)], t);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, t + 2 * MIN)).kpi.onlineNow).toBe(2);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, t + 3 * MIN + 1)).kpi.onlineNow).toBe(1);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, t + 5 * MIN - 1)).kpi.onlineNow).toBe(1);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, t + 5 * MIN + 1)).kpi.onlineNow).toBe(0);
  });

  it('counts distinct learners exactly, summing over child regions', async () => {
    const s = await seeded(ctx);
    const evs = [];
    for (let i = 0; i < 30; i++)
      evs.push(
        F.study('b-a1', `a${i % 7}`, NOW - i * MIN),
        F.study('b-a2', `b${i % 5}`, NOW - i * MIN),
        F.study('b-b1', `c${i % 11}`, NOW - 2 * DAY - i * MIN),
      );
    await s.ingest(evs, NOW);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.learnersToday).toBe(12);
    expect(snap.kpi.learnersMonth).toBe(23);
    const kids = Object.values(snap.children);
    expect(kids.reduce((n, c) => n + c.kpi.learnersToday, 0)).toBe(12);
    expect(kids.reduce((n, c) => n + c.kpi.learnersMonth, 0)).toBe(23);
    expect(snap.children[F.T_TOWN_A]!.kpi.studyRateToday).toBeCloseTo(12 / 60, 12);
    const town = await viewsOf(s).snapshot(F.T_TOWN_A, NOW);
    expect(town.kpi.learnersToday).toBe(12);
    expect(town.children[F.T_VILLAGE_A1]!.kpi.learnersToday).toBe(7);
  });

  it('shows a transfer flow of 5 or more cases with its destination; fewer are dropped', async () => {
    const s = await seeded(ctx);
    const evs = [];
    for (let i = 0; i < 5; i++) evs.push(F.transfer('b-a1', `TF${i}`, 'completed', NOW - HOUR, { toOrg: 'b-x1' }));
    for (let i = 0; i < 4; i++) evs.push(F.transfer('b-b1', `TG${i}`, 'applied', NOW - DAY));
    evs.push(F.transfer('b-b1', 'TG4', 'rejected', NOW - HOUR));
    evs.push(F.transfer('b-b1', 'TH0', 'applied', NOW - DAY, { toOrg: 'b-x1' }));
    await s.ingest(evs, NOW);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.transfers.flows[`${F.T_TOWN_A}>610102`]).toMatchObject({
      from: F.T_TOWN_A,
      to: '610102',
      toName: '新城区',
      completed: 5,
      open: 0,
    });
    // outside 陕西 the registry holds provinces only
    expect(snap.transfers.flows[`${F.T_TOWN_B}>440100`]).toMatchObject({ open: 4, rejected: 1, toName: '广东省' });
    expect(snap.transfers.flows[`${F.T_TOWN_B}>610102`], 'a flow of 1').toBeUndefined();
    expect(snap.transfers.stages).toMatchObject({ applied: 5, completed: 5, rejected: 1 });
  });

  it('drops floating cells under 5 members and leaks no member id, name or coordinate', async () => {
    const s = await seeded(ctx);
    const evs = [];
    for (let i = 0; i < 5; i++)
      evs.push(F.checkin('b-a1', `SECRET-MEMBER-${i}`, NOW - HOUR, 113.26431 + i * 1e-4, 23.12901));
    for (let i = 5; i < 9; i++) evs.push(F.checkin('b-b1', `SECRET-MEMBER-${i}`, NOW - 31 * DAY, 121.47371, 31.23041));
    // a member moves: the latest check-in wins, and an older one arriving later does not
    evs.push(
      F.checkin('b-b1', 'SECRET-MEMBER-8', NOW - 40 * MIN, 116.39751, 39.90873),
      F.checkin('b-b1', 'SECRET-MEMBER-8', NOW - 50 * DAY, 100, 30),
    );
    evs.push(F.study('b-a1', 'SECRET-MEMBER-0', NOW, 5, { name: '欧阳娜娜' }));
    await s.ingest(evs, NOW);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.floatingMembers).toBe(9);
    expect(snap.kpi.floatingOutOfContact).toBe(3);
    expect(Object.values(snap.floating.cells)).toEqual([5]);
    expect(snap.floating.flows[`${F.T_TOWN_A}>440000`]).toMatchObject({ members: 5, toName: '广东省' });
    // flows of fewer than 5 members are dropped like cells (they still count in floatingMembers)
    expect(snap.floating.flows[`${F.T_TOWN_B}>310000`]).toBeUndefined();
    expect(snap.floating.flows[`${F.T_TOWN_B}>110000`]).toBeUndefined();
    expect(snap.ticker[0]!.who).toBe('欧**娜');
    const json = JSON.stringify(snap);
    for (const leak of ['SECRET-MEMBER', '欧阳娜娜', '113.264', '121.4737', '116.3975'])
      expect(json).not.toContain(leak);
    expect(snap.alerts.find((a) => a.rule === 'out-of-contact')).toBeUndefined();
  });

  it('keeps aggregates across a roster replacement and recomputes denominators', async () => {
    const s = await seeded(ctx);
    await s.ingest([F.study('b-a2', 'm1', NOW), F.study('b-a2', 'm2', NOW), F.points('b-a2', 'm1', NOW, 7)], NOW);
    const moved = ROSTER.map((o) => (o.id === 'b-a2' ? { ...o, region: F.T_TOWN_B, members: 50 } : o));
    await s.putRoster(moved);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.kpi.members).toBe(130);
    expect(snap.kpi.learnersToday).toBe(2);
    expect(snap.children[F.T_TOWN_A]!.kpi.learnersToday).toBe(0);
    expect(snap.children[F.T_TOWN_B]!.kpi).toMatchObject({ learnersToday: 2, members: 90, pointsMonth: 7 });
    expect(snap.children[F.T_TOWN_B]!.kpi.studyRateToday).toBeCloseTo(2 / 90, 12);
    const v = await s.version();
    await s.putRoster(moved.filter((o) => o.id !== 'b-a2'));
    expect(await s.version()).toBeGreaterThan(v);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, NOW)).kpi.learnersToday).toBe(0);
    await s.putRoster(moved);
    expect((await viewsOf(s).snapshot(F.T_COUNTY, NOW)).kpi.learnersToday).toBe(2);
  });

  it('bumps version per accepted batch, scopes the ticker and masks names', async () => {
    const s = await seeded(ctx);
    const v0 = await s.version();
    await s.ingest([F.study('b-a1', 'm1', NOW - MIN, 5, { name: '张三' }), F.points('b-x1', 'm9', NOW, 5)], NOW);
    const v1 = await s.version();
    expect(v1).toBeGreaterThan(v0);
    await s.ingest([F.active('b-a1', 'm1', NOW)], NOW);
    expect(await s.version()).toBeGreaterThan(v1);
    const snap = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    expect(snap.ticker).toHaveLength(1);
    expect(snap.ticker[0]).toMatchObject({
      who: '张*',
      type: 'study.completed',
      org: 'b-a1',
      orgName: '长安大学社区党支部',
      region: F.T_VILLAGE_A1,
    });
    expect((await viewsOf(s).snapshot('610100', NOW)).ticker.map((t) => t.org)).toEqual(['b-x1', 'b-a1']);
    const points = await viewsOf(s).orgPoints(F.T_COUNTY, NOW);
    expect(points.find((p) => p.id === 'b-a1')).toMatchObject({ lng: 108.92, lat: 34.2 });
    expect(points).toHaveLength(5);
  });

  it('a second instance on the same storage sees everything acknowledged, dedupe included', async () => {
    const s = await seeded(ctx);
    const evs = [
      F.study('b-a1', 'm1', NOW - 2 * DAY),
      F.study('b-a1', 'm2', NOW),
      F.meeting('b-b1', 'lecture', NOW),
      F.transfer('b-a1', 'T9', 'applied', NOW - 20 * DAY),
      F.checkin('b-a1', 'm3', NOW, 120, 30),
      F.points('b-a1', 'm1', NOW, -3),
      F.active('b-a1', 'm4', NOW),
    ];
    await s.ingest(evs.slice(0, 4), NOW);
    if ('compact' in s && typeof s.compact === 'function') await (s as { compact(): Promise<void> }).compact();
    await s.ingest(evs.slice(4), NOW);
    const before = await viewsOf(s).snapshot(F.T_COUNTY, NOW);
    const s2 = await ctx.reopen(s, true);
    expect(s2.isKnownOrg('b-a1')).toBe(true);
    expect(stripAsOf(await viewsOf(s2).snapshot(F.T_COUNTY, NOW))).toEqual(stripAsOf(before));
    expect(await s2.ingest([evs[0]!, evs[6]!, F.study('b-a1', 'm5', NOW)], NOW)).toMatchObject({
      accepted: 1,
      duplicates: 2,
    });
    expect(await s2.isEmpty()).toBe(false);
  });
}
