// The counter half of the all-region roll-up: per version and calendar day, one pass over the
// roster adds every organization's rows (today, this month, this quarter, past days) and its
// development cases to its own region, then up the tree. Pure; regions.ts caches it.
import {
  DEVELOPMENT_STAGES,
  MEETING_KINDS,
  OPEN_DEVELOPMENT_STAGES,
  STRUCTURE_BANDS,
  STRUCTURE_DIMENSIONS,
  type DevelopmentStage,
} from '../contract/index.ts';
import { isCompliantBranch } from './kpi.ts';
import type { RollupInput } from './model.ts';
import { addDays, lastDays } from './period.ts';
import type { RosterRegions } from './roster-regions.ts';
import {
  D_HOUR0,
  D_LEARNERS,
  D_STUDIES,
  DAILY_DAYS,
  DEVELOPMENT_RANK,
  D_EXAMS,
  D_MINUTES,
  D_PASSED,
} from './schema.ts';
import {
  M_ATTENDEES,
  M_DUES_FEN,
  M_DUES_PAID,
  M_EXPECTED,
  M_KIND0,
  M_LEARNERS,
  M_MEETINGS,
  M_POINTS,
  type OrgTable,
} from './schema.ts';

const OPEN_DEVELOPMENT: ReadonlySet<DevelopmentStage> = new Set(OPEN_DEVELOPMENT_STAGES);
/** 党员结构 bands in one flat order: dimension by dimension (STRUCTURE_BANDS) */
export const BANDS = STRUCTURE_DIMENSIONS.flatMap((d) => STRUCTURE_BANDS[d].map((b) => [d, b] as const));
const KINDS = MEETING_KINDS.length;

// Counter fields per region (one row of NF numbers per region in one Float64Array).
export const C_ORGS = 0;
export const C_MEMBERS = 1;
export const C_BRANCHES = 2;
export const C_COMPLIANT = 3;
export const C_LEARNERS_TODAY = 4;
export const C_MINUTES_TODAY = 5;
export const C_EXAMS_TODAY = 6;
export const C_PASSED_TODAY = 7;
export const C_LEARNERS_MONTH = 8;
export const C_MEETINGS_MONTH = 9;
export const C_ATTENDEES_MONTH = 10;
export const C_EXPECTED_MONTH = 11;
export const C_POINTS_MONTH = 12;
export const C_DUES_PAID_MONTH = 13;
export const C_DUES_FEN_MONTH = 14;
/** organizations that report structure, and their members */
export const C_STRUCT_ORGS = 15;
export const C_STRUCT_MEMBERS = 16;
export const C_BAND0 = 17; // members in BANDS[k] at C_BAND0 + k
export const C_KIND0 = C_BAND0 + BANDS.length;
export const C_HOUR_TODAY0 = C_KIND0 + KINDS;
// development cases (from records, at the day's counters): open, overdue probation, entries this
// year, and cases by latest stage (full and dropped: only those closed this year)
export const C_DEV_OPEN = C_HOUR_TODAY0 + 24;
export const C_PROBATION_OVERDUE = C_DEV_OPEN + 1;
export const C_NEW_PROBATIONARY_YEAR = C_DEV_OPEN + 2;
export const C_NEW_FULL_YEAR = C_DEV_OPEN + 3;
export const C_DEV_STAGE0 = C_DEV_OPEN + 4;
export const NC = C_DEV_STAGE0 + DEVELOPMENT_STAGES.length;

/** The counter roll-up of every region for one calendar day (a store version's counters). */
export interface Counters {
  today: string;
  days: string[];
  /** NC fields per region row: today's and this month's figures */
  acc: Float64Array;
  /** study events per hour of yesterday: 24 per region row */
  hourlyYesterday: Float64Array;
  /** distinct learners per day of `days`, one value per region row (null: today, in acc) */
  daily: (Float64Array | null)[];
  /** organizations with points this month (≠ 0), best first (points desc, id asc) */
  leaders: { i: number; points: number }[];
}

const EMPTY: OrgTable = new Map();

/**
 * Per-region sums of a past day's rows (distinct learners, study events per hour), kept while
 * the day's table is the same object with the same row count and the same totals of learners
 * and study events. Exact because counters only ever grow (a row is never lowered or removed,
 * in either engine; a swept day is a whole table gone) and every study event adds 1 to both
 * D_STUDIES and its hour (slots.ts): equal totals mean equal rows.
 */
interface DayRollup {
  rr: RosterRegions;
  size: number;
  learners: number;
  studies: number;
  daily?: Float64Array;
  hourly?: Float64Array;
}
const dayRollups = new WeakMap<OrgTable, DayRollup>();

function dayRollupOf(t: OrgTable, rr: RosterRegions): DayRollup {
  let learners = 0;
  let studies = 0;
  for (const row of t.values()) {
    learners += row[D_LEARNERS] ?? 0;
    studies += row[D_STUDIES] ?? 0;
  }
  const hit = dayRollups.get(t);
  if (hit && hit.rr === rr && hit.size === t.size && hit.learners === learners && hit.studies === studies) return hit;
  const fresh: DayRollup = { rr, size: t.size, learners, studies };
  dayRollups.set(t, fresh);
  return fresh;
}

/** Distinct learners of one day per region row (whole numbers: any order gives the same sums). */
function dailyOf(t: OrgTable, rr: RosterRegions): Float64Array {
  const dr = dayRollupOf(t, rr);
  if (dr.daily) return dr.daily;
  const out = new Float64Array(rr.codes.length);
  const { anc, ancStart } = rr;
  for (const [id, row] of t) {
    const learners = row[D_LEARNERS] ?? 0;
    if (learners === 0) continue;
    const i = rr.index.get(id);
    if (i === undefined) continue;
    for (let k = ancStart[i]!, end = ancStart[i + 1]!; k < end; k++) out[anc[k]!]! += learners;
  }
  return (dr.daily = out);
}

/** Study events per hour of one day, 24 per region row. */
function hourlyOf(t: OrgTable, rr: RosterRegions): Float64Array {
  const dr = dayRollupOf(t, rr);
  if (dr.hourly) return dr.hourly;
  const out = new Float64Array(rr.codes.length * 24);
  const { anc, ancStart } = rr;
  for (const [id, row] of t) {
    const i = rr.index.get(id);
    if (i === undefined) continue;
    for (let k = ancStart[i]!, end = ancStart[i + 1]!; k < end; k++) {
      const b = anc[k]! * 24;
      for (let h = 0; h < 24; h++) out[b + h]! += row[D_HOUR0 + h] ?? 0;
    }
  }
  return (dr.hourly = out);
}

const NO_HOURS = new Float64Array(0);

export function countersOf(
  input: RollupInput,
  rr: RosterRegions,
  today: string,
  month: string,
  quarter: string,
): Counters {
  const R = rr.codes.length;
  const acc = new Float64Array(R * NC);
  const dayT = input.days.get(today) ?? EMPTY;
  const yT = input.days.get(addDays(today, -1));
  const monT = input.months.get(month) ?? EMPTY;
  const qT = input.quarters.get(quarter) ?? EMPTY;
  const { anc, ancStart, orgs } = rr;
  const leaders: Counters['leaders'] = [];
  // Today and this month change with every version. Whole-number fields go to the
  // organization's own region and are then added up the tree (exact in any order); minutes are
  // floats, so they are summed into every enclosing region in roster order, as a
  // region-by-region sum would.
  for (let i = 0; i < orgs.length; i++) {
    const org = orgs[i]!;
    const id = org.id;
    const d = dayT.get(id);
    const m = monT.get(id);
    const a1 = ancStart[i + 1]!;
    const b = anc[a1 - 1]! * NC;
    acc[b + C_ORGS]! += 1;
    acc[b + C_MEMBERS]! += org.members;
    if (org.kind === 'branch') {
      acc[b + C_BRANCHES]! += 1;
      if (isCompliantBranch(m, qT.get(id))) acc[b + C_COMPLIANT]! += 1;
    }
    const st = org.structure as Record<string, Record<string, number> | undefined> | undefined;
    if (st) {
      acc[b + C_STRUCT_ORGS]! += 1;
      acc[b + C_STRUCT_MEMBERS]! += org.members;
      for (let k = 0; k < BANDS.length; k++) acc[b + C_BAND0 + k]! += st[BANDS[k]![0]]?.[BANDS[k]![1]] ?? 0;
    }
    if (d) {
      acc[b + C_LEARNERS_TODAY]! += d[D_LEARNERS] ?? 0;
      acc[b + C_EXAMS_TODAY]! += d[D_EXAMS] ?? 0;
      acc[b + C_PASSED_TODAY]! += d[D_PASSED] ?? 0;
      for (let h = 0; h < 24; h++) acc[b + C_HOUR_TODAY0 + h]! += d[D_HOUR0 + h] ?? 0;
      const minutes = d[D_MINUTES] ?? 0;
      for (let k = ancStart[i]!; k < a1; k++) acc[anc[k]! * NC + C_MINUTES_TODAY]! += minutes;
    }
    if (m) {
      const points = m[M_POINTS] ?? 0;
      acc[b + C_LEARNERS_MONTH]! += m[M_LEARNERS] ?? 0;
      acc[b + C_MEETINGS_MONTH]! += m[M_MEETINGS] ?? 0;
      acc[b + C_ATTENDEES_MONTH]! += m[M_ATTENDEES] ?? 0;
      acc[b + C_EXPECTED_MONTH]! += m[M_EXPECTED] ?? 0;
      acc[b + C_POINTS_MONTH]! += points;
      acc[b + C_DUES_PAID_MONTH]! += m[M_DUES_PAID] ?? 0;
      acc[b + C_DUES_FEN_MONTH]! += m[M_DUES_FEN] ?? 0;
      for (let j = 0; j < KINDS; j++) acc[b + C_KIND0 + j]! += m[M_KIND0 + j] ?? 0;
      if (points !== 0) leaders.push({ i, points });
    }
  }
  developmentInto(acc, input, rr, today);
  const { parent, bottomUp } = rr;
  for (const r of bottomUp) {
    const p = parent[r]!;
    if (p < 0) continue;
    const from = r * NC;
    const to = p * NC;
    for (let f = 0; f < NC; f++) if (f !== C_MINUTES_TODAY) acc[to + f]! += acc[from + f]!;
  }
  // past days rarely change (late events): per-day sums, kept while the day's rows are unchanged
  const days = lastDays(today, DAILY_DAYS);
  const daily = days.map((day) => {
    if (day === today) return null;
    const t = input.days.get(day);
    return t ? dailyOf(t, rr) : new Float64Array(R);
  });
  const hourlyYesterday = yT ? hourlyOf(yT, rr) : NO_HOURS;
  const ids = orgs.map((o) => o.id);
  leaders.sort((a, b) => b.points - a.points || (ids[a.i]! < ids[b.i]! ? -1 : 1));
  return { today, days, acc, hourlyYesterday, daily, leaders };
}

/** Development cases at their organization's own region: open, overdue probation (probationary
 * since more than 12 months before today), entries this year, cases by latest stage. */
function developmentInto(acc: Float64Array, input: RollupInput, rr: RosterRegions, today: string): void {
  const year = today.slice(0, 4);
  const overdueBefore = `${Number(year) - 1}${today.slice(4)}`;
  const own = (org: string): number => {
    const i = rr.index.get(org);
    return i === undefined ? -1 : rr.anc[rr.ancStart[i + 1]! - 1]! * NC;
  };
  for (const c of input.development) {
    const b = own(c.org);
    if (b < 0) continue;
    if (OPEN_DEVELOPMENT.has(c.stage)) {
      acc[b + C_DEV_OPEN]! += 1;
      acc[b + C_DEV_STAGE0 + DEVELOPMENT_RANK[c.stage]]! += 1;
      if (c.stage === 'probationary' && c.since < overdueBefore) acc[b + C_PROBATION_OVERDUE]! += 1;
    } else if (c.since.startsWith(year)) acc[b + C_DEV_STAGE0 + DEVELOPMENT_RANK[c.stage]]! += 1;
  }
  for (const e of input.developmentEntries) {
    const b = own(e.org);
    if (b < 0 || !e.since.startsWith(year)) continue;
    acc[b + (e.stage === 'probationary' ? C_NEW_PROBATIONARY_YEAR : C_NEW_FULL_YEAR)]! += 1;
  }
}
