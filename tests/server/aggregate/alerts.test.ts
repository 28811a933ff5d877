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

  it.each([
    ['dues 79 % on the 16th', { duesRateMonth: 0.79 }, 16, [['dues-low:1', 'warn']]],
    ['dues 49 % on the 20th', { duesRateMonth: 0.49 }, 20, [['dues-low:1', 'critical']]],
    ['dues 79 % on the 15th: branches still collecting', { duesRateMonth: 0.79 }, 15, []],
    ['dues 80 % on the 28th', { duesRateMonth: 0.8 }, 28, []],
    ['dues unknown (no members)', { duesRateMonth: null }, 28, []],
    ['one probation overdue', { probationOverdue: 1 }, 3, [['probation-overdue:1', 'warn']]],
    ['19 probations overdue', { probationOverdue: 19 }, 3, [['probation-overdue:1', 'warn']]],
    ['20 probations overdue', { probationOverdue: 20 }, 3, [['probation-overdue:1', 'critical']]],
    ['no probation overdue', { probationOverdue: 0 }, 3, []],
  ] as const)('%s', (_, k, day, expected) => {
    const alerts = evaluateAlerts([{ region: region('1'), kpi: kpi(k) }], day);
    expect(alerts.map((a) => [a.id, a.level])).toEqual(expected);
  });

  it('names the unit, the figure and the rule in both languages', () => {
    const [dues] = evaluateAlerts([{ region: region('1'), kpi: kpi({ duesRateMonth: 0.62 }) }], 20);
    expect(dues!.message).toEqual({ zh: 'R1本月党费收缴率62%，低于80%', en: 'R1: dues collected 62%' });
    const [prob] = evaluateAlerts([{ region: region('1'), kpi: kpi({ probationOverdue: 3 }) }], 20);
    expect(prob!.message).toEqual({ zh: 'R1有3名预备党员超期未转正', en: 'R1: 3 probations overdue' });
  });
});
