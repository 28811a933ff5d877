// Pure aggregate rules, table-tested: periods, masking, transfers, 三会一课, KPI rates, alerts.
import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../server/aggregate/alerts.ts';
import { isCompliantBranch, ratio } from '../../server/aggregate/kpi.ts';
import { maskName } from '../../server/aggregate/mask.ts';
import { addDays, lastDays, ZonedClock } from '../../server/aggregate/period.ts';
import { childCodeOf } from '../../server/aggregate/rollup.ts';
import { KIND_INDEX, M_KIND0, mergeRecord, MONTH_SLOTS, Q_KIND0, QUARTER_SLOTS } from '../../server/aggregate/schema.ts';
import type { DevelopmentCase, FloatingRecord, TransferCase } from '../../server/aggregate/schema.ts';
import { KpiAcc } from './reference-snapshot.ts';
import type { Kpi, RegionRef } from '../../server/contract/index.ts';
import { HashSet64 } from '../../server/store/memory/hashset64.ts';

describe('ZonedClock', () => {
  const sh = new ZonedClock('Asia/Shanghai');
  it.each([
    ['2026-11-26T15:59:59.999Z', '2026-11-26', '2026-11', '2026-Q4', 23],
    ['2026-11-26T16:00:00.000Z', '2026-11-27', '2026-11', '2026-Q4', 0],
    ['2026-09-30T15:59:59.999Z', '2026-09-30', '2026-09', '2026-Q3', 23],
    ['2026-09-30T16:00:00.000Z', '2026-10-01', '2026-10', '2026-Q4', 0],
    ['2026-12-31T16:00:00.000Z', '2027-01-01', '2027-01', '2027-Q1', 0],
    ['2024-02-29T03:00:00.000Z', '2024-02-29', '2024-02', '2024-Q1', 11],
  ])('Asia/Shanghai %s → %s %s %s h%i', (iso, day, month, quarter, hour) => {
    expect(sh.period(Date.parse(iso))).toEqual({ day, month, quarter, hour });
  });

  const ny = new ZonedClock('America/New_York');
  it.each([
    ['2026-03-08T06:59:59Z', '2026-03-08', 1], // EST, just before the spring-forward
    ['2026-03-08T07:00:00Z', '2026-03-08', 3], // EDT
    ['2026-11-01T05:59:59Z', '2026-11-01', 1], // EDT
    ['2026-11-01T06:00:00Z', '2026-11-01', 1], // EST again: 01:00 twice
    ['2026-11-02T04:59:59Z', '2026-11-01', 23],
  ])('America/New_York across DST %s → %s h%i (offset cached per UTC hour)', (iso, day, hour) => {
    const p = ny.period(Date.parse(iso));
    expect([p.day, p.hour]).toEqual([day, hour]);
  });

  it('does calendar arithmetic on day keys', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(lastDays('2026-11-27', 3)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三明', '张*明'],
    ['欧阳娜娜', '欧**娜'],
    ['李', '*'],
    ['张*明', '张*明'],
    ['𠮷野家', '𠮷*家'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));
});

const perms = <T>(xs: T[]): T[][] =>
  xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

describe('mergeRecord', () => {
  it('transfer: the latest stage by ts (ties: later in the pipeline), opened at the earliest ts, in every arrival order', () => {
    const steps: TransferCase[] = [
      { org: 'a', dest: 'r:440100', stage: 'applied', ts: 100, openedTs: 100 },
      { org: 'a', dest: 'r:440100', stage: 'approved', ts: 200, openedTs: 200 },
      { org: 'a', dest: 'r:440100', stage: 'received', ts: 300, openedTs: 300 },
      { org: 'a', dest: 'r:440100', stage: 'completed', ts: 300, openedTs: 300 },
    ];
    for (const order of perms(steps)) {
      let c: TransferCase | undefined;
      for (const s of order) c = mergeRecord('transfer', c, s);
      expect(c).toEqual({ org: 'a', dest: 'r:440100', stage: 'completed', ts: 300, openedTs: 100 });
    }
  });

  it('development: the latest stage by ts (ties: later stage) in every arrival order', () => {
    const steps: DevelopmentCase[] = [
      { org: 'a', stage: 'applicant', since: '2022-03-01', ts: 100 },
      { org: 'a', stage: 'activist', since: '2022-10-01', ts: 200 },
      { org: 'b', stage: 'candidate', since: '2023-11-01', ts: 300 },
      { org: 'b', stage: 'probationary', since: '2024-06-01', ts: 300 },
    ];
    for (const order of perms(steps)) {
      let c: DevelopmentCase | undefined;
      for (const s of order) c = mergeRecord('development', c, s);
      expect(c).toEqual(steps[3]);
    }
  });

  it.each([
    ['a later check-in wins', 200, 'b'],
    ['an equal ts wins too (the later arrival)', 100, 'b'],
    ['an earlier one is ignored', 50, 'a'],
  ])('floating: %s', (_, ts, org) => {
    const prev: FloatingRecord = { org: 'a', ts: 100, cell: 'x' };
    expect(mergeRecord('floating', prev, { org: 'b', ts, cell: 'y' }).org).toBe(org);
  });

  it('never modifies a record in place: an unchanged merge returns prev itself', () => {
    const prev: TransferCase = Object.freeze({ org: 'a', dest: 'o:x', stage: 'approved', ts: 200, openedTs: 100 });
    expect(mergeRecord('transfer', prev, { org: 'a', dest: 'o:x', stage: 'applied', ts: 150, openedTs: 150 })).toBe(prev);
    expect(mergeRecord('transfer', prev, { org: 'a', dest: 'o:x', stage: 'applied', ts: 50, openedTs: 50 })).toEqual({ ...prev, openedTs: 50 });
  });
});

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
    expect([k.studyRateToday, k.examPassRateToday, k.meetingComplianceMonth, k.attendanceRateMonth]).toEqual([null, null, null, null]);
  });
});

describe('childCodeOf', () => {
  it.each([
    ['610000', 'province', '610113001', '610100'],
    ['610100', 'city', '610113001001', '610113'],
    ['610113', 'county', '610113001001', '610113001'],
    ['610113', 'county', '610113', null],
    ['610113001', 'township', '610113001', null],
    ['610113001001', 'village', '610113001001', null],
  ] as const)('%s (%s) ∋ %s → %s', (r, level, code, child) => expect(childCodeOf(r, level, code)).toBe(child));
});

describe('evaluateAlerts', () => {
  const region = (code: string): RegionRef => ({ code, name: `R${code}`, level: 'township', illustrative: true });
  const kpi = (p: Partial<Kpi>): Kpi => ({ ...new KpiAcc().kpi(), members: 100, ...p });
  it('flags overdue transfers (critical from 5), out-of-contact shares, low study rates vs peers and low compliance late in the month', () => {
    const alerts = evaluateAlerts(
      [
        { region: region('1'), kpi: kpi({ transfersOverdue: 5, studyRateMonth: 0.6 }) },
        { region: region('2'), kpi: kpi({ transfersOverdue: 1, studyRateMonth: 0.5, floatingMembers: 10, floatingOutOfContact: 4 }) },
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

describe('HashSet64', () => {
  it('remembers 64-bit hashes through growth and a dump/load round trip', () => {
    const s = new HashSet64(16);
    for (let i = 1; i <= 5000; i++) expect(s.add(i * 7919, i)).toBe(true);
    expect(s.add(0, 0)).toBe(true);
    expect(s.add(7919, 1)).toBe(false);
    expect(s.size).toBe(5001);
    const t = new HashSet64();
    for (const b of s.dump(1000)) t.load(b);
    expect(t.size).toBe(5001);
    expect(t.has(7919 * 5000, 5000)).toBe(true);
    expect(t.has(0, 0)).toBe(true);
    expect(t.has(1, 1)).toBe(false);
  });
});
