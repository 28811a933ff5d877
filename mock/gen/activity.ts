// The high-volume stream: app heartbeats, study, points and exams, as Poisson processes in
// one-minute slots. Each slot is a pure function of (seed, scale, slot), so any minute can be
// regenerated on its own; each type of it, and each event, too.
import type { IngestEvent } from '../../server/contract/events.ts';
import { memberId, memberName, type Branch, type Population } from '../population.ts';
import { hash4, pickCumulative, Rng, unit } from '../prng.ts';
import {
  ACTIVITY_TYPES,
  intensity,
  isExamCampaign,
  localDate,
  localDay,
  localHour,
  type ActivityType,
} from '../rhythm.ts';
import { COURSES, DEDUCTION_SHARE, POINT_DEDUCTIONS, POINT_REASONS, SELF_TESTS } from './content.ts';

export const SLOT_MS = 60_000;

export interface Timed {
  /** epoch ms; `ev.ts` may be a string */
  t: number;
  ev: IngestEvent;
}

export interface ActivityContext {
  pop: Population;
  /** multiplies the realistic volume */
  scale: number;
  /** prefix that makes ids unique per (seed, scale) */
  tag: string;
}

// Daily chance that a member is among the day's learners or app users, before engagement.
const STUDY_PROPENSITY = 0.32;
const ACTIVE_PROPENSITY = 0.5;
const MAX_TRIES = 24;

/**
 * A member of the branch who is in today's set for `salt` (learners, app users): members
 * differ in how keen they are (stable), and each day a different subset shows up.
 */
function pickMember(b: Branch, day: number, salt: number, base: number, rng: Rng, seed: number): number {
  let n = 1 + rng.int(b.members);
  for (let i = 0; i < MAX_TRIES; i++) {
    const keen = unit(hash4(seed, b.h, n, 0x6b));
    const p = base * b.engagement * (0.25 + 1.5 * keen * keen);
    if (unit(hash4(seed ^ salt, b.h, n, day)) < p) return n;
    n = 1 + rng.int(b.members);
  }
  return n;
}

function person(b: Branch, n: number) {
  return { member: memberId(b, n), name: memberName(b, n) };
}

function makeEvent(
  ctx: ActivityContext,
  type: ActivityType,
  id: string,
  t: number,
  day: number,
  rng: Rng,
): IngestEvent {
  const { pop } = ctx;
  const b = pop.branches[pickCumulative(pop.activityCum, rng.next())]!;
  const seed = pop.seed;
  switch (type) {
    case 'member.active': {
      const n = pickMember(b, day, 1, ACTIVE_PROPENSITY, rng, seed);
      return { id, type, ts: t, org: b.id, ...person(b, n) };
    }
    case 'study.completed': {
      const n = pickMember(b, day, 2, STUDY_PROPENSITY, rng, seed);
      const minutes = Math.min(180, Math.max(1, Math.round(20 * Math.exp(0.6 * rng.normal()))));
      return {
        id,
        type,
        ts: t,
        org: b.id,
        ...person(b, n),
        course: COURSES[(rng.int(COURSES.length) + day) % COURSES.length]!,
        minutes,
      };
    }
    case 'points.awarded': {
      const n = pickMember(b, day, 2, STUDY_PROPENSITY, rng, seed);
      const table = rng.chance(DEDUCTION_SHARE) ? POINT_DEDUCTIONS : POINT_REASONS;
      const [reason, values] = rng.pick(table);
      return { id, type, ts: t, org: b.id, ...person(b, n), points: rng.pick(values), reason };
    }
    case 'exam.submitted': {
      const n = pickMember(b, day, 2, STUDY_PROPENSITY, rng, seed);
      const { year, month } = localDate(day);
      const exam = isExamCampaign(day) ? `${year}年${month}月党员应知应会测试` : `${rng.pick(SELF_TESTS)}专题自测`;
      const score = Math.min(100, Math.max(0, Math.round(82 + 11 * rng.normal())));
      return { id, type, ts: t, org: b.id, ...person(b, n), exam, score, passed: score >= 60 };
    }
  }
}

/** Id letter per type: a slot's ids are `<tag>-<slot>-<letter><n>`. */
const TYPE_LETTER: Readonly<Record<ActivityType, string>> = {
  'member.active': 'a',
  'study.completed': 's',
  'points.awarded': 'p',
  'exam.submitted': 'e',
};

/** Earliest moment per type (epoch ms); a type left out starts at once, +Infinity never. */
export type TypeStarts = Partial<Readonly<Record<ActivityType, number>>>;

/** One activity event before it is built: when, which type (index into ACTIVITY_TYPES), which of the slot's. */
export interface Draw {
  t: number;
  k: number;
  i: number;
}

/**
 * When a slot's activity events happen, in time order, without building them (cheap: a
 * Poisson count and offsets per type). Each type is its own Poisson stream keyed on (seed,
 * scale, slot, type), so leaving a type out (`from`) changes nothing in the others.
 */
export function activityDraws(ctx: ActivityContext, slot: number, from: TypeStarts = {}): Draw[] {
  const start = slot * SLOT_MS;
  const end = start + SLOT_MS;
  const day = localDay(start);
  const hour = localHour(start);
  const scaleKey = Math.round(ctx.scale * 1e6);
  const out: Draw[] = [];
  ACTIVITY_TYPES.forEach((type, k) => {
    const first = from[type] ?? start;
    if (first >= end) return;
    const rng = Rng.of(ctx.pop.seed, slot, 0xac + k, scaleKey);
    const n = rng.poisson(intensity(type, day, hour) * ctx.pop.members * ctx.scale * SLOT_MS);
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) offsets[i] = Math.floor(rng.next() * SLOT_MS);
    offsets.sort();
    for (let i = 0; i < n; i++) {
      const t = start + offsets[i]!;
      if (t >= first) out.push({ t, k, i });
    }
  });
  // stable: equal times keep type order, then index
  return out.sort((a, b) => a.t - b.t);
}

/** The event of a draw: each event draws from its own stream, so skipping some leaves the rest as they are. */
export function buildDraw(ctx: ActivityContext, slot: number, d: Draw): Timed {
  const type = ACTIVITY_TYPES[d.k]!;
  const id = `${ctx.tag}-${slot.toString(36)}-${TYPE_LETTER[type]}${d.i.toString(36)}`;
  const rng = Rng.of(ctx.pop.seed, slot, d.k, d.i, Math.round(ctx.scale * 1e6));
  return { t: d.t, ev: makeEvent(ctx, type, id, d.t, localDay(d.t), rng) };
}

/** The activity events of one slot, in time order. */
export function activitySlot(ctx: ActivityContext, slot: number, from: TypeStarts = {}): Timed[] {
  return activityDraws(ctx, slot, from).map((d) => buildDraw(ctx, slot, d));
}
