// Which organisations pulse on the city map when events arrive: the organisations of ticker
// items newer than the last ones seen, throttled so that a burst does not light up the map (at
// most MAX_PULSES per frame, and one organisation at most once per ORG_PULSE_GAP_MS).
import type { TickerItem } from '../../../server/contract/index.ts';

export const MAX_PULSES = 6;
export const ORG_PULSE_GAP_MS = 3000;

export interface PulsePick {
  orgs: string[];
  /** the newest item time seen (the next call's `since`) */
  newest: number;
}

/** pure: `lastPulsed` (org → time) is read, not written; the caller records the picks */
export function pickPulses(
  items: readonly TickerItem[],
  since: number,
  lastPulsed: ReadonlyMap<string, number>,
  now: number,
  max = MAX_PULSES,
): PulsePick {
  let newest = since;
  const orgs: string[] = [];
  for (const item of items) {
    if (item.ts <= since) continue;
    if (item.ts > newest) newest = item.ts;
    if (orgs.length >= max || orgs.includes(item.org)) continue;
    const last = lastPulsed.get(item.org);
    if (last !== undefined && now - last < ORG_PULSE_GAP_MS) continue;
    orgs.push(item.org);
  }
  return { orgs, newest };
}
