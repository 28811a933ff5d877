// History as the wall can see it. The wall shows the past only through a few numbers: distinct
// learners per day (the 30-day series) and per month, the month's points, today's and
// yesterday's hourly study counts, and who was online in the last 5 minutes. The backfill
// sends exactly what those need from the realistic stream and leaves out the rest (old
// heartbeats, repeat study items of older days, old exams), so that history is on the same
// scale as live events at a fraction of the volume. A pure filter over the event stream.
import type { IngestEvent } from '../server/contract/events.ts';
import { tsOf } from './stream.ts';
import { localDay } from './rhythm.ts';

export interface HistoryCut {
  /**
   * every study item, exam and point from here on (the start of yesterday: hourly today vs. yesterday,
   * today's minutes and exams)
   */
  detailFromMs: number;
  /** heartbeats (`member.active`) from here on: online-now looks 5 minutes back, older ones only cost dedupe memory */
  heartbeatsFromMs: number;
  /** points from here on (the start of the month: points this month, the leaderboard) */
  pointsFromMs: number;
}

/** Heartbeats this close to the end of the backfill are sent (online-now is a 5-minute window). */
export const HEARTBEAT_WINDOW_MS = 10 * 60_000;

/**
 * Keeps what the wall can see: before `detailFromMs` a member's first study item of a day only
 * (the day's and month's learners stay exact), points from `pointsFromMs`, no exams;
 * heartbeats from `heartbeatsFromMs`. Meetings, transfers, check-ins, 党费 (this month and last,
 * from the plan's `duesStartMs`) and development stages (the open cases' snapshot and the
 * changes after it) pass unchanged.
 */
export function* thinHistory(events: Iterable<IngestEvent>, cut: HistoryCut): Generator<IngestEvent, void, undefined> {
  const learners = new Map<number, Set<string>>();
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const ev of events) {
    const t = tsOf(ev);
    switch (ev.type) {
      case 'member.active':
        if (t >= cut.heartbeatsFromMs) yield ev;
        break;
      case 'exam.submitted':
        if (t >= cut.detailFromMs) yield ev;
        break;
      case 'points.awarded':
        if (t >= cut.pointsFromMs) yield ev;
        break;
      case 'study.completed': {
        if (t >= cut.detailFromMs) {
          yield ev;
          break;
        }
        const day = localDay(t);
        if (day > lastDay) {
          // late events reach at most 6 hours back: the day before is all that can still come
          lastDay = day;
          for (const d of learners.keys()) if (d < day - 1) learners.delete(d);
        }
        let seen = learners.get(day);
        if (!seen) learners.set(day, (seen = new Set()));
        if (!seen.has(ev.member)) {
          seen.add(ev.member);
          yield ev;
        }
        break;
      }
      default:
        yield ev;
    }
  }
}
