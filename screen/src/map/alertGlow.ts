// Which regions of the city map glow for a newly firing alert: a red, unacknowledged,
// non-flapping alert that this wall had not seen firing before lights the child region that is or
// contains its region, once. What was already firing when the wall got its first evaluated panel
// (or its region, or the end of a storm, when the wall could not see single alerts) is the
// baseline and glows nothing: loading a wall never lights up the map.
import { containsCode } from '../../../geo/browser.ts';
import type { AlertPanel, WallAlert } from '../../../server/contract/index.ts';

export interface GlowMemory {
  /** fingerprints this wall has seen firing (a fingerprint glows at most once per wall) */
  seen: ReadonlySet<string>;
  /** the region whose panel set the baseline; null: none yet (the next panel is the baseline) */
  region: string | null;
}

export const FRESH_GLOW_MEMORY: GlowMemory = { seen: new Set(), region: null };

export interface GlowPick {
  /** visible child regions to glow now, each once */
  regions: string[];
  memory: GlowMemory;
}

/** the alerts that may make the map glow when they start firing */
export function glows(a: WallAlert): boolean {
  return a.state === 'firing' && a.severity === 'red' && a.ack === null && !a.flapping;
}

/** pure: `memory` is read, the next one returned. `visible` are the child regions on the map. */
export function pickAlertGlows(
  memory: GlowMemory,
  panel: AlertPanel | null | undefined,
  region: string,
  visible: readonly string[],
): GlowPick {
  // nothing evaluated yet: nothing to learn, no baseline yet
  if (!panel || panel.evaluatedAt <= 0) return { regions: [], memory };
  // storm mode carries no single alerts: the first panel after it is a baseline again
  if (panel.storm) return { regions: [], memory: { seen: memory.seen, region: null } };
  const baseline = memory.region !== region;
  const seen = new Set(memory.seen);
  const regions: string[] = [];
  for (const a of panel.alerts) {
    if (a.state !== 'firing' || seen.has(a.fingerprint)) continue;
    seen.add(a.fingerprint);
    if (baseline || !glows(a)) continue;
    const child = visible.find((c) => containsCode(c, a.region));
    if (child !== undefined && !regions.includes(child)) regions.push(child);
  }
  return { regions, memory: { seen, region } };
}
