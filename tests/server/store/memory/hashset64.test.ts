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
});
