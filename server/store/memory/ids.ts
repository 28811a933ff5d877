// Remembered event ids for dedupe: 64-bit hashes of the ids (the same hash RedisStore
// remembers) in generations by arrival time, so that whole generations expire after the
// retention without a per-id sweep. A generation spans half the retention: an id is
// remembered for at least the retention and at most 1.5×.
import { hash64To } from '../../aggregate/hash.ts';
import { HashSet64 } from './hashset64.ts';

interface Generation {
  gen: number;
  set: HashSet64;
}

export class IdGenerations {
  private gens: Generation[] = [];
  private readonly h = new Uint32Array(2);

  constructor(private readonly retentionMs: number) {}

  private get genMs(): number {
    return Math.max(1, Math.ceil(this.retentionMs / 2));
  }

  /** Remembers `id` at `nowMs`; false when it was remembered already (a duplicate). */
  add(id: string, nowMs: number): boolean {
    const h = this.h;
    hash64To(id, h);
    const hi = h[0]!;
    const lo = h[1]!;
    const g = this.gens;
    for (let i = g.length - 1; i >= 0; i--) if (g[i]!.set.has(hi, lo)) return false;
    const gen = Math.floor(nowMs / this.genMs);
    let last = g[g.length - 1];
    if (!last || last.gen < gen) {
      last = { gen, set: new HashSet64() };
      this.gens.push(last);
      this.expire(nowMs);
    }
    return last.set.add(hi, lo);
  }

  /** Forgets `id` (a reserved batch whose log write failed: a retry must be accepted). */
  remove(id: string): void {
    const h = this.h;
    hash64To(id, h);
    for (let i = this.gens.length - 1; i >= 0; i--) if (this.gens[i]!.set.delete(h[0]!, h[1]!)) return;
  }

  expire(nowMs: number): void {
    this.gens = this.gens.filter((g) => (g.gen + 1) * this.genMs + this.retentionMs >= nowMs);
  }

  get size(): number {
    return this.gens.reduce((n, g) => n + g.set.size, 0);
  }

  get bytes(): number {
    return this.gens.reduce((n, g) => n + g.set.bytes, 0);
  }

  /** A copy for a compaction cut (typed-array copies: a memcpy per generation). */
  clone(): IdGenerations {
    const c = new IdGenerations(this.retentionMs);
    c.gens = this.gens.map((g) => ({ gen: g.gen, set: g.set.clone() }));
    return c;
  }

  /** [gen, base64 of 8-byte hashes] chunks in generation order, for the snapshot file. */
  *chunks(size: number): Generator<[gen: number, hashes: string]> {
    for (const g of this.gens) for (const buf of g.set.dump(size)) yield [g.gen, buf.toString('base64')];
  }

  /** Loads a chunk written by chunks(); chunks of one generation go to one set. */
  load(gen: number, hashes: string): void {
    let last = this.gens[this.gens.length - 1];
    if (!last || last.gen !== gen) this.gens.push((last = { gen, set: new HashSet64() }));
    last.set.load(Buffer.from(hashes, 'base64'));
  }
}
