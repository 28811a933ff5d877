import { describe, expect, it } from 'vitest';
import { choroplethWrites } from '../../../../screen/src/map/hooks/useChoropleth.ts';

const none = new Set<string>();

describe('choroplethWrites', () => {
  it('a new geometry is painted whole, without glow; null is no data (-1)', () => {
    expect(choroplethWrites(null, { a: 0.5, b: null }, none)).toEqual([
      { code: 'a', v: 0.5, glow: false },
      { code: 'b', v: -1, glow: false },
    ]);
  });

  it('writes only the regions whose value changed, and they glow', () => {
    expect(choroplethWrites({ a: 0.5, b: 0.2, c: null }, { a: 0.5, b: 0.3, c: null }, none)).toEqual([
      { code: 'b', v: 0.3, glow: true },
    ]);
  });

  it('a region that glowed and holds still stops glowing; one still changing glows on', () => {
    const writes = choroplethWrites({ a: 0.1, b: 0.2 }, { a: 0.1, b: 0.4 }, new Set(['a', 'b']));
    expect(writes).toEqual([
      { code: 'a', v: 0.1, glow: false },
      { code: 'b', v: 0.4, glow: true },
    ]);
  });

  it('a region new to the values is painted, without glow', () => {
    expect(choroplethWrites({ a: 0.1 }, { a: 0.1, n: 0.7 }, none)).toEqual([{ code: 'n', v: 0.7, glow: false }]);
  });

  it('nothing changed: nothing written', () => {
    expect(choroplethWrites({ a: 0.1, b: null }, { a: 0.1, b: null }, none)).toEqual([]);
  });
});
