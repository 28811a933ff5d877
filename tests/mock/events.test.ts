import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventOf, type IngestEvent } from '../../server/contract/events.ts';
import { validateEvent } from '../../server/contract/validate.ts';
import { buildPopulation } from '../../mock/population.ts';
import { ACTIVITY_TYPES, localHour, type ActivityType } from '../../mock/rhythm.ts';
import { simulation } from '../../mock/setup.ts';
import { DUPLICATE_SHARE, eventStream, LATE_SHARE, tsOf, type StreamOptions } from '../../mock/stream.ts';
import { DAY_MS, OCT_1_LOCAL_MS, SMALL_ROSTER } from './fixtures.ts';

const RETENTION_MS = 35 * DAY_MS;

function take(opts: StreamOptions, n: number): IngestEvent[] {
  const out: IngestEvent[] = [];
  for (const ev of eventStream(opts)) {
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

const ndjson = (events: IngestEvent[]) => events.map((e) => JSON.stringify(e)).join('\n');

describe('event stream', () => {
  it('every event of a 西安 run validates against the contract with the generated roster', () => {
    const { roster, pop } = simulation({ region: '610100', seed: 42 });
    const known = new Set(roster.map((o) => o.id));
    const start = OCT_1_LOCAL_MS + 20 * DAY_MS + 7 * 3600_000;
    // History makes meetings, transfers and check-ins part of the sample; the scale brings exams in.
    const events = take({ pop, startMs: start, historyStartMs: start - 2 * DAY_MS, scale: 0.2 }, 20_000);
    const nowMs = Math.max(...events.map(tsOf)) + 60_000;
    const seen = new Set<string>();
    for (const [i, ev] of events.entries()) {
      const v = validateEvent(ev, i, { nowMs, retentionMs: RETENTION_MS, isKnownOrg: (o) => known.has(o) });
      expect(v.ok ? 'ok' : v.rejection).toBe('ok');
      seen.add(ev.type);
    }
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
    // heartbeats are the bulk of the activity from the start on
    const activity = events.filter((e) => tsOf(e) >= start && ACTIVITY_TYPES.includes(e.type as ActivityType));
    expect(activity.filter((e) => e.type === 'member.active').length).toBeGreaterThan(activity.length / 3);
  });

  it('is a pure function of the seed: same seed same bytes, another seed other bytes', () => {
    const opts = (seed: number): StreamOptions => ({
      pop: buildPopulation(SMALL_ROSTER, seed),
      startMs: OCT_1_LOCAL_MS,
      historyStartMs: OCT_1_LOCAL_MS - DAY_MS,
      scale: 20,
    });
    const a = ndjson(take(opts(42), 5000));
    expect(ndjson(take(opts(42), 5000))).toBe(a);
    expect(ndjson(take(opts(43), 5000))).not.toBe(a);
  });

  it('regenerates any stretch of time on its own', () => {
    const pop = buildPopulation(SMALL_ROSTER, 7);
    const whole = take({ pop, startMs: OCT_1_LOCAL_MS, scale: 20 }, 4000);
    const from = tsOf(whole[2000]!);
    const slotStart = Math.floor(from / 60_000) * 60_000;
    const part = take({ pop, startMs: slotStart, scale: 20 }, 500);
    const at = whole.findIndex((e) => e.id === part[0]!.id);
    expect(at).toBeGreaterThan(0);
    expect(ndjson(whole.slice(at, at + 100))).toBe(ndjson(part.slice(0, 100)));
  });

  it('has the documented study peaks: morning, noon and evening well above the night', () => {
    const pop = buildPopulation(SMALL_ROSTER, 42);
    const byHour = new Array<number>(24).fill(0);
    const end = OCT_1_LOCAL_MS + 14 * DAY_MS;
    for (const ev of eventStream({ pop, startMs: OCT_1_LOCAL_MS, endMs: end, scale: 20 })) {
      if (ev.type === 'study.completed') byHour[localHour(tsOf(ev))]!++;
    }
    const mean = (hours: number[]) => hours.reduce((s, h) => s + byHour[h]!, 0) / hours.length;
    const night = mean([1, 2, 3, 4]);
    expect(night).toBeGreaterThan(0);
    for (const peak of [
      [7, 8],
      [12, 13],
      [20, 21],
    ])
      expect(mean(peak)).toBeGreaterThan(8 * night);
    expect(mean([8])).toBeGreaterThan(1.5 * mean([10, 15, 16]));
  });

  it('studies less on weekends than on weekdays', () => {
    const pop = buildPopulation(SMALL_ROSTER, 42);
    const perDay = new Map<number, number>();
    for (const ev of eventStream({
      pop,
      startMs: OCT_1_LOCAL_MS + 7 * DAY_MS,
      endMs: OCT_1_LOCAL_MS + 21 * DAY_MS,
      scale: 20,
    })) {
      if (ev.type !== 'study.completed') continue;
      const day = Math.floor((tsOf(ev) - OCT_1_LOCAL_MS) / DAY_MS);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    // 2026-10-01 is a Thursday: days 9, 10, 16, 17 are weekends.
    const weekend = [9, 10, 16, 17].map((d) => perDay.get(d) ?? 0);
    const weekday = [7, 8, 11, 12, 13, 14, 15, 18, 19, 20].map((d) => perDay.get(d) ?? 0);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(weekend)).toBeLessThan(0.9 * avg(weekday));
  });

  it('resends about 0.5 % of events with the same id and sends about 0.5 % hours late', () => {
    const pop = buildPopulation(SMALL_ROSTER, 42);
    const events = take({ pop, startMs: OCT_1_LOCAL_MS, scale: 50 }, 200_000);
    const seen = new Map<string, string>();
    let duplicates = 0;
    let late = 0;
    let latest = 0;
    for (const ev of events) {
      const text = JSON.stringify(ev);
      const before = seen.get(ev.id);
      if (before !== undefined) {
        duplicates++;
        expect(text).toBe(before);
      }
      seen.set(ev.id, text);
      const t = tsOf(ev);
      if (t < latest - 3600_000) late++;
      latest = Math.max(latest, t);
    }
    expect(duplicates / events.length).toBeGreaterThan(DUPLICATE_SHARE * 0.6);
    expect(duplicates / events.length).toBeLessThan(DUPLICATE_SHARE * 1.4);
    expect(late / events.length).toBeGreaterThan(LATE_SHARE * 0.6);
    expect(late / events.length).toBeLessThan(LATE_SHARE * 1.4);
  });

  it('awards points mostly positive with a few deductions, never 0', () => {
    const pop = buildPopulation(SMALL_ROSTER, 42);
    const points = take({ pop, startMs: OCT_1_LOCAL_MS, scale: 50 }, 100_000).filter(
      (e): e is EventOf<'points.awarded'> => e.type === 'points.awarded',
    );
    const negative = points.filter((p) => p.points < 0).length;
    expect(points.every((p) => p.points !== 0)).toBe(true);
    expect(negative).toBeGreaterThan(0);
    expect(negative / points.length).toBeLessThan(0.1);
  });

  it('gives a member a stable id and name in their own organization', () => {
    const pop = buildPopulation(SMALL_ROSTER, 42);
    const names = new Map<string, string>();
    for (const ev of take({ pop, startMs: OCT_1_LOCAL_MS, scale: 50 }, 50_000)) {
      if (!('member' in ev)) continue;
      expect(ev.member.startsWith(`m-${ev.org}-`)).toBe(true);
      const name = names.get(ev.member);
      if (name !== undefined) expect(ev.name).toBe(name);
      names.set(ev.member, ev.name!);
    }
    expect(names.size).toBeGreaterThan(100);
  });
});
