// 三会一课 by the calendar of 《中国共产党支部工作条例（试行）》: 支委会 and 党小组会 monthly,
// 支部党员大会 and 党课 at least quarterly. Branches gather around their county's fixed
// 主题党日 each month; lagging branches hold theirs late or skip some.
import type { MeetingKind } from '../../server/contract/events.ts';
import type { Population } from '../population.ts';
import { hashInts, Rng, unit } from '../prng.ts';
import { dayStartMs, HOUR_MS, localDate, localDay, rfc3339Local } from '../rhythm.ts';
import type { Timed } from './activity.ts';

/** Days of the month that counties fix as 主题党日. */
const THEME_DAYS = [1, 5, 8, 10, 15, 20, 25];
/** Members per 党小组. */
const GROUP_SIZE = 12;
const LAG_SKIP_MONTHLY = 0.35;
const LAG_SKIP_QUARTERLY = 0.3;
/**
 * Cumulative share of branches holding a quarter's 党员大会 (and 党课) by its first, second, third month:
 * most early, a few at the quarter's end.
 */
const QUARTER_MONTH_CUM = [0.7, 0.92, 1];
/** Share of branches that give the 党课 at the 党员大会; the others in a month drawn the same way. */
const LECTURE_WITH_ASSEMBLY = 0.6;

function quarterMonthOf(h: number): number {
  const u = unit(h);
  return QUARTER_MONTH_CUM.findIndex((c) => u < c);
}

const KIND_LETTER: Readonly<Record<MeetingKind, string>> = { assembly: 'a', committee: 'c', group: 'g', lecture: 'l' };

function meetingTime(day: number, rng: Rng, evening: boolean): number {
  const hours = evening ? rng.range(19, 20.5) : rng.chance(0.55) ? rng.range(9, 11.5) : rng.range(14.5, 17);
  return dayStartMs(day) + Math.floor((hours * HOUR_MS) / 60_000) * 60_000;
}

/** All meetings of one calendar month (given by any local day in it), in time order. */
export function meetingsOfMonth(pop: Population, tag: string, anyDay: number): Timed[] {
  const { year, month, date, daysInMonth } = localDate(anyDay);
  const first = anyDay - date + 1;
  const quarterMonth = (month - 1) % 3;
  const period = `${year}${String(month).padStart(2, '0')}`;
  const out: Timed[] = [];
  for (const b of pop.branches) {
    const rng = Rng.of(pop.seed, b.h, year, month, 0x3e);
    const themeDay = THEME_DAYS[hashInts(pop.seed, Number(b.id.slice(2, 8)) || 0, 0x7d) % THEME_DAYS.length]!;
    const evening = !b.urban && rng.chance(0.3);
    const add = (kind: MeetingKind, dateInMonth: number, expected: number, g = 0, late = false): void => {
      const d = Math.min(daysInMonth, Math.max(1, dateInMonth));
      const t = meetingTime(first + d - 1, rng, evening);
      const share = b.lagging || late ? rng.range(0.5, 0.85) : rng.range(0.78, 1);
      out.push({
        t,
        ev: {
          id: `mt${tag}-${b.id.slice(2)}-${KIND_LETTER[kind]}${g}-${period}`,
          type: 'meeting.held',
          ts: rfc3339Local(t),
          org: b.id,
          kind,
          attendees: Math.round(expected * share),
          expected,
        },
      });
    };
    const lateBy = b.lagging ? 5 + rng.int(12) : 0;
    const skipMonthly = b.lagging && rng.chance(LAG_SKIP_MONTHLY);
    if (b.kind !== 'branch') {
      // 党总支 and community 党委 hold their own committee meeting; their branches do the rest.
      add('committee', themeDay - 2 - rng.int(3) + lateBy, 5 + rng.int(3));
      continue;
    }
    if (skipMonthly) continue;
    const committeeSize = b.members < 30 ? 3 : 5;
    add('committee', themeDay - 1 - rng.int(4) + lateBy, committeeSize);
    const groups = Math.max(1, Math.round(b.members / GROUP_SIZE));
    for (let g = 1; g <= groups; g++) {
      add('group', themeDay + rng.int(8) + lateBy, Math.max(2, Math.round(b.members / groups)), g);
    }
    const quarter = Math.floor((month - 1) / 3);
    const assemblyMonth = quarterMonthOf(hashInts(pop.seed, b.h, year, quarter, 0xa5));
    if (quarterMonth === assemblyMonth && !(b.lagging && rng.chance(LAG_SKIP_QUARTERLY))) {
      add('assembly', themeDay + lateBy, b.members);
    }
    // 党课 often on the same 主题党日 as the assembly, otherwise in another month of the quarter.
    const withAssembly = unit(hashInts(pop.seed, b.h, year, quarter, 0x1e)) < LECTURE_WITH_ASSEMBLY;
    const lectureMonth = withAssembly ? assemblyMonth : quarterMonthOf(hashInts(pop.seed, b.h, year, quarter, 0x1f));
    if (quarterMonth === lectureMonth && !(b.lagging && rng.chance(LAG_SKIP_QUARTERLY))) {
      add('lecture', themeDay + lateBy, b.members);
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** Cache of the current month, because the stream walks day by day. */
export class MeetingCalendar {
  private key = Number.NaN;
  private month: Timed[] = [];

  constructor(
    private readonly pop: Population,
    private readonly tag: string,
  ) {}

  ofDay(day: number): Timed[] {
    const { year, month } = localDate(day);
    const key = year * 12 + month;
    if (key !== this.key) {
      this.key = key;
      this.month = meetingsOfMonth(this.pop, this.tag, day);
    }
    return this.month.filter((m) => localDay(m.t) === day);
  }
}
