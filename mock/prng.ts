// Deterministic randomness. Every generator derives its numbers from integer hashes of
// (seed, what, when), so any stretch of time can be regenerated on its own and replayed exactly.

/** murmur3's finalizer: a good 32-bit avalanche. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a list of integers (each taken modulo 2^32). */
export function hashInts(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = mix32((h ^ (x | 0)) + 0x7f4a7c15 + ((x / 4294967296) | 0));
  }
  return h;
}

/** hashInts for exactly four small integers (|x| < 2^31), without the rest-array: hot paths. */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = mix32((0x9e3779b9 ^ a) + 0x7f4a7c15);
  h = mix32((h ^ b) + 0x7f4a7c15);
  h = mix32((h ^ c) + 0x7f4a7c15);
  return mix32((h ^ d) + 0x7f4a7c15);
}

/** FNV-1a over UTF-16 code units, finalized. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A uniform number in [0, 1) from a 32-bit hash. */
export function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}

/** A seed from user input: integers are taken as they are, anything else is hashed. */
export function seedOf(seed: string | number): number {
  if (typeof seed === 'number') return seed >>> 0;
  return /^\d+$/.test(seed) ? Number(seed) >>> 0 : hashString(seed);
}

/** mulberry32: small, fast, good enough for simulation. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static of(...xs: number[]): Rng {
    return new Rng(hashInts(...xs));
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  exp(): number {
    return -Math.log(1 - this.next());
  }

  /** Poisson variate; normal approximation above 60 (the counts per slot are large). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}

/** Index into a cumulative-weight table (ascending) for a uniform u in [0, 1). */
export function pickCumulative(cum: Float64Array, u: number): number {
  const target = u * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Picks from [item, weight] pairs. */
export function pickWeighted<T>(items: readonly (readonly [T, number])[], u: number): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = u * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}
