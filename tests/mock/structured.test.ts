import { describe, expect, it } from 'vitest';
import type { EventOf, IngestEvent } from '../../server/contract/events.ts';
import { provinceAt } from '../../geo/spatial.ts';
import { meetingsOfMonth } from '../../mock/gen/meetings.ts';
import { buildPopulation } from '../../mock/population.ts';
import { localDay } from '../../mock/rhythm.ts';
import { simulation } from '../../mock/setup.ts';
import { eventStream, tsOf } from '../../mock/stream.ts';
import { DAY_MS, OCT_1_LOCAL_MS } from './fixtures.ts';

function structured(region: string, from: number, to: number): IngestEvent[] {
  const { pop } = simulation({ region, seed: 42 });
  return [...eventStream({ pop, startMs: to, historyStartMs: from, endMs: to, scale: 0 })];
}

describe('三会一课 calendar', () => {
  const { roster } = simulation({ region: '610113', seed: 42 });
  const pop = buildPopulation(roster, 42);
  const branches = pop.branches.filter((b) => b.kind === 'branch');
  const october = meetingsOfMonth(pop, 't', localDay(OCT_1_LOCAL_MS)).map((m) => m.ev as EventOf<'meeting.held'>);
  const quarter = [OCT_1_LOCAL_MS, OCT_1_LOCAL_MS + 31 * DAY_MS, OCT_1_LOCAL_MS + 61 * DAY_MS].flatMap((t) =>
    meetingsOfMonth(pop, 't', localDay(t)).map((m) => m.ev as EventOf<'meeting.held'>),
  );
  const held = (events: EventOf<'meeting.held'>[], org: string, kind: string) =>
    events.filter((e) => e.org === org && e.kind === kind).length;

  it('has every keen branch hold 支委会 and 党小组会 monthly, 党员大会 and 党课 each quarter', () => {
    for (const b of branches.filter((x) => !x.lagging)) {
      expect(held(october, b.id, 'committee')).toBe(1);
      expect(held(october, b.id, 'group')).toBeGreaterThanOrEqual(1);
      expect(held(quarter, b.id, 'assembly')).toBe(1);
      expect(held(quarter, b.id, 'lecture')).toBe(1);
    }
    expect(october.every((e) => tsOf(e) >= OCT_1_LOCAL_MS && tsOf(e) < OCT_1_LOCAL_MS + 31 * DAY_MS)).toBe(true);
  });

  it('has some lagging branches miss meetings, and attendance below expected', () => {
    const lagging = branches.filter((b) => b.lagging);
    expect(lagging.length).toBeGreaterThan(branches.length * 0.05);
    const missing = lagging.filter(
      (b) => held(october, b.id, 'committee') === 0 || held(quarter, b.id, 'assembly') === 0,
    );
    expect(missing.length).toBeGreaterThan(0);
    expect(october.every((e) => e.attendees <= e.expected)).toBe(true);
    expect(october.some((e) => e.attendees < e.expected)).toBe(true);
  });
});

describe('transfers and floating members over 34 days of 雁塔', () => {
  const end = OCT_1_LOCAL_MS + 34 * DAY_MS;
  const events = structured('610113', OCT_1_LOCAL_MS, end);
  const known = new Set(simulation({ region: '610113' }).roster.map((o) => o.id));

  it('moves cases through the stages in order over days; some rejected, some overdue', () => {
    const cases = new Map<string, EventOf<'transfer.updated'>[]>();
    for (const e of events)
      if (e.type === 'transfer.updated') cases.set(e.transfer, [...(cases.get(e.transfer) ?? []), e]);
    expect(cases.size).toBeGreaterThan(50);
    const ORDER = ['applied', 'approved', 'received', 'completed'];
    let rejected = 0;
    let overdue = 0;
    let completedOver = 0;
    for (const stages of cases.values()) {
      const sorted = [...stages].sort((a, b) => tsOf(a) - tsOf(b));
      const names = sorted.map((s) => s.stage);
      if (names.includes('rejected')) rejected++;
      const first = sorted[0]!;
      if (first.stage !== 'applied') continue;
      expect(names.filter((s) => s !== 'rejected')).toEqual(
        ORDER.slice(0, names.filter((s) => s !== 'rejected').length),
      );
      const last = sorted[sorted.length - 1]!;
      const open = last.stage !== 'completed' && last.stage !== 'rejected';
      if (open && end - tsOf(first) > 15 * DAY_MS) overdue++;
      if (last.stage === 'completed') completedOver += tsOf(last) - tsOf(first) > DAY_MS ? 1 : 0;
      const dest = first.toOrg ?? first.toRegion!;
      expect(sorted.every((s) => (s.toOrg ?? s.toRegion) === dest)).toBe(true);
      if (first.toOrg) expect(known.has(first.toOrg)).toBe(true);
      else expect(first.toRegion!.startsWith('610113')).toBe(false);
    }
    expect(rejected).toBeGreaterThan(0);
    expect(overdue).toBeGreaterThan(0);
    expect(completedOver).toBeGreaterThan(cases.size / 3);
  });

  it('has a few percent of members float, checking in far away; some out of contact for 30+ days', () => {
    const { pop } = simulation({ region: '610113', seed: 42 });
    const share = pop.floating.length / pop.members;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.06);
    const latest = new Map<string, number>();
    const crs = new Set<string>();
    for (const e of events) {
      if (e.type !== 'member.checkin') continue;
      latest.set(e.member, Math.max(latest.get(e.member) ?? 0, tsOf(e)));
      crs.add(e.crs ?? 'default');
      // Nowhere near 西安 (108.9, 34.3): they work in other cities.
      expect(Math.abs(e.lng - 108.94) + Math.abs(e.lat - 34.34)).toBeGreaterThan(1);
    }
    expect(latest.size).toBeGreaterThan(pop.floating.length * 0.8);
    const silent = [...latest.values()].filter((t) => end - t > 30 * DAY_MS).length;
    expect(silent).toBeGreaterThan(0);
    expect(silent).toBeLessThan(latest.size * 0.2);
    expect([...crs].sort()).toEqual(['bd09', 'default', 'gcj02', 'wgs84']);
  });

  it("puts workplaces on land in the work city's province (not in Hong Kong or at sea)", () => {
    const { pop } = simulation({ region: '610100', seed: 42 });
    const astray = pop.floating.filter((f) => provinceAt(f.lng, f.lat) !== provinceAt(...f.city.centre));
    expect(astray.map((f) => `${f.city.name} ${f.lng},${f.lat}`)).toEqual([]);
    expect(new Set(pop.floating.map((f) => f.city.name)).size).toBeGreaterThan(10);
  });
});
