// 党员结构: an organization's members counted by gender, age, education and 党龄 (counts only).
// Shares by kind of organization (rural village, urban community, township organ) are drawn
// from the 中国共产党党内统计公报 (2023) and adjusted for who these organizations hold (see
// mock/README.md); each organization varies around them, older ones older in every dimension.
import { STRUCTURE_BANDS, type OrgStructure, type StructureDimension } from '../server/contract/roster.ts';
import type { Rng } from './prng.ts';

export type OrgType = 'rural' | 'urban' | 'organ';

/** Band shares in STRUCTURE_BANDS order. */
type Shares = Readonly<Record<StructureDimension, readonly number[]>>;

export const STRUCTURE_SHARES: Readonly<Record<OrgType, Shares>> = {
  // villages: older, fewer women and graduates (农牧渔民 are 26 % of all members; few graduates stay)
  rural: {
    gender: [0.78, 0.22],
    age: [0.06, 0.22, 0.33, 0.39],
    education: [0.003, 0.07, 0.14, 0.787],
    tenure: [0.1, 0.38, 0.52],
  },
  // communities: many retirees (离退休 21 % of all members, most of them registered where they live)
  urban: {
    gender: [0.64, 0.36],
    age: [0.07, 0.2, 0.25, 0.48],
    education: [0.03, 0.22, 0.2, 0.55],
    tenure: [0.08, 0.3, 0.62],
  },
  // township organs: civil servants, younger and nearly all graduates
  organ: {
    gender: [0.66, 0.34],
    age: [0.2, 0.42, 0.35, 0.03],
    education: [0.08, 0.62, 0.24, 0.06],
    tenure: [0.22, 0.5, 0.28],
  },
};

/** How much an organization's shares vary (lognormal σ per band) and how strongly its age tilts them. */
const NOISE_SIGMA = 0.2;
const AGE_TILT = 0.35;
/** Direction each dimension's bands move as an organization is older: age and 党龄 up, education down. */
const TILT_SIGN: Readonly<Record<StructureDimension, number>> = { gender: 0, age: 1, education: 1, tenure: 1 };

/** Counts that sum exactly to `total`: floors, then the largest remainders (ties to the lower band). */
export function largestRemainder(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((s) => (s / sum) * total);
  const counts = exact.map(Math.floor);
  let rest = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; rest > 0; j++, rest--) counts[order[j % order.length]![1]]!++;
  return counts;
}

/** The structure of an organization of `members` of a type, varying with a per-organization stream. */
export function orgStructure(type: OrgType, members: number, rng: Rng): OrgStructure {
  const older = rng.normal();
  const out: Record<string, Record<string, number>> = {};
  for (const dim of Object.keys(STRUCTURE_BANDS) as StructureDimension[]) {
    const bands = STRUCTURE_BANDS[dim];
    const mid = (bands.length - 1) / 2;
    const shares = STRUCTURE_SHARES[type][dim].map(
      (s, i) => s * Math.exp(NOISE_SIGMA * rng.normal() + AGE_TILT * TILT_SIGN[dim] * older * (i - mid)),
    );
    const counts = largestRemainder(shares, members);
    out[dim] = Object.fromEntries(bands.map((b, i) => [b, counts[i]!]));
  }
  return out as OrgStructure;
}
