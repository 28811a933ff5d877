import { describe, expect, it } from 'vitest';
import {
  BadBatchError,
  parseJsonBatch,
  parseNdjsonBatch,
} from '../../../../../../server/routes/api/v1/events/parse.ts';

describe('parseJsonBatch', () => {
  it('parses an array', () => {
    expect(parseJsonBatch('[{"a":1},2]').items).toEqual([{ a: 1 }, 2]);
  });
  it.each([
    ['not JSON', '[{"a":1}', /not JSON/],
    ['an object', '{"a":1}', /array/],
    ['a string', '"x"', /array/],
    ['too many', JSON.stringify(Array(10_001).fill(0)), /at most 10000/],
  ])('400 for %s', (_name, body, message) => {
    expect(() => parseJsonBatch(body)).toThrow(BadBatchError);
    expect(() => parseJsonBatch(body)).toThrow(message);
  });
  it('keeps __proto__ as an own key for the validator to reject', () => {
    const [item] = parseJsonBatch('[{"__proto__":{"x":1}}]').items as object[];
    expect(Object.prototype.hasOwnProperty.call(item, '__proto__')).toBe(true);
    expect(({} as { x?: number }).x).toBeUndefined();
  });
});

describe('parseNdjsonBatch', () => {
  it('one item per non-blank line', () => {
    const r = parseNdjsonBatch('{"a":1}\n\n{"b":2}\r\n');
    expect(r.items).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.lineErrors.size).toBe(0);
  });
  it('a line that is not JSON is an item error, not a batch error', () => {
    const r = parseNdjsonBatch('{"a":1}\n{oops\n{"b":2}');
    expect(r.items).toHaveLength(3);
    expect(r.items[2]).toEqual({ b: 2 });
    expect([...r.lineErrors.keys()]).toEqual([1]);
  });
  it('a line holding two values is an item error', () => {
    const r = parseNdjsonBatch('1,2\n3');
    expect([...r.lineErrors.keys()]).toEqual([0]);
    expect(r.items[1]).toBe(3);
  });
  it('more than 10,000 lines is a batch error', () => {
    expect(() => parseNdjsonBatch('{}\n'.repeat(10_001))).toThrow(BadBatchError);
  });
});
