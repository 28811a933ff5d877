// Map themes and the choropleth metric of each: rates on a fixed 0–100 % domain, counts on
// 0…max of the shown regions.
import type { ChildRegion } from '../../../server/contract/index.ts';

export const THEMES = ['study', 'floating', 'transfers'] as const;
export type MapTheme = (typeof THEMES)[number];

export function choroplethValues(
  children: Record<string, ChildRegion> | undefined,
  theme: MapTheme,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (!children) return out;
  const list = Object.values(children);
  if (theme === 'study') {
    for (const c of list)
      out[c.code] = c.kpi.studyRateToday === null ? null : Math.max(0, Math.min(1, c.kpi.studyRateToday));
    return out;
  }
  const pick = (c: ChildRegion) => (theme === 'transfers' ? c.kpi.transfersOpen : c.kpi.floatingMembers);
  const max = Math.max(0, ...list.map(pick));
  for (const c of list) out[c.code] = max === 0 ? 0 : pick(c) / max;
  return out;
}

/** the theme shown at `elapsedS` when rotating every `periodS` seconds (0 = never) */
export function rotatingTheme(
  start: MapTheme,
  elapsedS: number,
  periodS: number,
  themes: readonly MapTheme[] = THEMES,
): MapTheme {
  if (periodS <= 0) return start;
  const i = themes.indexOf(start);
  const steps = Math.floor(elapsedS / periodS);
  return themes[(Math.max(0, i) + steps) % themes.length]!;
}
