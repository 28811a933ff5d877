// 党费 and 发展党员: valid against the contract, the collection rhythm, the development durations,
// the open cases an upstream sends on connecting, and determinism.
import { describe, expect, it } from 'vitest';
import type { DevelopmentStage, EventOf, IngestEvent } from '../../server/contract/events.ts';
import { validateEvent } from '../../server/contract/validate.ts';
import { duesFigures } from '../../mock/figures.ts';
import { DevelopmentBook } from '../../mock/gen/development.ts';
import { duesRate, monthKeyOfDay, paymentsOfMonth } from '../../mock/gen/dues.ts';
import { dayStartMs, localDate, localDay } from '../../mock/rhythm.ts';
import { simulation } from '../../mock/setup.ts';
import { eventStream, tsOf } from '../../mock/stream.ts';
import { DAY_MS, SIMULATED_NOWS } from './fixtures.ts';

type Dues = EventOf<'dues.paid'>;
type Development = EventOf<'development.stage'>;

const { roster, pop } = simulation({ region: '610113', seed: 42 });
const known = new Set(roster.map((o) => o.id));
const dayOf = (iso: string) => localDay(Date.parse(`${iso}T12:00:00+08:00`));
const sinceDay = (since: string) => dayOf(since);
const NOV = monthKeyOfDay(dayOf('2026-11-15'));
/** Drops the stream's at-least-once resends (same id, same content). */
const once = <T extends IngestEvent>(events: T[]): T[] => [...new Map(events.map((e) => [e.id, e])).values()];

/** Distinct members who paid for month `mk`, by the local date of payment (32: paid in a later month). */
function paidByDate(mk: number): { members: number; byDate: number[] } {
  const byDate = new Array<number>(33).fill(0);
  const seen = new Set<string>();
  for (const p of [...paymentsOfMonth(pop, mk), ...paymentsOfMonth(pop, mk + 1)]) {
    const key = `${p.b.id}/${p.n}`;
    if (!p.months.includes(mk) || seen.has(key)) continue;
    seen.add(key);
    const d = localDate(localDay(p.t));
    byDate[monthKeyOfDay(localDay(p.t)) === mk ? d.date : 32]!++;
  }
  return { members: pop.members, byDate };
}

describe.each(SIMULATED_NOWS.slice(0, 3))('党费 and development events up to %s', (iso) => {
  const nowMs = Date.parse(iso);
  const start = nowMs - 3 * DAY_MS;
  const opts = { pop, startMs: nowMs, historyStartMs: start, endMs: nowMs, scale: 0, snapshotMs: start };
  const events = [...eventStream(opts)];

  it('validate against the contract, none after now', () => {
    const ours = events.filter((e) => e.type === 'dues.paid' || e.type === 'development.stage');
    expect(ours.filter((e) => e.type === 'dues.paid').length).toBeGreaterThan(100);
    expect(ours.filter((e) => e.type === 'development.stage').length).toBeGreaterThan(1000);
    for (const [i, ev] of ours.entries()) {
      const v = validateEvent(ev, i, { nowMs, retentionMs: 35 * DAY_MS, isKnownOrg: (o) => known.has(o) });
      expect(v.ok ? 'ok' : v.rejection).toBe('ok');
      expect(tsOf(ev)).toBeLessThan(nowMs);
    }
  });

  it('name development cases, not members, and repeat an open case’s stage under its change’s id', () => {
    const dev = once(events.filter((e): e is Development => e.type === 'development.stage'));
    expect(dev.every((e) => e.person.startsWith('dev-') && !('member' in e))).toBe(true);
    const snapshot = dev.filter((e) => tsOf(e) === start);
    expect(new Set(snapshot.map((e) => e.person)).size).toBe(snapshot.length);
    expect(snapshot.every((e) => e.stage !== 'full' && e.stage !== 'dropped')).toBe(true);
    expect(snapshot.every((e) => sinceDay(e.since) <= localDay(start))).toBe(true);
    const changes = dev.filter((e) => tsOf(e) > start);
    expect(changes.every((e) => sinceDay(e.since) <= localDay(tsOf(e)))).toBe(true);
  });
});

describe('党费 rhythm of 雁塔 in November 2026', () => {
  const { members, byDate } = paidByDate(NOV);
  const upTo = (date: number) => byDate.slice(0, date + 1).reduce((a, b) => a + b, 0);

  it('collects most of a month by the 10th, some after the 15th, a little in the next month', () => {
    const inMonth = upTo(30);
    expect(upTo(10) / inMonth).toBeGreaterThan(0.75);
    expect((inMonth - upTo(15)) / inMonth).toBeGreaterThan(0.03);
    expect(byDate[32]! / members).toBeGreaterThan(0.01);
    expect(byDate[32]! / members).toBeLessThan(0.05);
  });

  it('is what `mock figures` reports', () => {
    const f = duesFigures(pop, dayOf('2026-11-20'));
    expect(f.month).toBe('2026-11');
    expect(f.rateBy.day10).toBeCloseTo(upTo(10) / members, 12);
    expect(f.rateBy.monthEnd).toBeCloseTo(upTo(30) / members, 12);
    expect(f.nextMonth).toBeCloseTo(byDate[32]! / members, 12);
  });

  it('reads 90–97 % by month end and lower early in the month', () => {
    expect(upTo(30) / members).toBeGreaterThan(0.9);
    expect(upTo(30) / members).toBeLessThan(0.97);
    expect(upTo(5) / members).toBeLessThan(upTo(30) / members - 0.2);
  });

  it('pays several months at once on one day, one event per month paid for', () => {
    const from = dayStartMs(dayOf('2026-11-01'));
    const all = [...eventStream({ pop, startMs: from, endMs: from + 10 * DAY_MS, scale: 0 })];
    const dues = once(all.filter((e): e is Dues => e.type === 'dues.paid'));
    const byMember = new Map<string, Dues[]>();
    for (const e of dues) byMember.set(e.member, [...(byMember.get(e.member) ?? []), e]);
    const multi = [...byMember.values()].filter((xs) => xs.length > 1);
    expect(multi.length).toBeGreaterThan(dues.length * 0.01);
    for (const xs of multi) expect(new Set(xs.map((x) => x.month)).size).toBe(xs.length);
    // one payment, one instant (but for the odd event that arrives late, its ts hours earlier)
    expect(multi.filter((xs) => new Set(xs.map((x) => x.ts)).size === 1).length).toBeGreaterThan(multi.length * 0.95);
    // arrears of October with November's dues (a quarter's prepayment is January's, April's …)
    expect(new Set(multi.flatMap((xs) => xs.map((x) => x.month)))).toEqual(new Set(['2026-10', '2026-11']));
  });

  it('charges by the 党费 rules: small fixed sums in villages, a share of income in organs', () => {
    expect([3000, 4000, 8000, 12000].map((income) => duesRate('salaried', income))).toEqual([0.005, 0.01, 0.015, 0.02]);
    expect([duesRate('retired', 5000), duesRate('retired', 6000)]).toEqual([0.005, 0.01]);
    const from = dayStartMs(dayOf('2026-11-01'));
    const five = [...eventStream({ pop, startMs: from, endMs: from + 5 * DAY_MS, scale: 0 })];
    const dues = five.filter((e): e is Dues => e.type === 'dues.paid');
    expect(dues.every((e) => e.amount > 0 && Math.abs(e.amount * 100 - Math.round(e.amount * 100)) < 1e-6)).toBe(true);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const isVillage = (org: string) => /^o-\d{12}-/.test(org) && Number(org.slice(11, 14)) >= 200;
    const village = dues.filter((e) => isVillage(e.org)).map((e) => e.amount);
    const organ = dues.filter((e) => /^o-\d{9}-0$/.test(e.org)).map((e) => e.amount);
    expect(median(village)).toBeLessThanOrEqual(1);
    expect(median(organ)).toBeGreaterThan(50);
    expect(median(organ)).toBeLessThan(200);
  });
});

describe('党费 of 西安: some townships and counties lag after the 15th, the city does not', () => {
  const city = simulation({ region: '610100', seed: 42 }).pop;
  const levels = (region: string) => [region.slice(0, 9), region.slice(0, 6), 'city'];
  it.each(['2026-10-16', '2026-11-16', '2026-12-16'])('on %s', (iso) => {
    const day = dayOf(iso);
    const mk = monthKeyOfDay(day);
    const paid = new Map<string, number>();
    const seen = new Set<string>();
    for (const p of paymentsOfMonth(city, mk)) {
      if (localDay(p.t) > day || !p.months.includes(mk) || seen.has(`${p.b.id}/${p.n}`)) continue;
      seen.add(`${p.b.id}/${p.n}`);
      for (const code of levels(p.b.region)) paid.set(code, (paid.get(code) ?? 0) + 1);
    }
    const members = new Map<string, number>();
    for (const b of city.branches) {
      for (const code of levels(b.region)) members.set(code, (members.get(code) ?? 0) + b.members);
    }
    const rate = (code: string) => (paid.get(code) ?? 0) / members.get(code)!;
    const townships = [...members.keys()].filter((c) => c.length === 9 && members.get(c)! > 0);
    expect(rate('city')).toBeGreaterThan(0.8);
    expect(townships.filter((t) => rate(t) < 0.8).length).toBeGreaterThan(0);
    expect(townships.filter((t) => rate(t) < 0.8).length).toBeLessThan(townships.length / 4);
  });
});

describe('发展党员 cases of 雁塔', () => {
  const book = new DevelopmentBook(pop, 't');
  const year = (y: number) => {
    const out: Development[] = [];
    for (let d = dayOf(`${y}-01-01`); d < dayOf(`${y + 1}-01-01`); d++) {
      for (const { ev } of book.ofDay(d)) out.push(ev as Development);
    }
    return out;
  };
  const changes = [2023, 2024, 2025, 2026].flatMap(year);
  const NOWS = SIMULATED_NOWS.slice(0, 3);
  const ORDER: DevelopmentStage[] = ['applicant', 'activist', 'candidate', 'probationary', 'full'];

  it('advance in order with the rules’ durations: ≥ 6 months, ≥ a year of training, a year’s probation', () => {
    const cases = new Map<string, Development[]>();
    for (const e of changes) cases.set(e.person, [...(cases.get(e.person) ?? []), e]);
    let checked = 0;
    for (const stages of cases.values()) {
      const names = stages.map((s) => s.stage).filter((s) => s !== 'dropped');
      const from = ORDER.indexOf(names[0]!);
      expect(names).toEqual(ORDER.slice(from, from + names.length));
      const since = new Map(stages.map((s) => [s.stage, sinceDay(s.since)]));
      const gap = (a: DevelopmentStage, b: DevelopmentStage) => since.get(b)! - since.get(a)!;
      const both = (a: DevelopmentStage, b: DevelopmentStage) => since.has(a) && since.has(b);
      if (both('applicant', 'activist')) expect(gap('applicant', 'activist')).toBeGreaterThanOrEqual(183);
      if (both('activist', 'candidate')) expect(gap('activist', 'candidate')).toBeGreaterThanOrEqual(365);
      if (since.has('probationary') && since.has('full')) {
        expect(gap('probationary', 'full')).toBeGreaterThanOrEqual(365);
        checked++;
      }
      for (const s of stages) expect(sinceDay(s.since)).toBeLessThanOrEqual(localDay(tsOf(s)));
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('drops some cases on the way', () => {
    const dropped = changes.filter((e) => e.stage === 'dropped').length;
    expect(dropped).toBeGreaterThan(changes.length * 0.1);
  });

  it.each(NOWS)('has the open-case funnel at %s: a year’s intake on probation, some overdue', (iso) => {
    const at = Date.parse(iso);
    const open = book.snapshot(at).map((t) => t.ev as Development);
    const count = (s: DevelopmentStage) => open.filter((e) => e.stage === s).length;
    expect(count('applicant')).toBeGreaterThan(count('activist'));
    expect(count('activist')).toBeGreaterThan(count('probationary'));
    expect(count('probationary')).toBeGreaterThan(count('candidate'));
    // about 1.2 % of members a year join (公报 2023: 2.4 % nationally, students and enterprises included)
    expect(count('probationary') / pop.members).toBeGreaterThan(0.008);
    expect(count('probationary') / pop.members).toBeLessThan(0.016);
    const overdue = open.filter((e) => e.stage === 'probationary' && sinceDay(e.since) < localDay(at) - 365).length;
    expect(overdue).toBeGreaterThan(0);
    expect(overdue).toBeLessThan(count('probationary') * 0.15);
    expect(open.some((e) => sinceDay(e.since) < localDay(at) - 3 * 365)).toBe(true);
  });
});

describe('determinism', () => {
  const lines = (seed: number) => {
    const { pop: p } = simulation({ region: '610113', seed });
    const from = Date.parse('2026-11-02T00:00:00+08:00');
    const end = from + DAY_MS;
    const window = { startMs: end, historyStartMs: from, endMs: end, scale: 0, snapshotMs: from };
    const evs = [...eventStream({ pop: p, ...window })];
    const ours = evs.filter((e: IngestEvent) => e.type === 'dues.paid' || e.type === 'development.stage');
    return ours.map((e) => JSON.stringify(e)).join('\n');
  };
  it('gives the same bytes for the same seed, others for another', () => {
    const a = lines(42);
    expect(lines(42)).toBe(a);
    expect(lines(43)).not.toBe(a);
  });
});
