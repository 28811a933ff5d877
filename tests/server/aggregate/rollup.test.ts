// Child region codes (rollup.ts).
import { describe, expect, it } from 'vitest';
import { childCodeOf } from '../../../server/aggregate/rollup.ts';

describe('childCodeOf', () => {
  it.each([
    ['610000', 'province', '610113001', '610100'],
    ['610100', 'city', '610113001001', '610113'],
    ['610113', 'county', '610113001001', '610113001'],
    ['610113', 'county', '610113', null],
    ['610113001', 'township', '610113001', null],
    ['610113001001', 'village', '610113001001', null],
  ] as const)('%s (%s) ∋ %s → %s', (r, level, code, child) => expect(childCodeOf(r, level, code)).toBe(child));
});
