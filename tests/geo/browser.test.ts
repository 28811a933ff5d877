import { describe, expect, it } from 'vitest';
import { cityBundleUrl, cityCodeOf } from '../../geo/browser.ts';

describe('cityCodeOf', () => {
  it.each([
    ['610000', null],
    ['610100', '610100'],
    ['610113', '610100'],
    ['610113001', '610100'],
    ['610113001002', '610100'],
    ['610202', '610200'],
  ])('%s → %s', (code, city) => {
    expect(cityCodeOf(code)).toBe(city);
  });

  it('throws on what is not a code', () => {
    expect(() => cityCodeOf('6101')).toThrow(/not a region code/);
  });

  it('names the bundle the wall fetches', () => {
    expect(cityBundleUrl(cityCodeOf('610113')!)).toBe('/geo/city/610100.json');
  });
});
