// The rules' conditions (issue 10): one interval's KPIs, source activity and study counts →
// the samples the lifecycle engine steps on. Pure: what to read and when is the service's.
//
// - Threshold rules judge each unit (a region at one of the rule's levels) on its own KPIs, as
//   the wall's strip did (aggregate/alerts.ts); study-rate-low judges a unit against its peers
//   (the regions of the same level under the same parent).
// - source-silent: a source that has sent nothing for its silentFor, counted inside working
//   hours only (a quiet night or weekend is not an outage).
// - study-anomaly: the study events of a county's last complete hour against the same hour of
//   the past `days` days (ratio: x / median; robust-z: (x − median) / (1.4826 · MAD)).
import type { Kpi } from '../contract/index.ts';
import type { RuleEvaluation, Sample } from './lifecycle.ts';
import { parseDuration, type AlertRule, type RuleKind, type Severity } from './rules.ts';

export interface EvalUnit {
  region: string;
  level: AlertRule['levels'][number];
  parent: string | null;
  kpi: Kpi;
}

export const THRESHOLD_KINDS = [
  'transfers-overdue',
  'out-of-contact',
  'study-rate-low',
  'compliance-low',
  'dues-low',
  'probation-overdue',
] as const satisfies readonly RuleKind[];
const THRESHOLD: ReadonlySet<string> = new Set(THRESHOLD_KINDS);

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type P = Record<string, number>;

function sample(region: string, value: number, active: boolean, threshold: number, red: boolean): Sample {
  return { region, value, active, threshold, ...(red ? { severity: 'red' as Severity } : {}) };
}

/** A count above `above`, red from `redFrom`. */
function count(u: EvalUnit, v: number, p: P): Sample {
  return sample(u.region, v, v > p.above!, p.above!, v >= p.redFrom!);
}

/** A rate below `below` from day `fromDay` of the month on, red below `redBelow`. */
function rateBelow(u: EvalUnit, v: number | null, p: P, day: number): Sample | null {
  if (v === null) return null;
  const judged = day >= p.fromDay!;
  return sample(u.region, v, judged && v < p.below!, p.below!, judged && v < p.redBelow!);
}

function judge(rule: AlertRule, u: EvalUnit, peers: readonly EvalUnit[], day: number): Sample | null {
  const p = rule.params as P;
  const k = u.kpi;
  switch (rule.kind) {
    case 'transfers-overdue':
      return count(u, k.transfersOverdue, p);
    case 'probation-overdue':
      return count(u, k.probationOverdue, p);
    case 'out-of-contact': {
      if (k.floatingMembers < p.minMembers! || k.floatingMembers === 0) return null;
      const share = k.floatingOutOfContact / k.floatingMembers;
      return sample(u.region, share, share > p.share!, p.share!, share > p.redShare!);
    }
    case 'study-rate-low': {
      const rates = peers.map((x) => x.kpi.studyRateMonth).filter((r): r is number => r !== null);
      const rate = k.studyRateMonth;
      if (rate === null || rates.length < p.minPeers!) return null;
      const floor = median(rates) * p.peerFactor!;
      return sample(u.region, rate, floor > 0 && rate < floor, floor, false);
    }
    case 'compliance-low':
      return rateBelow(u, k.meetingComplianceMonth, p, day);
    case 'dues-low':
      return rateBelow(u, k.duesRateMonth, p, day);
    default:
      return null;
  }
}

/**
 * The threshold rules' samples of one interval. `units` are every region judged (each level a
 * rule may name); a unit at a level the rule does not name is skipped; `dayOfMonth` is today's
 * in the configured zone.
 */
export function evaluateThresholds(
  rules: readonly AlertRule[],
  units: readonly EvalUnit[],
  dayOfMonth: number,
): RuleEvaluation[] {
  const siblings = new Map<string, EvalUnit[]>();
  for (const u of units) {
    const key = `${u.level}|${u.parent ?? ''}`;
    let list = siblings.get(key);
    if (!list) siblings.set(key, (list = []));
    list.push(u);
  }
  const out: RuleEvaluation[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !THRESHOLD.has(rule.kind)) continue;
    const samples: Sample[] = [];
    for (const u of units) {
      if (!rule.levels.includes(u.level)) continue;
      const s = judge(rule, u, siblings.get(`${u.level}|${u.parent ?? ''}`)!, dayOfMonth);
      if (s) samples.push(s);
    }
    out.push({ rule: rule.id, samples });
  }
  return out;
}

/** Local clock fields of an instant in a zone. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

function localParts(ms: number, timeZone: string): { minutes: number; isoDay: number } {
  let f = FORMATS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    FORMATS.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const isoDay = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
  return { minutes: Number(parts.hour) * 60 + Number(parts.minute), isoDay };
}

function workingPredicate(workingHours: string, workingDays: readonly number[]) {
  const [from, to] = workingHours.split('-').map((t) => {
    const [h, m] = t.split(':').map(Number);
    return h! * 60 + m!;
  }) as [number, number];
  return (minutes: number, isoDay: number): boolean => {
    if (workingDays.length > 0 && !workingDays.includes(isoDay)) return false;
    return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  };
}

/** Inside the rule's working hours and days at `ms`. */
export function inWorkingTime(ms: number, workingHours: string, workingDays: readonly number[], timeZone: string) {
  const { minutes, isoDay } = localParts(ms, timeZone);
  return workingPredicate(workingHours, workingDays)(minutes, isoDay);
}

/**
 * Working time between two instants, ms, judged per minute (a source silent over a night
 * counts only the working minutes), newest first and at most `capMs`. The zone is read once
 * an hour of the walk (offsets change on hour boundaries) and the minutes between derived.
 */
export function workingMsBetween(
  fromMs: number,
  toMs: number,
  workingHours: string,
  workingDays: readonly number[],
  timeZone: string,
  capMs: number,
): number {
  const STEP = 60_000;
  const working = workingPredicate(workingHours, workingDays);
  let counted = 0;
  let base = { at: 0, minutes: 0, isoDay: 1 };
  for (let t = toMs, k = 0; t > fromMs && counted < capMs; t -= STEP, k++) {
    if (k % 60 === 0) base = { at: t - 1, ...localParts(t - 1, timeZone) };
    let minutes = base.minutes - Math.round((base.at - (t - 1)) / STEP);
    let isoDay = base.isoDay;
    if (minutes < 0) {
      minutes += 1440;
      isoDay = isoDay === 1 ? 7 : isoDay - 1;
    }
    if (working(minutes, isoDay)) counted += Math.min(STEP, t - fromMs);
  }
  return counted;
}

/** silence is counted back this far at most (the value then reads "24 h or more") */
export const SILENCE_COUNTED_MS = 24 * 3_600_000;

export interface SourceActivity {
  /** the source's name (INGEST_TOKENS token:source) */
  source: string;
  /** its last accepted batch (ms); null: none since watching began */
  lastSeen: number | null;
}

/**
 * source-silent: per configured source, one sample per region the rule judges (the roster's
 * top regions). Silence counts from the last batch (or from `watchingSince`) and only inside
 * working hours; the value is the silent working minutes (counted up to 24 h).
 */
export function evaluateSourceSilent(
  rule: AlertRule,
  regions: readonly string[],
  sources: readonly SourceActivity[],
  watchingSince: number,
  now: number,
  timeZone: string,
): RuleEvaluation {
  const p = rule.params as {
    silentFor: string;
    sources: Record<string, string>;
    workingHours: string;
    workingDays: number[];
  };
  const samples: Sample[] = [];
  for (const s of sources) {
    const limit = parseDuration(p.sources[s.source] ?? p.silentFor);
    const since = s.lastSeen ?? watchingSince;
    const silent = workingMsBetween(since, now, p.workingHours, p.workingDays, timeZone, SILENCE_COUNTED_MS);
    for (const region of regions) {
      samples.push({
        region,
        subject: s.source,
        value: Math.round(silent / 60_000),
        active: silent >= limit,
        threshold: Math.round(limit / 60_000),
      });
    }
  }
  return { rule: rule.id, samples };
}

export interface AnomalyScore {
  /** the baseline's median */
  median: number;
  /** ratio: x / median; robust-z: (x − median) / (1.4826 · MAD) */
  score: number;
}

/** The score of `x` against `baseline`; null when the baseline is too small to judge. */
export function anomalyScore(
  method: 'ratio' | 'robust-z',
  x: number,
  baseline: readonly number[],
  minBaseline: number,
): AnomalyScore | null {
  if (baseline.length === 0) return null;
  const m = median(baseline);
  if (m < minBaseline || m === 0) return null;
  if (method === 'ratio') return { median: m, score: x / m };
  // a MAD of 0 (the same count every day) would make any change infinite: floor it at 1 event
  const mad = Math.max(median(baseline.map((b) => Math.abs(b - m))), 1 / 1.4826);
  return { median: m, score: (x - m) / (1.4826 * mad) };
}

/**
 * study-anomaly for each county: `counts(region)` answers the last complete hour's study
 * events and the same hour on each of the past `days` days (days with no record count 0; a
 * county without `days` past days recorded is not judged: `null`).
 */
export function evaluateStudyAnomaly(
  rule: AlertRule,
  regions: readonly string[],
  counts: (region: string, days: number) => { current: number; baseline: number[] } | null,
): RuleEvaluation {
  const p = rule.params as {
    method: 'ratio' | 'robust-z';
    days: number;
    ratioBelow: number;
    redRatioBelow: number;
    zBelow: number;
    redZBelow: number;
    minBaseline: number;
  };
  const samples: Sample[] = [];
  for (const region of regions) {
    const c = counts(region, p.days);
    if (!c) continue;
    const s = anomalyScore(p.method, c.current, c.baseline, p.minBaseline);
    if (!s) continue;
    const [below, redBelow] = p.method === 'ratio' ? [p.ratioBelow, p.redRatioBelow] : [p.zBelow, p.redZBelow];
    samples.push(sample(region, round3(s.score), s.score < below, below, s.score < redBelow));
  }
  return { rule: rule.id, samples };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
