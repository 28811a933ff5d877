// Contract cases of the 党费, 发展党员 and 党员结构 streams (SPEC 3–5), shared by every engine.
import { expect, it } from 'vitest';
import type { Org } from '../../../server/contract/index.ts';
import type { ContractCtx } from './contract-cases.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

const { NOW, HOUR, DAY, ROSTER, T_COUNTY } = F;

export function streamCases(ctx: ContractCtx): void {
  it('dues: distinct members paid for the current month (by `month`, whenever paid), amount by the month it came in', async () => {
    const s = await ctx.store();
    await s.putRoster(ROSTER);
    await s.ingest(
      [
        F.dues('b-a1', 'm1', NOW - HOUR, '2026-11', 25.5),
        F.dues('b-a1', 'm1', NOW - 2 * HOUR, '2026-11', 25.5), // paid twice for the month: one member
        F.dues('b-a1', 'm2', NOW - DAY, '2026-10', 12.34), // late, for last month: amount this month
        F.dues('b-a2', 'm3', NOW - 30 * DAY, '2026-11', 100), // paid in October for November: counts, amount in October
        F.dues('b-b1', 'm4', NOW - HOUR, '2026-12', 0.2), // ahead, for next month
        F.dues('b-x1', 'm5', NOW - HOUR, '2026-11', 1), // another county
      ],
      NOW,
    );
    const k = (await viewsOf(s).snapshot(T_COUNTY, NOW)).kpi;
    expect(k.duesPaidMonth).toBe(2);
    expect(k.duesRateMonth).toBe(2 / 100);
    expect(k.duesAmountMonth).toBe(63.54); // summed in fen: 2550 + 2550 + 1234 + 20
    const town = (await viewsOf(s).snapshot(F.T_TOWN_A, NOW)).kpi;
    expect([town.duesPaidMonth, town.duesAmountMonth]).toEqual([2, 63.34]);
    // on the 1st of December the December payment counts and November's no longer does
    const dec = (await viewsOf(s).snapshot(T_COUNTY, Date.UTC(2026, 11, 1, 1))).kpi;
    expect([dec.duesPaidMonth, dec.duesAmountMonth]).toEqual([1, 0]);
  });

  it('development: the latest stage by ts wins; open cases, overdue probation, entries this year, the funnel', async () => {
    const s = await ctx.store();
    await s.putRoster(ROSTER);
    await s.ingest(
      [
        F.development('b-a1', 'p1', 'applicant', '2026-03-01', NOW - 5 * DAY),
        F.development('b-a1', 'p1', 'activist', '2026-10-01', NOW - 2 * DAY),
        F.development('b-a1', 'p2', 'probationary', '2025-06-01', NOW - 3 * DAY), // > 12 months: overdue
        F.development('b-a1', 'p3', 'probationary', '2026-02-01', NOW - 3 * DAY), // new this year
        F.development('b-b1', 'p4', 'probationary', '2025-05-01', NOW - 9 * DAY),
        F.development('b-b1', 'p4', 'full', '2026-05-02', NOW - 8 * DAY), // became full this year
        F.development('b-b1', 'p5', 'dropped', '2026-01-10', NOW - 8 * DAY),
        F.development('b-b1', 'p6', 'full', '2019-07-01', NOW - 8 * DAY), // long done: not in the funnel
        F.development('b-x1', 'p7', 'candidate', '2026-09-01', NOW - DAY),
      ],
      NOW,
    );
    // an older event of p1 arriving late changes nothing
    await s.ingest([F.development('b-a2', 'p1', 'applicant', '2026-03-01', NOW - 6 * DAY)], NOW);
    const snap = await viewsOf(s).snapshot(T_COUNTY, NOW);
    expect(snap.kpi.developmentOpen).toBe(3);
    expect(snap.kpi.probationOverdue).toBe(1);
    expect(snap.kpi.newProbationaryYear).toBe(1);
    expect(snap.kpi.newFullYear).toBe(1);
    expect(snap.development).toEqual({
      stages: { applicant: 0, activist: 1, candidate: 0, probationary: 2, full: 1, dropped: 1 },
      probationOverdue: 1,
    });
    expect((await viewsOf(s).snapshot(F.T_TOWN_A, NOW)).kpi.developmentOpen).toBe(3);
    expect((await viewsOf(s).snapshot(F.T_TOWN_B, NOW)).kpi.developmentOpen).toBe(0);
    expect(snap.alerts.map((a) => a.id)).toContain(`probation-overdue:${F.T_TOWN_A}`);
    // a year on, p3's probation is overdue too and this year's entries are next year's history
    const later = (await viewsOf(s).snapshot(T_COUNTY, Date.UTC(2027, 1, 2, 4))).kpi;
    expect([later.probationOverdue, later.newProbationaryYear, later.newFullYear]).toEqual([2, 0, 0]);
  });

  it('development cases outlive the event retention (kept like the roster), and survive a restart', async () => {
    const s = await ctx.store();
    await s.putRoster(ROSTER);
    await s.ingest([F.development('b-a1', 'p1', 'candidate', '2026-09-01', NOW - DAY)], NOW);
    const s2 = await ctx.reopen(s, true);
    const far = NOW + 200 * DAY;
    expect((await viewsOf(s2).snapshot(T_COUNTY, far)).kpi.developmentOpen).toBe(1);
  });

  it('structure: member counts by band roll up over the organizations that report them', async () => {
    const s = await ctx.store();
    const roster: Org[] = ROSTER.map((o) =>
      o.id === 'b-a1'
        ? {
            ...o,
            structure: {
              gender: { male: 25, female: 15 },
              age: { le30: 5, '31to45': 15, '46to60': 12, gt60: 8 },
              education: { postgraduate: 4, bachelor: 20, college: 10, secondary: 6 },
              tenure: { lt5: 6, '5to20': 20, gt20: 14 },
            },
          }
        : o.id === 'b-b1'
          ? { ...o, structure: { gender: { male: 10, female: 20 } } }
          : o,
    );
    await s.putRoster(roster);
    const st = (await viewsOf(s).snapshot(T_COUNTY, NOW)).structure;
    expect(st.orgs).toBe(2);
    expect(st.members).toBe(70);
    expect(st.bands.gender).toEqual({ male: 35, female: 35 });
    expect(st.bands.age).toEqual({ le30: 5, '31to45': 15, '46to60': 12, gt60: 8 });
    expect(st.bands.tenure.gt20).toBe(14);
    const town = (await viewsOf(s).snapshot(F.T_TOWN_B, NOW)).structure;
    expect([town.orgs, town.members, town.bands.education.bachelor]).toEqual([1, 30, 0]);
  });
}
