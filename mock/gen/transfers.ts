// 网上转移组织关系: cases opened on working days, moving applied → approved → received →
// completed over days; a few are sent back (rejected), a few stall past the 15-day limit.
// A case's whole timeline is a pure function of (seed, day opened, case number).
import type { IngestEvent, TransferStage } from '../../server/contract/events.ts';
import { memberId, memberName, type Population } from '../population.ts';
import { pickCumulative, Rng } from '../prng.ts';
import { DAY_MS, dayStartMs, HOUR_MS, isWeekend, localDay, localHour, rfc3339Local } from '../rhythm.ts';
import type { Timed } from './activity.ts';

/** Share of members who move their relationship in a year (moves, jobs, study). */
export const TRANSFERS_PER_MEMBER_YEAR = 0.02;
const REJECTED_SHARE = 0.06;
const STALLED_SHARE = 0.1;
const INSIDE_SHARE = 0.6;
/** No case stays open longer than this, so a day needs only this much history. */
const MAX_CASE_DAYS = 70;

/** Moves a moment outside office hours to the next working morning. */
export function officeHours(t: number, rng: Rng): number {
  let day = localDay(t);
  const hour = localHour(t);
  if (hour >= 8 && hour < 18 && !isWeekend(day)) return t;
  if (hour >= 18) day++;
  while (isWeekend(day)) day++;
  return dayStartMs(day) + Math.floor(rng.range(8.5, 17.5) * HOUR_MS);
}

/** The stage events of one case opened on `day` that fall on `onDay`. */
function transferCase(pop: Population, tag: string, day: number, k: number, onDay: number): Timed[] {
  const rng = Rng.of(pop.seed, day, k, 0x7f);
  const b = pop.branches[pickCumulative(pop.memberCum, rng.next())]!;
  const n = 1 + rng.int(b.members);
  // the whole country has no outside: every transfer goes to an organization in it
  const inside = pop.branches.length > 1 && (rng.chance(INSIDE_SHARE) || pop.outside.length === 0);
  let dest = b;
  while (inside && dest === b) dest = pop.branches[pickCumulative(pop.memberCum, rng.next())]!;
  const to = inside ? { toOrg: dest.id } : { toRegion: rng.pick(pop.outside) };
  const stages: [TransferStage, number][] = [];
  let t = dayStartMs(day) + Math.floor(rng.range(8.5, 17.5) * HOUR_MS);
  stages.push(['applied', t]);
  const stallAt = rng.chance(STALLED_SHARE) ? rng.int(3) : -1;
  const stall = () => (stallAt === stages.length - 1 ? rng.range(16, 45) * DAY_MS : 0);
  if (rng.chance(REJECTED_SHARE)) {
    stages.push(['rejected', officeHours(t + rng.range(0.3, 4) * DAY_MS, rng)]);
  } else {
    for (const [stage, lo, hi] of [
      ['approved', 0.2, 3],
      ['received', 0.5, 5],
      ['completed', 0.05, 2],
    ] as const) {
      t = officeHours(t + rng.range(lo, hi) * DAY_MS + stall(), rng);
      stages.push([stage, t]);
    }
  }
  const person = { member: memberId(b, n), name: memberName(b, n) };
  const transfer = `tr${tag}-${day.toString(36)}-${k}`;
  const out: Timed[] = [];
  stages.forEach(([stage, ts], i) => {
    if (localDay(ts) !== onDay) return;
    const ev: IngestEvent = {
      id: `${transfer}-${i}`,
      type: 'transfer.updated',
      ts: rfc3339Local(ts),
      org: b.id,
      ...person,
      transfer,
      stage,
      ...to,
    };
    out.push({ t: ts, ev });
  });
  return out;
}

function casesOpened(pop: Population, day: number): number {
  if (isWeekend(day)) return 0;
  // Five working days carry the week's cases.
  const mean = (pop.members * TRANSFERS_PER_MEMBER_YEAR * 7) / (365 * 5);
  return Rng.of(pop.seed, day, 0x7e).poisson(mean);
}

/** Every stage event that falls on `day`, from cases opened up to MAX_CASE_DAYS before. */
export function transfersOfDay(pop: Population, tag: string, day: number): Timed[] {
  const out: Timed[] = [];
  for (let opened = day - MAX_CASE_DAYS; opened <= day; opened++) {
    const n = casesOpened(pop, opened);
    for (let k = 0; k < n; k++) {
      out.push(...transferCase(pop, tag, opened, k, day));
    }
  }
  return out.sort((a, b) => a.t - b.t);
}
