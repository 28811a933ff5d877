// Pure value-axis scales for the count charts: how many labels the chart's pixel height holds,
// a round interval that keeps to that count, and one unit for every label of the axis (no
// "0.1万" beside "900", no "1.5万" beside "1万"). ECharts' own splitNumber is only a hint and
// puts five labels into a 70 px tall chart.
import type { Lang } from '../params.ts';

/** centre to centre, in label heights: a label and a gap of most of a label */
export const LABEL_PITCH = 1.8;
export const MAX_LABELS = 6;
/** from this axis maximum on, every label is in 万 (zh) / k (en); below it plain numbers */
export const UNIT_FROM = 10_000;
const UNIT: Record<Lang, { div: number; suffix: string }> = {
  zh: { div: 10_000, suffix: '万' },
  en: { div: 1_000, suffix: 'k' },
};

/** labels (0 included) of `labelPx` px type that fit a plot `plotPx` tall without touching; 2 at the least */
export function labelsFitting(plotPx: number, labelPx: number): number {
  const n = Math.floor(plotPx / (labelPx * LABEL_PITCH)) + 1;
  return Math.min(MAX_LABELS, Math.max(2, n));
}

/** 0 … max in steps of 1, 2 or 5 × 10ⁿ (whole counts: at least 1), `labels` ticks at most */
export function niceScale(dataMax: number, labels: number): { max: number; interval: number } {
  const segments = Math.max(1, labels - 1);
  const raw = Math.max(1, dataMax / segments);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const interval = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw - 1e-9 * mag) ?? 10 * mag;
  return { max: Math.max(interval, Math.ceil(dataMax / interval - 1e-9) * interval), interval };
}

function decimalsOf(x: number): number {
  let d = 0;
  while (d < 3 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-6) d++;
  return d;
}

/** one unit and one number of decimals for the whole axis; 0 reads the same in every unit */
export function axisFormatter(max: number, interval: number, lang: Lang): (v: number) => string {
  if (max < UNIT_FROM) return (v) => String(v);
  const { div, suffix } = UNIT[lang];
  const decimals = decimalsOf(interval / div);
  return (v) => (v === 0 ? '0' : `${(v / div).toFixed(decimals)}${suffix}`);
}

/** the scale of a count axis (0 … max) whose plot is `plotPx` tall, labels `labelPx` px */
export function countAxis(dataMax: number, plotPx: number, labelPx: number, lang: Lang) {
  const { max, interval } = niceScale(dataMax, labelsFitting(plotPx, labelPx));
  return { min: 0, max, interval, formatter: axisFormatter(max, interval, lang) };
}
