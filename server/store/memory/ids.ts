// Remembered event ids for dedupe, in generations by arrival time so that whole generations
// expire after the retention without a per-id sweep. A generation spans half the retention;
// an id is remembered for at least the retention (at most 1.5×).

const MAX_SET_SIZE = 8_000_000; // V8 Sets top out at 2^24 entries

interface Generation {
  gen: number;
  ids: Set<string>;
}

export class IdGenerations {
  private gens: Generation[] = [];

  constructor(private readonly retentionMs: number) {}

  private get genMs(): number {
    return Math.max(1, Math.ceil(this.retentionMs / 2));
  }

  has(id: string): boolean {
    const g = this.gens;
    for (let i = g.length - 1; i >= 0; i--) if (g[i]!.ids.has(id)) return true;
    return false;
  }

  add(id: string, nowMs: number): void {
    const gen = Math.floor(nowMs / this.genMs);
    let last = this.gens[this.gens.length - 1];
    if (!last || last.gen < gen || last.ids.size >= MAX_SET_SIZE) {
      last = { gen: Math.max(gen, last?.gen ?? gen), ids: new Set() };
      this.gens.push(last);
      this.expire(nowMs);
    }
    last.ids.add(id);
  }

  expire(nowMs: number): void {
    this.gens = this.gens.filter((g) => (g.gen + 1) * this.genMs + this.retentionMs >= nowMs);
  }

  get size(): number {
    return this.gens.reduce((n, g) => n + g.ids.size, 0);
  }

  /** A sample of remembered ids (for the bytes-per-id estimate). */
  sample(n: number): string[] {
    const out: string[] = [];
    for (const g of this.gens) for (const id of g.ids) if (out.length < n) out.push(id);
    return out;
  }

  /** [gen, ids] chunks in generation order, for the snapshot file. */
  *chunks(size: number): Generator<[gen: number, ids: string[]]> {
    for (const g of this.gens) {
      let chunk: string[] = [];
      for (const id of g.ids) {
        chunk.push(id);
        if (chunk.length >= size) {
          yield [g.gen, chunk];
          chunk = [];
        }
      }
      if (chunk.length > 0) yield [g.gen, chunk];
    }
  }

  /** Loads a chunk written by chunks(); consecutive chunks of a generation share one Set. */
  load(gen: number, ids: string[]): void {
    let last = this.gens[this.gens.length - 1];
    if (!last || last.gen !== gen || last.ids.size + ids.length > MAX_SET_SIZE) this.gens.push((last = { gen, ids: new Set() }));
    for (const id of ids) last.ids.add(id);
  }
}
