// 发展党员: member-development cases that live for years. A person applies (入党申请人), may be
// chosen as an activist (入党积极分子, ≥ 6 months later), after ≥ a year of training as a
// candidate (发展对象), is admitted as probationary (预备党员) and becomes a full member a year on
// (预备期满); many stop on the way (dropped), a few stay probationary past the year. A case's
// whole timeline is a pure function of (seed, branch, year applied, case number).
import type { DevelopmentStage, IngestEvent } from '../../server/contract/events.ts';
import { OPEN_DEVELOPMENT_STAGES } from '../../server/contract/events.ts';
import { personName } from '../names.ts';
import type { Branch, Population } from '../population.ts';
import { hashInts, Rng, unit } from '../prng.ts';
import { DAY_MS, dayStartMs, HOUR_MS, isWeekend, localDate, localDay, rfc3339Local } from '../rhythm.ts';
import type { Timed } from './activity.ts';
import { officeHours } from './transfers.ts';

/**
 * Applications per member and year. Territorial organizations develop about 1.2 % of their
 * membership a year (nationally 2.4 %, students and enterprises included; farmers 1.4 %:
 * 公报 2023); about 30 % of applicants get there, hence 0.04.
 */
export const APPLICATIONS_PER_MEMBER_YEAR = 0.04;
const TO_ACTIVIST = 0.45;
const TO_CANDIDATE = 0.7;
const TO_PROBATIONARY = 0.95;
/** Of probationary members: 取消预备党员资格, and 延长预备期 (or a late 转正 meeting) past the year. */
const PROBATION_DROPPED = 0.02;
const PROBATION_EXTENDED = 0.04;
const PROBATION_DAYS = 365;
/** No case lives longer than this (≈ 8 years at most by the durations below), so a day needs that much history. */
export const MAX_CASE_YEARS = 10;

interface Stage {
  stage: DevelopmentStage;
  /** local day the case entered the stage */
  sinceDay: number;
  /** when the organization platform recorded it */
  t: number;
}

interface Case {
  b: Branch;
  year: number;
  k: number;
  stages: Stage[];
}

const nextWorkingDay = (day: number): number => {
  while (isWeekend(day)) day++;
  return day;
};

function isoDate(day: number): string {
  const { year, month, date } = localDate(day);
  return `${year}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

function timeline(seed: number, b: Branch, year: number, k: number): Stage[] {
  const rng = Rng.of(seed, b.h, year, k, 0xde1);
  const stages: Stage[] = [];
  // decided at a branch meeting on a working day, recorded 0–3 days later in office hours
  const enter = (stage: DevelopmentStage, day: number, recordLagDays = rng.int(4)): number => {
    const sinceDay = stage === 'full' ? day : nextWorkingDay(day);
    const t = officeHours(dayStartMs(sinceDay + recordLagDays) + Math.floor(rng.range(8.5, 17.5) * HOUR_MS), rng);
    stages.push({ stage, sinceDay, t });
    return sinceDay;
  };
  const first = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
  const daysInYear = Math.round(Date.UTC(year + 1, 0, 1) / DAY_MS) - first;
  const applied = enter('applicant', first + rng.int(daysInYear), 0);
  if (!rng.chance(TO_ACTIVIST)) {
    enter('dropped', applied + 548 + rng.int(1096));
    return stages;
  }
  const activist = enter('activist', applied + 183 + Math.floor(Math.min(730, 180 * rng.exp())));
  if (!rng.chance(TO_CANDIDATE)) {
    enter('dropped', activist + 1095 + rng.int(731));
    return stages;
  }
  const candidate = enter('candidate', activist + 365 + Math.floor(Math.min(730, 200 * rng.exp())));
  if (!rng.chance(TO_PROBATIONARY)) {
    enter('dropped', candidate + 60 + rng.int(141));
    return stages;
  }
  const probationary = enter('probationary', candidate + 60 + rng.int(121));
  const u = rng.next();
  if (u < PROBATION_DROPPED) enter('dropped', probationary + PROBATION_DAYS + rng.int(61));
  else if (u < PROBATION_DROPPED + PROBATION_EXTENDED) enter('full', probationary + PROBATION_DAYS + 90 + rng.int(271));
  // 党龄 counts from the day the probation ends; the 转正 meeting and approval follow within weeks
  else enter('full', probationary + PROBATION_DAYS, rng.int(21));
  return stages;
}

function casesOfYear(pop: Population, year: number): Case[] {
  const out: Case[] = [];
  for (const b of pop.branches) {
    if (b.members <= 0) continue;
    const keen = 0.5 + unit(hashInts(pop.seed, b.h, 0xde0));
    const mean = b.members * APPLICATIONS_PER_MEMBER_YEAR * keen * (b.lagging ? 0.7 : 1);
    const n = Rng.of(pop.seed, b.h, year, 0xde2).poisson(mean);
    for (let k = 0; k < n; k++) out.push({ b, year, k, stages: timeline(pop.seed, b, year, k) });
  }
  return out;
}

function eventOf(tag: string, c: Case, i: number, t: number): Timed {
  const { b, year, k } = c;
  const s = c.stages[i]!;
  const code = b.id.slice(2);
  const ev: IngestEvent = {
    id: `dv${tag}-${code}-${year}-${k}-${i}`,
    type: 'development.stage',
    ts: rfc3339Local(t),
    org: b.id,
    person: `dev-${code}-${year}-${k}`,
    name: personName(hashInts(b.h, year, k, 0xde3)),
    stage: s.stage,
    since: isoDate(s.sinceDay),
  };
  return { t, ev };
}

/** The cases of the years a day can see, cached: the stream walks day by day. */
export class DevelopmentBook {
  private readonly years = new Map<number, { cases: Case[]; changes: { t: number; c: Case; i: number }[] }>();

  constructor(
    private readonly pop: Population,
    private readonly tag: string,
  ) {}

  private year(y: number) {
    let entry = this.years.get(y);
    if (!entry) {
      if (this.years.size > 2 * MAX_CASE_YEARS) this.years.clear();
      const cases = casesOfYear(this.pop, y);
      const changes = cases.flatMap((c) => c.stages.map((s, i) => ({ t: s.t, c, i }))).sort((a, b) => a.t - b.t);
      this.years.set(y, (entry = { cases, changes }));
    }
    return entry;
  }

  /** Stage changes recorded on a local day, in time order. */
  ofDay(day: number): Timed[] {
    const start = dayStartMs(day);
    const end = start + DAY_MS;
    const { year } = localDate(day);
    const out: Timed[] = [];
    for (let y = year - MAX_CASE_YEARS; y <= year; y++) {
      const { changes } = this.year(y);
      let lo = 0;
      let hi = changes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (changes[mid]!.t < start) lo = mid + 1;
        else hi = mid;
      }
      for (let j = lo; j < changes.length && changes[j]!.t < end; j++) {
        const { c, i, t } = changes[j]!;
        out.push(eventOf(this.tag, c, i, t));
      }
    }
    return out.sort((a, b) => a.t - b.t);
  }

  /**
   * What an upstream sends when it connects at `atMs`: each open case's current stage (the
   * latest recorded at or before `atMs`) with its real `since`, stamped `atMs`. Same id as the
   * stage change it repeats.
   */
  snapshot(atMs: number): Timed[] {
    const { year } = localDate(localDay(atMs));
    const out: Timed[] = [];
    for (let y = year - MAX_CASE_YEARS; y <= year; y++) {
      for (const c of this.year(y).cases) {
        let i = -1;
        while (i + 1 < c.stages.length && c.stages[i + 1]!.t <= atMs) i++;
        if (i >= 0 && OPEN_DEVELOPMENT_STAGES.includes(c.stages[i]!.stage)) out.push(eventOf(this.tag, c, i, atMs));
      }
    }
    return out;
  }
}
