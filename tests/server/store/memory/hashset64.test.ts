// MemoryStore's 64-bit id hash set (memory/hashset64.ts).
import { describe, expect, it } from 'vitest';
import { HashSet64 } from '../../../../server/store/memory/hashset64.ts';

describe('HashSet64', () => {
  it('remembers 64-bit hashes through growth and a dump/load round trip', () => {
    const s = new HashSet64(16);
    for (let i = 1; i <= 5000; i++) expect(s.add(i * 7919, i)).toBe(true);
    expect(s.add(0, 0)).toBe(true);
    expect(s.add(7919, 1)).toBe(false);
    expect(s.size).toBe(5001);
    const t = new HashSet64();
    for (const b of s.dump(1000)) t.load(b);
    expect(t.size).toBe(5001);
    expect(t.has(7919 * 5000, 5000)).toBe(true);
    expect(t.has(0, 0)).toBe(true);
    expect(t.has(1, 1)).toBe(false);
  });

  it('deletes without breaking the probe chains of the members that remain', () => {
    // a small table and clustered hashes: long chains that wrap around the end of the table
    const s = new HashSet64(16);
    const ref = new Set<number>();
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 300; i++) {
        const k = 1 + (rnd() % 2000); // not 0: (0, 0) is stored as (0, 1)
        expect(s.add(0, k)).toBe(!ref.has(k));
        ref.add(k);
      }
      for (const k of [...ref]) {
        if (rnd() % 3 === 0) {
          expect(s.delete(0, k)).toBe(true);
          ref.delete(k);
        }
      }
      expect(s.delete(0, 99_999)).toBe(false);
      expect(s.size).toBe(ref.size);
      for (let k = 1; k <= 2000; k++) expect(s.has(0, k)).toBe(ref.has(k));
    }
  });
});
