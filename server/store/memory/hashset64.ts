// An open-addressing set of 64-bit id hashes on typed arrays: no per-id object, nothing for
// the GC to trace, 8 bytes per slot at a load factor of at most 0.7 (≈ 12–23 bytes per id).
// V8's Set<string> measured 1–2.6 µs per has+add at 2M ids on this machine; this is ~0.1 µs.

const MAX_LOAD = 0.7;

export class HashSet64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength;
  }

  /** The empty slot is (0, 0): a hash of (0, 0) is stored as (0, 1). */
  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const mask = this.mask;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const h = this.hi[i]!;
      const l = this.lo[i]!;
      if (h === hi && l === lo) return true;
      if (h === 0 && l === 0) return false;
    }
  }

  /** Adds; returns false when already present. */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    if ((this.size + 1) / (this.mask + 1) > MAX_LOAD) this.grow();
    const mask = this.mask;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const h = this.hi[i]!;
      const l = this.lo[i]!;
      if (h === hi && l === lo) return false;
      if (h === 0 && l === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.size += 1;
        return true;
      }
    }
  }

  /** Removes; returns false when absent. Backward-shift deletion keeps every probe chain whole. */
  delete(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (; ; i = (i + 1) & mask) {
      const h = this.hi[i]!;
      const l = this.lo[i]!;
      if (h === hi && l === lo) break;
      if (h === 0 && l === 0) return false;
    }
    // move later members of the chain back into the hole unless their home lies after it
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const h = this.hi[j]!;
      const l = this.lo[j]!;
      if (h === 0 && l === 0) break;
      const home = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      this.hi[i] = h;
      this.lo[i] = l;
      i = j;
    }
    this.hi[i] = 0;
    this.lo[i] = 0;
    this.size -= 1;
    return true;
  }

  private grow(): void {
    const { hi, lo } = this;
    const cap = (this.mask + 1) * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) this.add(hi[i]!, lo[i]!);
  }

  clone(): HashSet64 {
    const c = new HashSet64(16);
    c.hi = this.hi.slice();
    c.lo = this.lo.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }

  /** Members as 8-byte big-endian pairs, `chunk` ids per Buffer. */
  *dump(chunk: number): Generator<Buffer> {
    let buf = Buffer.allocUnsafe(chunk * 8);
    let n = 0;
    for (let i = 0; i < this.hi.length; i++) {
      if (this.hi[i] === 0 && this.lo[i] === 0) continue;
      buf.writeUInt32BE(this.hi[i]!, n * 8);
      buf.writeUInt32BE(this.lo[i]!, n * 8 + 4);
      if (++n === chunk) {
        yield buf;
        buf = Buffer.allocUnsafe(chunk * 8);
        n = 0;
      }
    }
    if (n > 0) yield buf.subarray(0, n * 8);
  }

  load(buf: Buffer): void {
    for (let o = 0; o + 8 <= buf.length; o += 8) this.add(buf.readUInt32BE(o), buf.readUInt32BE(o + 4));
  }
}
