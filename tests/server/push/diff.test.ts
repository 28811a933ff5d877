import { describe, expect, it } from 'vitest';
import { applyFrame, applyMergePatch, diff, frameBody, type Json } from '../../../server/push/diff.ts';
import { TICKER_MAX_ITEMS as TICKER_MAX } from '../../../server/contract/index.ts';
import { snapshot, tickerItem } from '../lib/fixtures.ts';

/** What a merge patch can express: null members are absent (RFC 7386). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

const base = snapshot();
const CASES: [name: string, a: unknown, b: unknown, patch: Json | undefined][] = [
  ['equal objects', { a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }, undefined],
  ['changed scalar', { a: 1, b: 2 }, { a: 1, b: 3 }, { b: 3 }],
  ['added key', { a: 1 }, { a: 1, n: { x: 1 } }, { n: { x: 1 } }],
  ['removed key', { a: 1, gone: 2 }, { a: 1 }, { gone: null }],
  ['value becomes null', { r: 0.5 }, { r: null }, { r: null }],
  ['null becomes value', { r: null }, { r: 0.5 }, { r: 0.5 }],
  ['nested change only', { k: { x: 1, y: 2 } }, { k: { x: 1, y: 5 } }, { k: { y: 5 } }],
  ['array replaced whole', { h: [1, 2, 3] }, { h: [1, 2, 4] }, { h: [1, 2, 4] }],
  ['equal arrays', { h: [1, { a: 2 }] }, { h: [1, { a: 2 }] }, undefined],
  ['object becomes array', { v: { a: 1 } }, { v: [1] }, { v: [1] }],
  ['array becomes object', { v: [1] }, { v: { a: 1 } }, { v: { a: 1 } }],
  [
    'keyed record entry removed',
    { flows: { 'a>b': { n: 1 }, 'a>c': { n: 2 } } },
    { flows: { 'a>b': { n: 1 } } },
    { flows: { 'a>c': null } },
  ],
  ['kpi in snapshot', base, { ...base, kpi: { ...base.kpi, learnersToday: 13 } }, { kpi: { learnersToday: 13 } }],
  [
    'child region kpi',
    base,
    {
      ...base,
      children: { ...base.children, '610112': { ...base.children['610112']!, kpi: { ...base.kpi, members: 31 } } },
    },
    { children: { '610112': { kpi: { members: 31 } } } },
  ],
];

describe('merge-patch diff', () => {
  it.each(CASES)('%s', (_name, a, b, expected) => {
    const patch = diff(a, b);
    expect(patch).toEqual(expected);
    expect(applyMergePatch(a, patch === undefined ? {} : patch)).toEqual(withoutNulls(b));
  });

  it('does not modify its inputs', () => {
    const a = { k: { x: 1 } };
    const p = { k: { x: 2, y: null } };
    applyMergePatch(a, p);
    expect(a).toEqual({ k: { x: 1 } });
    expect(p).toEqual({ k: { x: 2, y: null } });
  });
});

describe('frameBody', () => {
  it('asOf changes alone produce no frame', () => {
    expect(frameBody(base, { ...base, asOf: base.asOf + 1000 })).toBeUndefined();
  });

  it('a kpi change yields a patch with the new asOf and no ticker', () => {
    const next = { ...base, asOf: base.asOf + 1000, kpi: { ...base.kpi, onlineNow: 10 } };
    const body = frameBody(base, next);
    expect(body).toEqual({ patch: { asOf: next.asOf, kpi: { onlineNow: 10 } }, ticker: [] });
    const { ticker: _t, ...rest } = next;
    const { ticker: _u, ...prev } = base;
    expect(applyMergePatch(prev, body!.patch)).toEqual(rest);
  });

  it('new ticker items are sent newest first, old ones not again', () => {
    const next = { ...base, ticker: [tickerItem('t4', 4), tickerItem('t3', 3), ...base.ticker] };
    const body = frameBody(base, next);
    expect(body?.ticker.map((t) => t.id)).toEqual(['t4', 't3']);
    expect(body?.patch).not.toHaveProperty('ticker');
  });

  it('ticker items leaving the window are no change', () => {
    expect(frameBody(base, { ...base, ticker: base.ticker.slice(0, 1) })).toBeUndefined();
  });
});

describe('applyFrame', () => {
  const items = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => tickerItem(`k${from + n - i}`, from + n - i));
  it.each([
    [
      'kpi and ticker change',
      { kpi: { ...base.kpi, examsToday: 9 }, ticker: [...items(100, 3), ...items(0, TICKER_MAX)].slice(0, TICKER_MAX) },
    ],
    ['ticker only', { ticker: [...items(100, 1), ...items(0, TICKER_MAX)].slice(0, TICKER_MAX) }],
    ['ticker window full: old items fall off', { ticker: items(100, TICKER_MAX) }],
    ['a rate becomes null', { kpi: { ...base.kpi, studyRateToday: null } }],
    [
      'a child region appears',
      {
        children: {
          ...base.children,
          '610114': {
            code: '610114',
            name: '阎良区',
            level: 'county' as const,
            illustrative: false,
            kpi: { ...base.kpi },
          },
        },
      },
    ],
  ])('%s: applyFrame(prev, frame) equals next', (_n, change) => {
    const prev = { ...base, ticker: items(0, TICKER_MAX) };
    const next = { ...prev, asOf: prev.asOf + 1000, ...change };
    const body = frameBody(prev, next);
    expect(body).toBeDefined();
    expect(applyFrame(prev, body!)).toEqual(withoutNulls(next));
  });
});
