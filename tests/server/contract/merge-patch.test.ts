import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../server/contract/merge-patch.ts';

describe('applyMergePatch (RFC 7386)', () => {
  // RFC 7386 appendix A, then the shapes a snapshot patch takes
  const cases: [name: string, target: unknown, patch: unknown, expected: unknown][] = [
    ['replaces a scalar', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a key', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null removes a key', { a: 'b' }, { a: null }, {}],
    ['null removes one key of two', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['an array replaces a string', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['a string replaces an array', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['merges nested objects', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['arrays replace whole', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['an array patch replaces the target', ['a', 'b'], ['c', 'd'], ['c', 'd']],
    ['an object target becomes an array', { a: 'b' }, ['c'], ['c']],
    ['null patch is the result', { a: 'foo' }, null, null],
    ['a string patch is the result', { a: 'foo' }, 'bar', 'bar'],
    ['null in an object kept', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['an array target becomes an object', [1, 2], { a: 'b', c: null }, { a: 'b' }],
    ['nested nulls dropped on a new key', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ['removing a missing key is no change', { a: 1 }, { z: null }, { a: 1 }],
    [
      'a keyed record entry removed',
      { f: { 'a>b': { n: 1 }, 'a>c': { n: 2 } } },
      { f: { 'a>c': null } },
      { f: { 'a>b': { n: 1 } } },
    ],
  ];
  it.each(cases)('%s', (_name, target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('skips the key %s and leaves prototypes alone', (key) => {
    // JSON.parse makes "__proto__" an own key, as a patch from the network would have it
    const patch = JSON.parse(`{"${key}": {"polluted": 1}, "a": 2}`) as unknown;
    const result = applyMergePatch<Record<string, unknown>>({ a: 1 }, patch);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['a']);
    expect(result.a).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(result, key)).toBe(false);
  });

  it('skips unsafe keys in nested objects and in a new object', () => {
    const text = '{"k": {"__proto__": {"polluted": 1}, "x": 1}, "n": {"__proto__": {"polluted": 2}}}';
    const patch = JSON.parse(text) as unknown;
    const result = applyMergePatch<{ k: object; n: object }>({ k: { y: 0 } }, patch);
    expect(Object.getPrototypeOf(result.k)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.n)).toBe(Object.prototype);
    expect(result).toEqual({ k: { y: 0, x: 1 }, n: {} });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the identity of untouched sub-trees and copies the changed path', () => {
    const target = { a: { x: 1 }, b: { y: 2 }, c: [1, 2] };
    const out = applyMergePatch<typeof target>(target, { a: { x: 2 } });
    expect(out).not.toBe(target);
    expect(out.b).toBe(target.b);
    expect(out.c).toBe(target.c);
    expect(out.a).not.toBe(target.a);
    expect(out.a.x).toBe(2);
  });

  it('returns the target itself when the patch changes nothing in it', () => {
    const target = { a: { x: 1 }, b: 2 };
    expect(applyMergePatch(target, {})).toBe(target);
    expect(applyMergePatch(target, { a: { x: 1 }, b: 2, gone: null })).toBe(target);
    const partly = applyMergePatch<typeof target>(target, { a: { x: 1 }, b: 3 });
    expect(partly.a).toBe(target.a);
    expect(partly.b).toBe(3);
  });

  it('does not modify its inputs', () => {
    const target = { k: { x: 1, y: 1 } };
    const patch = { k: { x: 2, y: null }, n: { z: 1 } };
    const out = applyMergePatch<Record<string, unknown>>(target, patch);
    expect(target).toEqual({ k: { x: 1, y: 1 } });
    expect(patch).toEqual({ k: { x: 2, y: null }, n: { z: 1 } });
    expect(out.n).not.toBe(patch.n);
  });
});
