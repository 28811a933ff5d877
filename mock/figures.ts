// The simulator's own figures for 党费, 发展党员 and 党员结构 (`mock figures`): what the wall should
// show for a region at an instant, computed from the generators directly, so that the README's
// numbers can be reproduced and the server's aggregates checked against them.
import { DEVELOPMENT_STAGES, type DevelopmentStage } from '../server/contract/events.ts';
import { STRUCTURE_BANDS, STRUCTURE_DIMENSIONS, type Org } from '../server/contract/roster.ts';
import { DevelopmentBook } from './gen/development.ts';
import { monthKeyOfDay, monthLabel, paymentsOfMonth } from './gen/dues.ts';
import type { Population } from './population.ts';
import { localDate, localDay } from './rhythm.ts';
import { streamTag } from './stream.ts';

export interface DuesFigures {
  month: string;
  members: number;
  /** share of members who have paid for the month by the end of local day 5, 10, 15, 20 and the month's last */
  rateBy: Record<'day5' | 'day10' | 'day15' | 'day20' | 'monthEnd', number>;
  /** share who pay for it in the next month */
  nextMonth: number;
  /** regions under 80 % at the end of the 16th (an alert's view), of those with members */
  below80OnDay16: { townships: number; ofTownships: number; counties: number; ofCounties: number };
}

/** A day number after any payment (the next month's are at most 62 days on). */
const NEVER = 1000;

/** 党费 of the calendar month of local day `day`. */
export function duesFigures(pop: Population, day: number): DuesFigures {
  const mk = monthKeyOfDay(day);
  const first = day - localDate(day).date + 1;
  const monthDays = localDate(day).daysInMonth;
  const paidOn = new Map<string, number>();
  for (const p of [...paymentsOfMonth(pop, mk), ...paymentsOfMonth(pop, mk + 1)]) {
    const key = `${p.b.idx}/${p.n}`;
    if (p.months.includes(mk) && !paidOn.has(key)) paidOn.set(key, localDay(p.t) - first + 1);
  }
  const byDate = (date: number, prefix = '') => {
    let paid = 0;
    let members = 0;
    for (const b of pop.branches) {
      if (!b.region.startsWith(prefix)) continue;
      members += b.members;
      for (let n = 1; n <= b.members; n++) if ((paidOn.get(`${b.idx}/${n}`) ?? NEVER) <= date) paid++;
    }
    return members > 0 ? paid / members : Number.NaN;
  };
  const holding = pop.branches.filter((b) => b.members > 0);
  const codes = (len: number) => [...new Set(holding.map((b) => b.region.slice(0, len)))];
  const below = (len: number) => codes(len).filter((c) => byDate(16, c) < 0.8).length;
  return {
    month: monthLabel(mk),
    members: pop.members,
    rateBy: { day5: byDate(5), day10: byDate(10), day15: byDate(15), day20: byDate(20), monthEnd: byDate(monthDays) },
    nextMonth: byDate(NEVER - 1) - byDate(monthDays),
    below80OnDay16: {
      townships: below(9),
      ofTownships: codes(9).length,
      counties: below(6),
      ofCounties: codes(6).length,
    },
  };
}

/** Open development cases by stage at an instant, and those on probation for more than 12 months. */
export interface DevelopmentFigures {
  open: Partial<Record<DevelopmentStage, number>>;
  probationOverdue: number;
}

export function developmentFigures(pop: Population, atMs: number): DevelopmentFigures {
  const open: Partial<Record<DevelopmentStage, number>> = {};
  let probationOverdue = 0;
  const today = localDay(atMs);
  for (const { ev } of new DevelopmentBook(pop, streamTag(pop.seed, 0)).snapshot(atMs)) {
    if (ev.type !== 'development.stage') continue;
    open[ev.stage] = (open[ev.stage] ?? 0) + 1;
    const since = localDay(Date.parse(`${ev.since}T12:00:00+08:00`));
    if (ev.stage === 'probationary' && since < today - 365) probationOverdue++;
  }
  const ordered = Object.fromEntries(DEVELOPMENT_STAGES.filter((s) => open[s]).map((s) => [s, open[s]]));
  return { open: ordered, probationOverdue };
}

/** Shares of the roster's members by structure band. */
export function structureFigures(roster: readonly Org[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const members = roster.reduce((a, o) => a + (o.structure ? o.members : 0), 0);
  for (const dim of STRUCTURE_DIMENSIONS) {
    out[dim] = {};
    for (const band of STRUCTURE_BANDS[dim]) {
      const countOf = (o: Org) => (o.structure?.[dim] as Record<string, number> | undefined)?.[band] ?? 0;
      const n = roster.reduce((a, o) => a + countOf(o), 0);
      out[dim][band] = Math.round((n / members) * 1000) / 1000;
    }
  }
  return out;
}
