import { describe, expect, it } from 'vitest';
import {
  axisFormatter,
  countAxis,
  labelsFitting,
  LABEL_PITCH,
  MAX_LABELS,
  niceScale,
} from '../../../screen/src/charts/valueAxis.ts';

const ticks = (max: number, interval: number) => Array.from({ length: max / interval + 1 }, (_, i) => i * interval);

describe('labelsFitting', () => {
  it.each([
    // plot px, label px, labels
    [74, 18, 3], // the 30-day chart on a 5760×1080 wall
    [20, 18, 2], // never fewer than 0 and the top
    [100, 18, 4],
    [200, 36, 4], // 4K: twice the pixels, twice the type
    [2000, 18, MAX_LABELS],
  ])('a %i px plot of %i px labels holds %i', (plot, label, n) => {
    expect(labelsFitting(plot, label)).toBe(n);
  });

  it('keeps every pair of labels a label and a gap apart', () => {
    for (let plot = 40; plot <= 600; plot += 7) {
      for (const label of [18, 27, 36]) {
        const n = labelsFitting(plot, label);
        if (n > 2) expect(plot / (n - 1)).toBeGreaterThanOrEqual(label * LABEL_PITCH);
      }
    }
  });
});

describe('niceScale', () => {
  it.each([
    [95_000, 3, 100_000, 50_000],
    [123_456, 5, 150_000, 50_000],
    [1_480, 3, 2_000, 1_000],
    [1_480, 6, 1_500, 500],
    [3, 5, 3, 1], // whole counts: no 0.5 steps
    [0, 3, 1, 1],
    [20_000, 5, 20_000, 5_000], // a round maximum is its own top
  ])('0 … %i in at most %i labels: 0 … %i by %i', (dataMax, labels, max, interval) => {
    expect(niceScale(dataMax, labels)).toEqual({ max, interval });
  });

  it('covers the data in steps of 1, 2 or 5 × 10ⁿ and never more labels than asked', () => {
    for (let dataMax = 1; dataMax < 3_000_000; dataMax = Math.ceil(dataMax * 1.37) + 3) {
      for (let labels = 2; labels <= MAX_LABELS; labels++) {
        const { max, interval } = niceScale(dataMax, labels);
        expect(max).toBeGreaterThanOrEqual(dataMax);
        expect(max / interval + 1).toBeLessThanOrEqual(labels);
        const mantissa = interval / 10 ** Math.floor(Math.log10(interval));
        expect([1, 2, 5]).toContain(Math.round(mantissa * 1e6) / 1e6);
      }
    }
  });
});

describe('axisFormatter: one unit per axis', () => {
  it.each([
    ['zh', 1_500, 500, ['0', '500', '1000', '1500']], // was 0 / 500 / 0.1万 / 0.2万
    ['zh', 150_000, 50_000, ['0', '5万', '10万', '15万']],
    ['zh', 20_000, 5_000, ['0', '0.5万', '1.0万', '1.5万', '2.0万']], // was 0.5万 / 1万 / 1.5万
    ['en', 1_500, 500, ['0', '500', '1000', '1500']], // was 500 / 1k / 1.5k
    ['en', 20_000, 5_000, ['0', '5k', '10k', '15k', '20k']],
    ['en', 10_000, 2_000, ['0', '2k', '4k', '6k', '8k', '10k']],
  ] as const)('%s 0 … %i by %i', (lang, max, interval, labels) => {
    const f = axisFormatter(max, interval, lang);
    expect(ticks(max, interval).map(f)).toEqual(labels);
  });

  it('never mixes units or decimals on one axis', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (let dataMax = 1; dataMax < 5_000_000; dataMax = Math.ceil(dataMax * 1.29) + 7) {
        for (const plot of [60, 110, 300]) {
          const { max, interval, formatter } = countAxis(dataMax, plot, 18, lang);
          const labels = ticks(max, interval).slice(1).map(formatter);
          const units = new Set(labels.map((l) => l.replace(/[\d.]/g, '')));
          const decimals = new Set(labels.map((l) => (l.split('.')[1] ?? '').replace(/\D/g, '').length));
          expect(units.size, labels.join(' ')).toBe(1);
          expect(decimals.size, labels.join(' ')).toBe(1);
          expect(new Set(labels).size, labels.join(' ')).toBe(labels.length); // no two ticks read alike
        }
      }
    }
  });
});
