import { describe, expect, it } from 'vitest';
import type { Org } from '../../../../../server/contract/index.ts';
import { checkRoster } from '../../../../../server/routes/api/v1/roster-check.ts';
import { ROSTER } from '../../../lib/fixtures.ts';

const known = (code: string) => code.startsWith('6101');
const with_ = (extra: Partial<Org>, i = 1): Org[] => ROSTER.map((o, j) => (j === i ? { ...o, ...extra } : o));

describe('checkRoster', () => {
  it('accepts a valid tree', () => {
    expect(checkRoster(ROSTER, known)).toEqual([]);
  });
  it('accepts structure bands that each sum to members', () => {
    const structure = {
      gender: { male: 30, female: 10 },
      education: { postgraduate: 1, bachelor: 20, college: 10, secondary: 9 },
    };
    expect(checkRoster(with_({ structure }), known)).toEqual([]);
  });
  it.each([
    ['duplicate id', with_({ id: 'b2' }), /duplicate id "b2"/],
    ['missing parent', with_({ parent: 'nope' }), /parent "nope" is not in the roster/],
    ['self parent', with_({ parent: 'b1' }), /own parent/],
    ['unknown region', with_({ region: '620102' }), /region "620102"/],
    ['lng without lat', with_({ lat: undefined }), /lng and lat/],
    [
      'structure not summing to members',
      with_({ structure: { gender: { male: 30, female: 9 } } }),
      /structure.gender sums to 39, not to members \(40\)/,
    ],
    ['cycle', with_({ parent: 'b2' }, 0).map((o) => (o.id === 'b2' ? { ...o, parent: 'c1' } : o)), /cycle/],
  ])('%s', (_name, orgs, message) => {
    const problems = checkRoster(orgs, known);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.message).toMatch(message);
  });
});
