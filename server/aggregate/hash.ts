// A fast 64-bit non-cryptographic string hash (two independent 32-bit lanes, murmur-style
// mixing). Used for dedupe fields (RedisStore) and opaque ticker ids. Ids are sender-chosen;
// a collision only ever makes one event count as a duplicate (2^-64 per pair by chance).

/** Writes the two 32-bit halves of the hash of `s` into out[0] (high) and out[1] (low). */
export function hash64To(s: string, out: Uint32Array): void {
  let h1 = 0xdeadbeef ^ s.length;
  let h2 = 0x41c6ce57 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

const scratch = new Uint32Array(2);
export function hash64(s: string): [hi: number, lo: number] {
  hash64To(s, scratch);
  return [scratch[0]!, scratch[1]!];
}

export function hash64Hex(s: string): string {
  const [hi, lo] = hash64(s);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Writes the 8 raw bytes of hash64(s) into `buf` at `offset` (big-endian). */
export function writeHash64(buf: Buffer, offset: number, s: string): void {
  const [hi, lo] = hash64(s);
  buf.writeUInt32BE(hi, offset);
  buf.writeUInt32BE(lo, offset + 4);
}
