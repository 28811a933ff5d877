// What one wall is shown of the alerts (issue 10): in its region, firing or nodata, neither
// silenced nor inhibited; past STORM_THRESHOLD firing, one summary per parent region. Pure.
import { containsCode, parentCodeOf } from '../../geo/codes.ts';
import type { AlertView } from './lifecycle.ts';
import type { Severity } from './rules.ts';

/** more alerts firing at once on one wall than this: storm mode */
export const STORM_THRESHOLD = 20;

export interface StormSummary {
  /** the parent region of the alerts it stands for (the wall's own region for alerts at it) */
  region: string;
  count: number;
  bySeverity: Record<Severity, number>;
  /** the highest severity among them */
  severity: Severity;
  rules: string[];
}

export type WallAlerts =
  { storm: false; alerts: AlertView[] } | { storm: true; firing: number; summaries: StormSummary[] };

const RANK: Record<Severity, number> = { red: 0, orange: 1, yellow: 2 };

export function visibleOnWall(v: AlertView, wallRegion: string): boolean {
  return (
    (v.state === 'firing' || v.state === 'nodata') &&
    v.silencedBy.length === 0 &&
    v.inhibitedBy === null &&
    containsCode(wallRegion, v.region)
  );
}

export function wallAlerts(views: readonly AlertView[], wallRegion: string, threshold = STORM_THRESHOLD): WallAlerts {
  const shown = views
    .filter((v) => visibleOnWall(v, wallRegion))
    .sort(
      (a, b) =>
        RANK[a.severity] - RANK[b.severity] ||
        Number(a.ack !== null) - Number(b.ack !== null) ||
        (a.startsAt ?? a.lastEvalAt) - (b.startsAt ?? b.lastEvalAt) ||
        a.fingerprint.localeCompare(b.fingerprint),
    );
  const firing = shown.filter((v) => v.state === 'firing').length;
  if (firing <= threshold) return { storm: false, alerts: shown };
  const groups = new Map<string, StormSummary>();
  for (const v of shown) {
    const parent = parentCodeOf(v.region);
    const region = parent !== null && containsCode(wallRegion, parent) ? parent : wallRegion;
    let g = groups.get(region);
    if (!g) {
      g = { region, count: 0, bySeverity: { red: 0, orange: 0, yellow: 0 }, severity: v.severity, rules: [] };
      groups.set(region, g);
    }
    g.count++;
    g.bySeverity[v.severity]++;
    if (RANK[v.severity] < RANK[g.severity]) g.severity = v.severity;
    if (!g.rules.includes(v.rule)) g.rules.push(v.rule);
  }
  const summaries = [...groups.values()].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || a.region.localeCompare(b.region),
  );
  for (const g of summaries) g.rules.sort();
  return { storm: true, firing, summaries };
}
