// The backfill at the live scale: what the wall shows of the past is exact, the rest left out,
// and it meets the live stream without a gap or a shared id.
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../server/contract/events.ts';
import { backfillEvents, backfillPlan } from '../../mock/backfill.ts';
import { activitySlot, SLOT_MS, type ActivityContext } from '../../mock/gen/activity.ts';
import { HEARTBEAT_WINDOW_MS, thinHistory } from '../../mock/history.ts';
import { buildPopulation } from '../../mock/population.ts';
import { DevelopmentBook } from '../../mock/gen/development.ts';
import { dayStartMs, HOUR_MS, localDay, monthStartDay, quarterStartDay, rfc3339Local } from '../../mock/rhythm.ts';
import { eventStream, streamTag, tsOf } from '../../mock/stream.ts';
import { DAY_MS, SIMULATED_NOWS, SMALL_ROSTER } from './fixtures.ts';

const pop = buildPopulation(SMALL_ROSTER, 42);
/** A Tuesday afternoon early in a month: the 30-day window spans two months. */
const AFTERNOON = Date.parse('2026-11-03T14:00:00+08:00');
const SCALE = 20;

const withMember = (ev: IngestEvent): ev is Extract<IngestEvent, { member: string }> => 'member' in ev;
const slotOfId = (id: string): number => parseInt(id.split('-')[1]!, 36);
const ids = (events: IngestEvent[], type: IngestEvent['type']) =>
  new Set(events.filter((e) => e.type === type).map((e) => e.id));

function learnersBy(events: IngestEvent[], key: (ts: number) => number | string): Map<number | string, number> {
  const sets = new Map<number | string, Set<string>>();
  for (const ev of events) {
    if (ev.type !== 'study.completed') continue;
    const k = key(tsOf(ev));
    if (!sets.has(k)) sets.set(k, new Set());
    sets.get(k)!.add(ev.member);
  }
  return new Map([...sets].map(([k, s]) => [k, s.size]));
}

describe('local calendar', () => {
  it('finds the first day of the month and of the quarter', () => {
    const day = (iso: string) => localDay(Date.parse(`${iso}T12:00:00+08:00`));
    expect(monthStartDay(day('2026-11-27'))).toBe(day('2026-11-01'));
    expect(quarterStartDay(day('2026-11-27'))).toBe(day('2026-10-01'));
    expect(quarterStartDay(day('2026-12-31'))).toBe(day('2026-10-01'));
    expect(quarterStartDay(day('2027-01-01'))).toBe(day('2027-01-01'));
    expect(quarterStartDay(day('2027-03-31'))).toBe(day('2027-01-01'));
    expect(quarterStartDay(day('2026-09-30'))).toBe(day('2026-07-01'));
  });
});

describe('activity types', () => {
  it('are independent streams: leaving one out changes nothing in the others', () => {
    const ctx: ActivityContext = { pop, scale: SCALE, tag: streamTag(pop.seed, SCALE) };
    const slot = Math.floor(AFTERNOON / SLOT_MS) - 90;
    const all = activitySlot(ctx, slot);
    const some = activitySlot(ctx, slot, {
      'member.active': Number.POSITIVE_INFINITY,
      'points.awarded': slot * SLOT_MS + 30_000,
    });
    expect(all.some((e) => e.ev.type === 'member.active')).toBe(true);
    expect(some.some((e) => e.ev.type === 'member.active')).toBe(false);
    const keep = (e: { t: number; ev: IngestEvent }) =>
      e.ev.type === 'study.completed' ||
      e.ev.type === 'exam.submitted' ||
      (e.ev.type === 'points.awarded' && e.t >= slot * SLOT_MS + 30_000);
    expect(some).toEqual(all.filter(keep));
  });
});

// Each end: midnight, the small hours, the first hour of a month, an afternoon (fixtures.ts).
describe.each(SIMULATED_NOWS)('backfill at the live scale ending %s', (iso) => {
  const END = Date.parse(iso);
  const quarterStart = dayStartMs(quarterStartDay(localDay(END)));
  const plan = backfillPlan(pop, END, { days: 30, scale: SCALE, retentionDays: 100, historyStartMs: quarterStart });
  const generated = [...eventStream(plan.stream)];
  const sent = [...thinHistory(generated, plan.cut)];

  it('covers 30 calendar days of activity and the quarter of meetings, transfers and check-ins', () => {
    expect(plan.stream.startMs).toBe(dayStartMs(localDay(END) - 29));
    expect(plan.stream.historyStartMs).toBe(quarterStart);
    expect(backfillEvents(plan).next().value).toEqual(sent[0]);
    expect(Math.min(...sent.filter((e) => e.type === 'member.checkin').map(tsOf))).toBeLessThan(quarterStart + DAY_MS);
    const meetings = sent.filter((e) => e.type === 'meeting.held').map(tsOf);
    expect(Math.min(...meetings)).toBeLessThan(quarterStart + 30 * DAY_MS);
  });

  it('sends nothing at or after its end', () => {
    expect(Math.max(...sent.map(tsOf))).toBeLessThan(END);
  });

  it('keeps the learners of every day and of the month exact', () => {
    expect(learnersBy(sent, localDay)).toEqual(learnersBy(generated, localDay));
    const month = (t: number) => (t >= plan.cut.pointsFromMs ? 'this' : 'before');
    expect(learnersBy(sent, month)).toEqual(learnersBy(generated, month));
  });

  it('keeps every study item, exam and point of today and yesterday, and the month’s points', () => {
    const detail = (events: IngestEvent[]) =>
      events.filter((e) => tsOf(e) >= plan.cut.detailFromMs && e.type !== 'member.active');
    expect(plan.cut.detailFromMs).toBe(dayStartMs(localDay(END) - 1));
    expect(detail(sent)).toEqual(detail(generated));
    const points = (events: IngestEvent[]) =>
      events.reduce((s, e) => s + (e.type === 'points.awarded' && tsOf(e) >= plan.cut.pointsFromMs ? e.points : 0), 0);
    expect(points(sent)).toBe(points(generated));
    expect(sent.filter((e) => e.type === 'exam.submitted' && tsOf(e) < plan.cut.detailFromMs)).toEqual([]);
  });

  it('sends heartbeats only for the last minutes (online now), and the structured streams whole', () => {
    const beats = sent.filter((e) => e.type === 'member.active');
    expect(beats.length).toBeGreaterThan(0);
    expect(Math.min(...beats.map(tsOf))).toBeGreaterThanOrEqual(END - HEARTBEAT_WINDOW_MS);
    for (const type of ['meeting.held', 'transfer.updated', 'member.checkin'] as const)
      expect(ids(sent, type)).toEqual(ids(generated, type));
  });

  it('is a small part of the realistic volume', () => {
    const full = [...eventStream({ ...plan.stream, typeStarts: {} })];
    expect(sent.length).toBeLessThan(full.length * 0.35);
  });

  it('meets the live stream without a gap and without a shared id', () => {
    // live starts where the backfill ends, at the same scale (runLive({ startMs: END, scale }))
    const live = [...eventStream({ pop, startMs: END, endMs: END + HOUR_MS, scale: SCALE })];
    const around = [...eventStream({ pop, startMs: END - HOUR_MS, endMs: END + HOUR_MS, scale: SCALE })];
    const backfillIds = new Set(sent.map((e) => e.id));
    expect(live.filter((e) => backfillIds.has(e.id))).toEqual([]);
    const from = (slot: number) => (id: string) => slotOfId(id) >= slot;
    for (const [type, first] of [
      ['study.completed', END - HOUR_MS],
      // last month's points are not history the wall shows: in a month's first hour they start at midnight
      ['points.awarded', Math.max(END - HOUR_MS, plan.cut.pointsFromMs)],
      ['member.active', END - HEARTBEAT_WINDOW_MS],
    ] as const) {
      const want = [...ids(around, type)].filter(from(first / SLOT_MS)).sort();
      const got = [...new Set([...ids(sent, type), ...ids(live, type)])].filter(from(first / SLOT_MS)).sort();
      expect(got).toEqual(want);
    }
    // one id prefix: the same scale on both sides
    const tags = new Set([...sent, ...live].filter((e) => e.type === 'study.completed').map((e) => e.id.split('-')[0]));
    expect(tags).toEqual(new Set([streamTag(pop.seed, SCALE)]));
  });

  it('sends each open development case’s current stage at the history’s start, then every change', () => {
    const start = plan.stream.historyStartMs!;
    const dev = sent.filter((e) => e.type === 'development.stage');
    expect(dev.every((e) => tsOf(e) >= start)).toBe(true);
    const book = new DevelopmentBook(pop, streamTag(pop.seed, 0));
    const cases = (at: number) => book.snapshot(at).map((t) => t.ev as (typeof dev)[number]);
    const snapshot = new Set(dev.filter((e) => tsOf(e) === start).map((e) => e.person));
    expect(snapshot).toEqual(new Set(cases(start).map((e) => e.person)));
    // what the server keeps, the latest stage by ts, is each case's stage at the end
    const latest = new Map<string, { ts: number; stage: string }>();
    for (const e of dev) {
      if (tsOf(e) >= (latest.get(e.person)?.ts ?? 0)) latest.set(e.person, { ts: tsOf(e), stage: e.stage });
    }
    const open = new Map(cases(END - 1).map((e) => [e.person, e.stage]));
    expect(open.size).toBeGreaterThan(20);
    const stillOpen = [...latest].filter(([, v]) => v.stage !== 'full' && v.stage !== 'dropped');
    expect(new Map(stillOpen.map(([p, v]) => [p, v.stage]))).toEqual(open);
  });

  it('sends 党费 of last month and this month in full', () => {
    const lastMonthStart = dayStartMs(monthStartDay(monthStartDay(localDay(END)) - 1));
    expect(plan.stream.duesStartMs).toBe(lastMonthStart);
    const dues = sent.filter((e) => e.type === 'dues.paid');
    expect(Math.min(...dues.map(tsOf))).toBeGreaterThanOrEqual(lastMonthStart);
    const label = rfc3339Local(lastMonthStart).slice(0, 7);
    const paidLastMonth = new Set(dues.filter((e) => e.month === label).map((e) => e.member));
    expect(paidLastMonth.size).toBeGreaterThan(0.85 * pop.members);
  });

  it('refuses history beyond the retention', () => {
    expect(() => backfillPlan(pop, END, { retentionDays: 35, historyStartMs: END - 40 * DAY_MS })).toThrow(
      /RETENTION_DAYS/,
    );
    expect(() => backfillPlan(pop, END, { days: 36 })).toThrow(/RETENTION_DAYS/);
  });

  it('names every learner with a member', () => {
    expect(sent.filter((e) => e.type === 'study.completed').every(withMember)).toBe(true);
  });
});
