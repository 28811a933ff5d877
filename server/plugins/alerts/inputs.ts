// One interval's inputs of the rules (issue 10): the KPIs of every unit the rules judge (from
// the read side's snapshots: the top region, its counties, their townships), the sources' last
// batches and the counties' hourly study counts (activity.ts) → the samples of evaluate.ts.
import { childrenOf, levelOf, parentCodeOf } from '../../../geo/registry.ts';
import type { Snapshot } from '../../contract/index.ts';
import {
  evaluateSourceSilent,
  evaluateStudyAnomaly,
  evaluateThresholds,
  THRESHOLD_KINDS,
  type EvalUnit,
} from '../../alerts/evaluate.ts';
import type { RuleEvaluation } from '../../alerts/lifecycle.ts';
import type { AlertRule } from '../../alerts/rules.ts';
import { hourStart, type AlertActivityStore } from './activity.ts';
import type { ZonedClock } from '../../aggregate/period.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const THRESHOLD: ReadonlySet<string> = new Set(THRESHOLD_KINDS);
/** levels below the city: a province or national area reads one or two more tiers down */
const LEVEL_DEPTH = { country: -2, province: -1, city: 0, county: 1, township: 2, village: 3 } as const;

export interface InputDeps {
  rules: readonly AlertRule[];
  /** the area's top region (AREA: a city, a province or the country) */
  top: string;
  /** sources the configuration names (INGEST_TOKENS token:source) */
  sources: readonly string[];
  snapshots: (regions: readonly string[], nowMs: number) => Promise<(Snapshot | Error)[]>;
  activity: AlertActivityStore;
  clock: ZonedClock;
  timeZone: string;
}

/**
 * At most this many snapshots an evaluation reads (they are built on the event loop): 西安 reads
 * 14 (its townships judged), 广东 146 (its counties' townships), the whole country 35 (its
 * cities judged; its 342 city snapshots — counties — took 15 s an interval), so there the
 * county and township rules do not fire.
 */
export const MAX_ALERT_READS = 150;

/** The regions whose snapshots hold every unit down to `depth` levels below `top` (within MAX_ALERT_READS). */
function regionsToRead(top: string, depth: number): string[][] {
  const tiers: string[][] = [[top]];
  let total = 1;
  for (let d = 1; d < depth; d++) {
    const next = tiers[d - 1]!.flatMap((r) => childrenOf(r).map((c) => c.code));
    if (total + next.length > MAX_ALERT_READS) break;
    tiers.push(next);
    total += next.length;
  }
  return tiers;
}

/** The units the threshold rules judge: each region at the rules' levels, with its parent's. */
export async function unitsOf(deps: InputDeps, nowMs: number): Promise<EvalUnit[]> {
  const rules = deps.rules.filter((r) => r.enabled && THRESHOLD.has(r.kind));
  if (rules.length === 0) return [];
  const topDepth = LEVEL_DEPTH[levelOf(deps.top) as keyof typeof LEVEL_DEPTH] ?? 0;
  const depth = Math.max(0, ...rules.flatMap((r) => r.levels.map((l) => LEVEL_DEPTH[l] - topDepth)));
  const regions = regionsToRead(deps.top, depth).flat();
  const snaps = await deps.snapshots(regions, nowMs);
  const units: EvalUnit[] = [];
  snaps.forEach((s, i) => {
    if (s instanceof Error) return;
    const region = regions[i]!;
    if (i === 0) {
      units.push({ region, level: levelOf(region) as EvalUnit['level'], parent: parentCodeOf(region), kpi: s.kpi });
    }
    for (const [code, child] of Object.entries(s.children)) {
      units.push({ region: code, level: levelOf(code) as EvalUnit['level'], parent: region, kpi: child.kpi });
    }
  });
  return units;
}

const dayFormat = new Map<string, Intl.DateTimeFormat>();
function dayOfMonth(ms: number, timeZone: string): number {
  let f = dayFormat.get(timeZone);
  if (!f) dayFormat.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, day: 'numeric' })));
  return Number(f.format(ms));
}

/** Every enabled rule's samples at `nowMs`. */
export async function gatherEvaluations(deps: InputDeps, nowMs: number): Promise<RuleEvaluation[]> {
  const out = evaluateThresholds(deps.rules, await unitsOf(deps, nowMs), dayOfMonth(nowMs, deps.timeZone));
  const silent = deps.rules.filter((r) => r.enabled && r.kind === 'source-silent');
  const anomaly = deps.rules.filter((r) => r.enabled && r.kind === 'study-anomaly');
  // one read of the sources for both kinds of rule
  const seen = silent.length > 0 || anomaly.length > 0 ? await deps.activity.sources(nowMs) : null;
  if (seen && silent.length > 0) {
    for (const rule of silent) {
      const named = Object.keys((rule.params as { sources?: Record<string, string> }).sources ?? {});
      const sources = [...new Set([...deps.sources, ...named])].map((source) => ({
        source,
        lastSeen: seen.sources[source] ?? null,
      }));
      out.push(evaluateSourceSilent(rule, [deps.top], sources, seen.watchingSince, nowMs, deps.timeZone));
    }
  }
  if (seen && anomaly.length > 0) {
    const counties = childrenOf(deps.top).map((c) => c.code);
    const { watchingSince } = seen;
    // the last complete local hour, and the same hour of each past day
    const hour = hourStart(deps.clock, nowMs) - HOUR_MS;
    const maxDays = Math.max(...anomaly.map((r) => (r.params as { days: number }).days));
    const hours = Array.from({ length: maxDays + 1 }, (_, k) => hour - k * DAY_MS);
    const counts = await deps.activity.study(hours);
    // an hour is known when anything was recorded in it, or it began after watching began
    const known = (h: number): boolean => counts.has(h) || h >= watchingSince;
    for (const rule of anomaly) {
      out.push(
        evaluateStudyAnomaly(rule, counties, (region, days) => {
          const past = hours.slice(1, days + 1);
          if (!known(hour) || !past.every(known)) return null;
          return {
            current: counts.get(hour)?.get(region) ?? 0,
            baseline: past.map((h) => counts.get(h)?.get(region) ?? 0),
          };
        }),
      );
    }
  }
  return out;
}
