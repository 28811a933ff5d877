// The rules' conditions (server/alerts/evaluate.ts): thresholds per unit and against peers, the
// shipped rules' parity with the strip's rules, source silence in working time at several
// simulated hours, and the study-anomaly scores.
import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../server/aggregate/alerts.ts';
import {
  anomalyScore,
  evaluateSourceSilent,
  evaluateStudyAnomaly,
  evaluateThresholds,
  inWorkingTime,
  workingMsBetween,
  type EvalUnit,
} from '../../../server/alerts/evaluate.ts';
import { DEFAULT_ALERT_RULES } from '../../../server/alerts/rules.ts';
import type { Kpi } from '../../../server/contract/index.ts';
import { KPI } from '../lib/fixtures.ts';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const rule = (id: string) => DEFAULT_ALERT_RULES.find((r) => r.id === id)!;
const unit = (region: string, k: Partial<Kpi>, level: EvalUnit['level'] = 'township'): EvalUnit => ({
  region,
  level,
  parent: level === 'township' ? region.slice(0, 6) : region.slice(0, 4) + '00',
  kpi: { ...KPI, transfersOverdue: 0, probationOverdue: 0, floatingMembers: 0, floatingOutOfContact: 0, ...k },
});
const samplesOf = (evs: ReturnType<typeof evaluateThresholds>, id: string) => evs.find((e) => e.rule === id)!.samples;

describe('evaluateThresholds', () => {
  const units = [
    unit('610113001', { transfersOverdue: 6, studyRateMonth: 0.1, meetingComplianceMonth: 0.1, duesRateMonth: 0.4 }),
    unit('610113002', { transfersOverdue: 1, studyRateMonth: 0.6, floatingMembers: 10, floatingOutOfContact: 3 }),
    unit('610113003', { studyRateMonth: 0.5, floatingMembers: 4, floatingOutOfContact: 4, probationOverdue: 25 }),
    unit('610113004', { studyRateMonth: 0.7, meetingComplianceMonth: null, duesRateMonth: null }),
  ];

  it('judges each unit: counts above, red from; shares; rates late in the month', () => {
    const evs = evaluateThresholds(DEFAULT_ALERT_RULES, units, 25);
    const overdue = samplesOf(evs, 'transfers-overdue');
    expect(overdue.map((s) => [s.region, s.value, s.active, s.severity ?? 'rule'])).toEqual([
      ['610113001', 6, true, 'red'],
      ['610113002', 1, true, 'rule'],
      ['610113003', 0, false, 'rule'],
      ['610113004', 0, false, 'rule'],
    ]);
    // fewer floating members than minMembers: not judged
    expect(samplesOf(evs, 'out-of-contact').map((s) => [s.region, s.value, s.active])).toEqual([
      ['610113002', 0.3, true],
    ]);
    const study = samplesOf(evs, 'study-rate-low');
    // peers' median 0.55 × 0.5 = 0.275
    expect(study.find((s) => s.region === '610113001')).toMatchObject({ active: true, threshold: 0.275 });
    expect(study.filter((s) => s.active)).toHaveLength(1);
    // null rates are not judged
    expect(samplesOf(evs, 'compliance-low').map((s) => s.region)).not.toContain('610113004');
    expect(samplesOf(evs, 'compliance-low').find((s) => s.region === '610113001')).toMatchObject({
      active: true,
      severity: 'red',
    });
    expect(samplesOf(evs, 'dues-low').find((s) => s.region === '610113001')).toMatchObject({
      active: true,
      severity: 'red',
    });
    expect(samplesOf(evs, 'probation-overdue').find((s) => s.region === '610113003')).toMatchObject({
      active: true,
      severity: 'red',
    });
  });

  it('rates are not judged before their day of the month', () => {
    const evs = evaluateThresholds(DEFAULT_ALERT_RULES, units, 5);
    expect(samplesOf(evs, 'compliance-low').every((s) => !s.active)).toBe(true);
    expect(samplesOf(evs, 'dues-low').every((s) => !s.active)).toBe(true);
  });

  it('the shipped rules fire where the strip flags, at every day of the month', () => {
    for (const day of [1, 15, 16, 19, 20, 31]) {
      const strip = evaluateAlerts(
        units.map((u) => ({
          region: { code: u.region, name: u.region, level: 'township', illustrative: true },
          kpi: u.kpi,
        })),
        day,
      );
      const active = evaluateThresholds(DEFAULT_ALERT_RULES, units, day)
        .flatMap((e) => e.samples.filter((s) => s.active).map((s) => `${e.rule}:${s.region}:${s.severity ?? 'x'}`))
        .sort();
      const strip2 = strip.map((a) => `${a.rule}:${a.region}:${a.level === 'critical' ? 'red' : 'x'}`).sort();
      expect(active).toEqual(strip2);
    }
  });

  it('a unit at a level the rule does not name is skipped; peers are per parent and level', () => {
    const mixed = [
      ...units,
      unit('610112', { transfersOverdue: 3 }, 'county'),
      unit('610100', { transfersOverdue: 9 }, 'city'),
    ];
    const overdue = samplesOf(evaluateThresholds(DEFAULT_ALERT_RULES, mixed, 25), 'transfers-overdue');
    expect(overdue.map((s) => s.region)).toContain('610112');
    expect(overdue.map((s) => s.region)).not.toContain('610100');
  });
});

describe('source-silent', () => {
  const r = rule('source-silent');
  // 2026-12-02 is a Wednesday; 10:00 and 04:00 Beijing
  const WED_10 = Date.parse('2026-12-02T02:00:00Z');
  const WED_04 = Date.parse('2026-12-01T20:00:00Z');
  const SAT_10 = Date.parse('2026-12-05T02:00:00Z');

  it.each([
    ['Wednesday 10:00', WED_10, true],
    ['Wednesday 04:00', WED_04, false],
    ['Saturday 10:00', SAT_10, false],
  ])('working time at %s', (_n, at, expected) => {
    expect(inWorkingTime(at, '08:00-18:00', [1, 2, 3, 4, 5], TZ)).toBe(expected);
  });

  it.each([
    // silent since 09:00: 60 working minutes ≥ 30 → fires
    ['silent an hour on a working morning', WED_10, WED_10 - 60 * MIN, true, 60],
    // silent since 20:00 the day before: the night does not count; 08:00–10:00 = 120 min
    ['silent overnight, two working hours', WED_10, WED_10 - 14 * 60 * MIN, true, 120],
    // at 04:00 nothing of the night counts
    ['silent overnight, at 04:00', WED_04, WED_04 - 8 * 60 * MIN, false, 0],
    ['sent 10 minutes ago', WED_10, WED_10 - 10 * MIN, false, 10],
  ])('%s', (_n, now, lastSeen, active, minutes) => {
    const ev = evaluateSourceSilent(r, ['610100'], [{ source: 'org-platform', lastSeen }], 0, now, TZ);
    expect(ev.samples).toEqual([{ region: '610100', subject: 'org-platform', value: minutes, active, threshold: 30 }]);
  });

  it.each([
    ['Asia/Shanghai', '08:00-18:00'],
    ['Europe/Berlin', '22:00-06:00'],
  ])('the hourly walk counts what a minute-by-minute judgement counts (%s, %s)', (zone, hours) => {
    // across a weekend and (Berlin) the end of summer time, at odd minutes
    for (const to of [Date.parse('2026-10-26T09:17:00Z'), Date.parse('2026-12-07T03:41:30Z')]) {
      const from = to - 3 * 86_400_000 - 7 * MIN;
      let naive = 0;
      for (let t = to; t > from; t -= MIN)
        if (inWorkingTime(t - 1, hours, [1, 2, 3, 4, 5], zone)) naive += Math.min(MIN, t - from);
      expect(workingMsBetween(from, to, hours, [1, 2, 3, 4, 5], zone, Infinity)).toBe(naive);
    }
  });

  it('silence counts from when watching began for a source never seen; per-source limits apply', () => {
    const custom = { ...r, params: { ...r.params, sources: { 'mobile-app': '2h' } } };
    const ev = evaluateSourceSilent(
      custom,
      ['610100'],
      [
        { source: 'org-platform', lastSeen: null },
        { source: 'mobile-app', lastSeen: WED_10 - 90 * MIN },
      ],
      WED_10 - 45 * MIN,
      WED_10,
      TZ,
    );
    expect(ev.samples.map((s) => [s.subject, s.value, s.active, s.threshold])).toEqual([
      ['org-platform', 45, true, 30],
      ['mobile-app', 90, false, 120],
    ]);
  });
});

describe('study-anomaly', () => {
  it('ratio and robust z against the median; a small baseline is not judged', () => {
    expect(anomalyScore('ratio', 10, [40, 50, 60, 50, 45, 55, 50], 20)).toEqual({ median: 50, score: 0.2 });
    const z = anomalyScore('robust-z', 10, [40, 50, 60, 50, 45, 55, 50], 20)!;
    // MAD 5 → σ ≈ 7.413: (10 − 50) / 7.413 ≈ −5.4
    expect(z.score).toBeCloseTo(-5.396, 2);
    expect(anomalyScore('ratio', 0, [3, 4, 5], 20)).toBeNull();
    // the same count every day: MAD floored, a drop is still finite
    expect(Number.isFinite(anomalyScore('robust-z', 0, [30, 30, 30], 20)!.score)).toBe(true);
  });

  it('fires on a sharp drop, red below the red ratio; counties without a baseline are skipped', () => {
    const r = rule('study-anomaly');
    const data: Record<string, { current: number; baseline: number[] } | null> = {
      '610113': { current: 5, baseline: [40, 50, 60, 50, 45, 55, 50] },
      '610112': { current: 20, baseline: [40, 50, 60, 50, 45, 55, 50] },
      '610111': { current: 48, baseline: [40, 50, 60, 50, 45, 55, 50] },
      '610114': null,
    };
    const ev = evaluateStudyAnomaly(r, Object.keys(data), (region) => data[region]!);
    expect(ev.samples.map((s) => [s.region, s.value, s.active, s.severity ?? 'rule'])).toEqual([
      ['610111', 0.96, false, 'rule'],
      ['610112', 0.4, true, 'rule'],
      ['610113', 0.1, true, 'red'],
    ]);
  });
});
