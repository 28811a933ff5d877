// Name masking (mask.ts): the most personal thing a wall ever shows.
import { describe, expect, it } from 'vitest';
import { maskName } from '../../../server/aggregate/mask.ts';

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三明', '张*明'],
    ['欧阳娜娜', '欧**娜'],
    ['李', '*'],
    ['张*明', '张*明'],
    ['𠮷野家', '𠮷*家'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));
});
