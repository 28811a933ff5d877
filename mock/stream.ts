// The event stream: activity minute by minute, merged with the day's meetings, transfers,
// check-ins, 党费 and development stages, plus the resends and late arrivals real upstream
// systems produce. A lazy iterator: memory stays flat however many events are drawn.
import type { EventType, IngestEvent } from '../server/contract/events.ts';
import { activityDraws, buildDraw, SLOT_MS } from './gen/activity.ts';
import type { ActivityContext, Draw, Timed, TypeStarts } from './gen/activity.ts';
import { checkinsOfDay } from './gen/checkins.ts';
import { DevelopmentBook } from './gen/development.ts';
import { DuesCalendar } from './gen/dues.ts';
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
  /**
   * meetings, transfers and check-ins from this moment on (default startMs), so that monthly and 30-day figures
   * have history
   */
  historyStartMs?: number;
  /** stop before this moment (default: never) */
  endMs?: number;
  /** multiplies the realistic activity volume (default 1); meetings, transfers and check-ins are not scaled */
  scale?: number;
  /**
   * activity of a type only from this moment on (e.g. heartbeats for the last minutes of a backfill);
   * +Infinity for none
   */
  typeStarts?: TypeStarts;
  /** 党费 from this moment on (default historyStartMs): a backfill sends last month's in full */
  duesStartMs?: number;
  /**
   * An upstream connecting at this moment (≥ historyStartMs) first sends each open development
   * case's current stage, stamped with it; stage changes follow only after it (default: none)
   */
  snapshotMs?: number;
}

/**
 * Resend and late-arrival rolls come from one stream per slot for the original types and one
 * per later type, so that adding a type changes nothing in the others' fates.
 */
export const FATE_STREAMS = 3;
export const fateStream = (type: EventType): number =>
  type === 'dues.paid' ? 1 : type === 'development.stage' ? 2 : 0;

/** The id prefix of a run: different seeds and scales never share ids. */
export function streamTag(seed: number, scale: number): string {
  return hashInts(seed, Math.round(scale * 1e6)).toString(36);
}

/** Epoch ms of an event's ts (number or RFC 3339). */
export function tsOf(ev: IngestEvent): number {
  return typeof ev.ts === 'number' ? ev.ts : Date.parse(ev.ts);
}

/** What happens to an event on its way: sent once, resent with the same id, or late by some ms (> 0). */
const SENT = 0;
const RESENT = -1;

function fateOf(rng: Rng): number {
  const roll = rng.next();
  if (roll < LATE_SHARE) return Math.floor(rng.range(LATE_MIN_MS, LATE_MAX_MS));
  return roll < LATE_SHARE + DUPLICATE_SHARE ? RESENT : SENT;
}

const fateRng = (seed: number, slot: number, stream: number): Rng =>
  stream === 0 ? Rng.of(seed, slot, 0xd1) : Rng.of(seed, slot, 0xd1, stream);

/**
 * Events of one slot after merging, with resends and late arrivals applied. Development stages
 * are never late: the organization platform sends a case's changes in order (latest by ts wins).
 */
function finishSlot(merged: Timed[], seed: number, slot: number): IngestEvent[] {
  const rngs: Rng[] = [];
  const out: IngestEvent[] = [];
  const resends: IngestEvent[] = [];
  for (const { ev } of merged) {
    const k = fateStream(ev.type);
    const fate = fateOf((rngs[k] ??= fateRng(seed, slot, k)));
    if (fate > 0 && ev.type !== 'development.stage') {
      out.push({ ...ev, ts: tsOf(ev) - fate });
      continue;
    }
    out.push(ev);
    if (fate === RESENT) resends.push(ev);
  }
  return resends.length === 0 ? out : out.concat(resends);
}

/** How many lines a slot emits (resends included) given its events' counts per fate stream, without building them. */
export function slotLines(seed: number, slot: number, perStream: ArrayLike<number>): number {
  let lines = 0;
  for (let k = 0; k < perStream.length; k++) {
    const n = perStream[k]!;
    if (n === 0) continue;
    const rng = fateRng(seed, slot, k);
    lines += n;
    for (let i = 0; i < n; i++) if (fateOf(rng) === RESENT) lines++;
  }
  return lines;
}

/**
 * The most members the member-level models (党费, 发展党员) simulate: they hold a month per
 * member in memory (广东, 2.2 M members: 2.2 GB); the whole country's 25 M would not fit. A
 * bigger area gets every other stream (study, exams, meetings, transfers, check-ins, points).
 */
export const SIMULATED_MEMBERS_MAX = 4_000_000;

/** Where a stream's events come from: the structured streams by local day (cached), activity by slot. */
export class SlotSource {
  readonly ctx: ActivityContext;
  private readonly structuredTag: string;
  private readonly meetings: MeetingCalendar;
  private readonly dues: DuesCalendar;
  private readonly development: DevelopmentBook;
  private day = Number.NaN;
  private dayEvents: Timed[] = [];

  constructor(
    readonly pop: Population,
    readonly scale: number,
    private readonly typeStarts?: TypeStarts,
    private readonly snapshotMs?: number,
  ) {
    this.structuredTag = streamTag(pop.seed, 0);
    this.ctx = { pop, scale, tag: streamTag(pop.seed, scale) };
    this.meetings = new MeetingCalendar(pop, this.structuredTag);
    this.dues = new DuesCalendar(pop, this.structuredTag);
    this.development = new DevelopmentBook(pop, this.structuredTag);
  }

  /** The day's structured events in time order: the same for every scale, keyed on the seed alone. */
  structured(day: number): Timed[] {
    if (day !== this.day) {
      const { pop, meetings, structuredTag: tag, snapshotMs } = this;
      // the original three first: a stable sort keeps their order among themselves
      const events = [...meetings.ofDay(day), ...transfersOfDay(pop, tag, day), ...checkinsOfDay(pop, tag, day)];
      // loops, not push(...): a province's 1st of the month has more dues payments than a call takes arguments
      const memberModels = pop.members <= SIMULATED_MEMBERS_MAX;
      if (memberModels) for (const e of this.dues.ofDay(day)) events.push(e);
      let changes = memberModels ? this.development.ofDay(day) : [];
      if (snapshotMs !== undefined) {
        changes = changes.filter((c) => c.t > snapshotMs);
        if (memberModels && localDay(snapshotMs) === day) {
          for (const e of this.development.snapshot(snapshotMs)) events.push(e);
        }
      }
      this.dayEvents = events.concat(changes).sort((a, b) => a.t - b.t);
      this.day = day;
    }
    return this.dayEvents;
  }

  /** When the slot's activity happens (none at scale 0). */
  draws(slot: number): Draw[] {
    return this.scale > 0 ? activityDraws(this.ctx, slot, this.typeStarts) : [];
  }

  build(slot: number, d: Draw): Timed {
    return buildDraw(this.ctx, slot, d);
  }
}

/** The events from `startMs` on, in emission order (time order but for resends and late ones). */
export function* eventStream(opts: StreamOptions): Generator<IngestEvent, void, undefined> {
  const { pop, startMs } = opts;
  const historyStart = Math.min(opts.historyStartMs ?? startMs, startMs);
  const duesStart = opts.duesStartMs ?? historyStart;
  const walkStart = Math.min(historyStart, duesStart);
  const end = opts.endMs ?? Number.POSITIVE_INFINITY;
  const source = new SlotSource(pop, opts.scale ?? 1, opts.typeStarts, opts.snapshotMs);
  const before = (e: Timed) => e.t < (e.ev.type === 'dues.paid' ? duesStart : historyStart);
  for (let day = localDay(walkStart); dayStartMs(day) < end; day++) {
    const structured = source.structured(day);
    let next = 0;
    const dayStart = dayStartMs(day);
    const firstSlot = Math.floor(Math.max(dayStart, walkStart) / SLOT_MS);
    const lastSlot = Math.floor((dayStart + DAY_MS) / SLOT_MS);
    for (let slot = firstSlot; slot < lastSlot; slot++) {
      const slotStart = slot * SLOT_MS;
      if (slotStart >= end) return;
      const slotEnd = slotStart + SLOT_MS;
      const merged: Timed[] = [];
      const draws = slotEnd > startMs ? source.draws(slot) : [];
      let a = 0;
      while (a < draws.length && draws[a]!.t < startMs) a++;
      while (true) {
        while (next < structured.length && before(structured[next]!)) next++;
        const s = next < structured.length && structured[next]!.t < slotEnd ? structured[next]! : undefined;
        const x = a < draws.length ? draws[a]! : undefined;
        if (!s && !x) break;
        if (s && (!x || s.t <= x.t)) {
          merged.push(s);
          next++;
        } else {
          merged.push(source.build(slot, x!));
          a++;
        }
      }
      const kept = merged.filter((e) => e.t < end);
      if (kept.length > 0) yield* finishSlot(kept, pop.seed, slot);
    }
  }
}
