// The latest N events before an instant: what `mock events` prints without --start. The stream
// is capped at the end instant and sized backwards from it by counting slots (cheap: activity
// is counted from its Poisson draws, never built), so no event lies after the end at any hour,
// however quiet the night, and the same (seed, end) gives the same bytes.
import { SLOT_MS } from './gen/activity.ts';
import { activityPerDay, type Population } from './population.ts';
import { dayStartMs, DAY_MS, HOUR_MS, localDay } from './rhythm.ts';
import { FATE_STREAMS, fateStream, slotLines, SlotSource } from './stream.ts';

/** The end instant's alignment: two runs within one clock hour print the same bytes. */
export const END_ALIGN_MS = HOUR_MS;
/** Without an explicit scale, a count that would take longer is made busier (inside the 35-day retention). */
export const MAX_SPAN_DAYS = 28;
/** The window never reaches further back than this (a roster too small for the count). */
const MAX_LOOKBACK_DAYS = 400;
/** Structured events a day per branch, floating member and member, for sizing (meetings, transfers; check-ins; 党费). */
const STRUCTURED_PER_BRANCH_DAY = 0.12;
const CHECKINS_PER_FLOATING_DAY = 0.45;
const DUES_PER_MEMBER_DAY = 12 / 365;

export interface EventsWindow {
  /** activity and structured events from here (a slot start) */
  startMs: number;
  /** no event at or after this instant */
  endMs: number;
  /** lines of the first slot to leave out, so that exactly `count` remain */
  skip: number;
  scale: number;
}

type StartAndSkip = Pick<EventsWindow, 'startMs' | 'skip'>;

/** The end a run at `nowMs` stands for: the start of its clock hour. */
export function alignedEnd(nowMs: number): number {
  return Math.floor(nowMs / END_ALIGN_MS) * END_ALIGN_MS;
}

/** Events per day at `scale`, on average (rhythm and weekdays aside), for sizing. */
export function eventsPerDay(pop: Population, scale: number): number {
  const { branches, floating, members } = pop;
  const perBranch = branches.length * STRUCTURED_PER_BRANCH_DAY;
  const structured = perBranch + floating.length * CHECKINS_PER_FLOATING_DAY + members * DUES_PER_MEMBER_DAY;
  return activityPerDay(pop) * scale + structured;
}

/**
 * The window of the latest `count` events before `endMs`: walks slots back from the end,
 * counting each slot's lines, until the count is reached. Throws if it is not within 400 days.
 */
export function latestWindow(pop: Population, scale: number, endMs: number, count: number): StartAndSkip {
  const source = new SlotSource(pop, scale);
  const lastDay = localDay(endMs - 1);
  let acc = 0;
  for (let day = lastDay; day > lastDay - MAX_LOOKBACK_DAYS; day--) {
    const dayStart = dayStartMs(day);
    // structured events per slot and fate stream (activity is stream 0)
    const perSlot = new Uint32Array((DAY_MS / SLOT_MS) * FATE_STREAMS);
    for (const { t, ev } of source.structured(day)) {
      if (t < endMs) perSlot[Math.floor((t - dayStart) / SLOT_MS) * FATE_STREAMS + fateStream(ev.type)]!++;
    }
    const top = Math.min(dayStart + DAY_MS, endMs);
    for (let slot = Math.ceil(top / SLOT_MS) - 1; slot * SLOT_MS >= dayStart; slot--) {
      const at = (slot - dayStart / SLOT_MS) * FATE_STREAMS;
      const n = perSlot.slice(at, at + FATE_STREAMS);
      for (const d of source.draws(slot)) if (d.t < endMs) n[0]!++;
      if (n.every((x) => x === 0)) continue;
      acc += slotLines(pop.seed, slot, n);
      if (acc >= count) return { startMs: slot * SLOT_MS, skip: acc - count };
    }
  }
  const before = new Date(endMs).toISOString();
  throw new Error(`fewer than ${count} events in the ${MAX_LOOKBACK_DAYS} days before ${before}`);
}

/**
 * What `mock events --count N` without --start prints for a run at `nowMs`: the latest N
 * events before the start of its clock hour. Without an explicit scale, a count that would
 * span more than 28 days at the realistic volume is made busier instead.
 */
export function eventsWindow(pop: Population, count: number, nowMs: number, scale?: number): EventsWindow {
  const endMs = alignedEnd(nowMs);
  let s = scale ?? 1;
  if (scale === undefined && count / eventsPerDay(pop, 1) > MAX_SPAN_DAYS) {
    const structured = eventsPerDay(pop, 0);
    s = Math.max(1, (count / MAX_SPAN_DAYS - structured) / activityPerDay(pop));
  }
  if (count <= 0) return { startMs: endMs, endMs, skip: 0, scale: s };
  return { ...latestWindow(pop, s, endMs, count), endMs, scale: s };
}
