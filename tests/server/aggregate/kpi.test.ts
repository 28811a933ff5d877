// 三会一课 and KPI rates (kpi.ts).
import { describe, expect, it } from 'vitest';
import { isCompliantBranch, ratio } from '../../../server/aggregate/kpi.ts';
import { KIND_INDEX, M_KIND0, MONTH_SLOTS, Q_KIND0, QUARTER_SLOTS } from '../../../server/aggregate/schema.ts';
import { KpiAcc } from '../store/reference-snapshot.ts';

describe('三会一课 and KPI rates', () => {
  const month = (kinds: string[]) => {
    const r = new Float64Array(MONTH_SLOTS);
    for (const k of kinds) r[M_KIND0 + KIND_INDEX[k as 'group']]! += 1;
    return r;
  };
  const quarter = (kinds: string[]) => {
    const r = new Float64Array(QUARTER_SLOTS);
    for (const k of kinds) r[Q_KIND0 + KIND_INDEX[k as 'group']]! += 1;
    return r;
  };
  it.each([
    [['committee', 'group'], ['assembly', 'lecture'], true],
    [['committee'], ['assembly', 'lecture', 'group'], false],
    [['committee', 'group'], ['assembly'], false],
    [['committee', 'group', 'assembly', 'lecture'], [], false],
  ])('month %j quarter %j → %s', (m, q, ok) => expect(isCompliantBranch(month(m), quarter(q))).toBe(ok));

  it('has null rates on zero denominators', () => {
    expect(ratio(0, 0)).toBeNull();
    const k = new KpiAcc().kpi();
    expect([k.studyRateToday, k.examPassRateToday, k.meetingComplianceMonth, k.attendanceRateMonth]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});
