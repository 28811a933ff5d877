import { describe, expect, it } from 'vitest';
import { optionDelta, serializeKeys } from '../../screen/src/charts/optionDelta.ts';
import type { ECOption } from '../../screen/src/charts/echarts.ts';

const opt = (data: number[], label = 'x'): ECOption => ({
  animation: false,
  xAxis: { type: 'category', data: [label] },
  series: [{ type: 'bar', data, label: { formatter: (p: { value: unknown }) => String(p.value) } }],
});

describe('optionDelta', () => {
  it('hands over the whole option the first time', () => {
    const o = opt([1]);
    expect(optionDelta(null, o, serializeKeys(o))).toBe(o);
  });

  it('is null for a rebuilt option with the same content (new closures included)', () => {
    const a = opt([1, 2]);
    const b = opt([1, 2]);
    expect(a).not.toBe(b);
    expect(optionDelta(serializeKeys(a), b, serializeKeys(b))).toBeNull();
  });

  it('carries only the top-level keys whose content changed', () => {
    const a = opt([1, 2]);
    const b = opt([1, 3]);
    expect(Object.keys(optionDelta(serializeKeys(a), b, serializeKeys(b))!)).toEqual(['series']);
    const c = opt([1, 2], 'y');
    expect(Object.keys(optionDelta(serializeKeys(a), c, serializeKeys(c))!)).toEqual(['xAxis']);
  });

  it('sees a changed formatter', () => {
    const a = opt([1]);
    const b: ECOption = {
      ...a,
      series: [{ type: 'bar', data: [1], label: { formatter: (p: { value: unknown }) => `${String(p.value)}%` } }],
    };
    expect(optionDelta(serializeKeys(a), b, serializeKeys(b))).not.toBeNull();
  });
});
