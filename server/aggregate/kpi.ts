// KPI rules the roll-up applies per organization: rates null on a zero denominator, 三会一课.
import { KIND_INDEX, M_KIND0, Q_KIND0 } from './schema.ts';

export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/** 三会一课: this month ≥1 支委会 and ≥1 党小组会, this quarter ≥1 党员大会 and ≥1 党课. */
export function isCompliantBranch(
  month: ArrayLike<number> | undefined,
  quarter: ArrayLike<number> | undefined,
): boolean {
  if (!month || !quarter) return false;
  return (
    (month[M_KIND0 + KIND_INDEX.committee] ?? 0) >= 1 &&
    (month[M_KIND0 + KIND_INDEX.group] ?? 0) >= 1 &&
    (quarter[Q_KIND0 + KIND_INDEX.assembly] ?? 0) >= 1 &&
    (quarter[Q_KIND0 + KIND_INDEX.lecture] ?? 0) >= 1
  );
}
