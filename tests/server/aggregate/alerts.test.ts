// Alert rules (alerts.ts).
import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../server/aggregate/alerts.ts';
import type { Kpi, RegionRef } from '../../../server/contract/index.ts';
import { KpiAcc } from '../store/reference-snapshot.ts';

describe('evaluateAlerts', () => {
  const region = (code: string): RegionRef => ({ code, name: `R${code}`, level: 'township', illustrative: true });
  const kpi = (p: Partial<Kpi>): Kpi => ({ ...new KpiAcc().kpi(), members: 100, ...p });
  it('flags overdue transfers (critical from 5), out-of-contact shares, low study rates vs peers and low compliance late in the month', () => {
    const alerts = evaluateAlerts(
      [
        { region: region('1'), kpi: kpi({ transfersOverdue: 5, studyRateMonth: 0.6 }) },
        {
          region: region('2'),
          kpi: kpi({ transfersOverdue: 1, studyRateMonth: 0.5, floatingMembers: 10, floatingOutOfContact: 4 }),
        },
        { region: region('3'), kpi: kpi({ studyRateMonth: 0.1, meetingComplianceMonth: 0.1 }) },
      ],
      25,
    );
    expect(alerts.map((a) => [a.id, a.level])).toEqual([
      ['overdue:1', 'critical'],
      ['out-of-contact:2', 'critical'],
      ['compliance-low:3', 'critical'],
      ['overdue:2', 'warn'],
      ['study-rate-low:3', 'warn'],
    ]);
    expect(alerts[0]!.message.zh).toContain('5件');
    expect(alerts[0]!.message.en).toContain('5 transfers overdue');
    expect(evaluateAlerts([{ region: region('3'), kpi: kpi({ meetingComplianceMonth: 0.1 }) }], 10)).toEqual([]);
  });
});
