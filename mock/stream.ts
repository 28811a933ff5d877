// The event stream: activity minute by minute, merged with the day's meetings, transfers and
// check-ins, plus the resends and late arrivals real upstream systems produce. A lazy iterator:
// memory stays flat however many events are drawn.
import type { IngestEvent } from '../server/contract/events.ts';
import { activitySlot, SLOT_MS, type ActivityContext, type Timed, type TypeStarts } from './gen/activity.ts';
import { checkinsOfDay } from './gen/checkins.ts';
import { MeetingCalendar } from './gen/meetings.ts';
import { transfersOfDay } from './gen/transfers.ts';
import type { Population } from './population.ts';
import { hashInts, Rng } from './prng.ts';
import { dayStartMs, DAY_MS, HOUR_MS, localDay } from './rhythm.ts';

/** Share of events resent with the same id (at-least-once upstream delivery). */
export const DUPLICATE_SHARE = 0.005;
/** Share of events that arrive hours after their `ts` (a queue drained late). */
export const LATE_SHARE = 0.005;
const LATE_MIN_MS = 1 * HOUR_MS;
const LATE_MAX_MS = 6 * HOUR_MS;

export interface StreamOptions {
  pop: Population;
  /** first activity event at or after this moment (epoch ms) */
  startMs: number;
  /** meetings, transfers and check-ins from this moment on (default startMs), so that monthly and 30-day figures have history */
  historyStartMs?: number;
  /** stop before this moment (default: never) */
  endMs?: number;
  /** multiplies the realistic activity volume (default 1); meetings, transfers and check-ins are not scaled */
  scale?: number;
  /** activity of a type only from this moment on (e.g. heartbeats for the last minutes of a backfill); +Infinity for none */
  typeStarts?: TypeStarts;
}

/** The id prefix of a run: different seeds and scales never share ids. */
export function streamTag(seed: number, scale: number): string {
  return hashInts(seed, Math.round(scale * 1e6)).toString(36);
}

/** Epoch ms of an event's ts (number or RFC 3339). */
export function tsOf(ev: IngestEvent): number {
  return typeof ev.ts === 'number' ? ev.ts : Date.parse(ev.ts);
}

/** The day's structured events: same for every scale, keyed on the seed alone. */
function structuredDay(pop: Population, meetings: MeetingCalendar, tag: string, day: number): Timed[] {
  return [...meetings.ofDay(day), ...transfersOfDay(pop, tag, day), ...checkinsOfDay(pop, tag, day)].sort((a, b) => a.t - b.t);
}

/** Events of one slot after merging, with resends and late arrivals applied. */
function finishSlot(merged: Timed[], seed: number, slot: number): IngestEvent[] {
  const rng = Rng.of(seed, slot, 0xd1);
  const out: IngestEvent[] = [];
  const resends: IngestEvent[] = [];
  for (const { ev } of merged) {
    const roll = rng.next();
    if (roll < LATE_SHARE) {
      const late = { ...ev, ts: tsOf(ev) - Math.floor(rng.range(LATE_MIN_MS, LATE_MAX_MS)) };
      out.push(late);
      continue;
    }
    out.push(ev);
    if (roll < LATE_SHARE + DUPLICATE_SHARE) resends.push(ev);
  }
  return resends.length === 0 ? out : out.concat(resends);
}

/** The events from `startMs` on, in emission order (time order but for resends and late ones). */
export function* eventStream(opts: StreamOptions): Generator<IngestEvent, void, undefined> {
  const { pop, startMs } = opts;
  const scale = opts.scale ?? 1;
  const historyStart = Math.min(opts.historyStartMs ?? startMs, startMs);
  const end = opts.endMs ?? Number.POSITIVE_INFINITY;
  const structuredTag = streamTag(pop.seed, 0);
  const ctx: ActivityContext = { pop, scale, tag: streamTag(pop.seed, scale) };
  const meetings = new MeetingCalendar(pop, structuredTag);
  for (let day = localDay(historyStart); dayStartMs(day) < end; day++) {
    const structured = structuredDay(pop, meetings, structuredTag, day);
    let next = 0;
    const dayStart = dayStartMs(day);
    const firstSlot = Math.floor(Math.max(dayStart, historyStart) / SLOT_MS);
    const lastSlot = Math.floor((dayStart + DAY_MS) / SLOT_MS);
    for (let slot = firstSlot; slot < lastSlot; slot++) {
      const slotStart = slot * SLOT_MS;
      if (slotStart >= end) return;
      const slotEnd = slotStart + SLOT_MS;
      const merged: Timed[] = [];
      const activity = slotEnd > startMs && scale > 0 ? activitySlot(ctx, slot, opts.typeStarts) : [];
      let a = 0;
      while (a < activity.length && activity[a]!.t < startMs) a++;
      while (next < structured.length && structured[next]!.t < historyStart) next++;
      while (true) {
        const s = next < structured.length && structured[next]!.t < slotEnd ? structured[next]! : undefined;
        const x = a < activity.length ? activity[a]! : undefined;
        if (!s && !x) break;
        if (s && (!x || s.t <= x.t)) {
          merged.push(s);
          next++;
        } else {
          merged.push(x!);
          a++;
        }
      }
      const kept = merged.filter((e) => e.t < end);
      if (kept.length > 0) yield* finishSlot(kept, pop.seed, slot);
    }
  }
}
