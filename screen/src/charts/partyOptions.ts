// Pure ECharts option builders for the party affairs panels (党费, 发展党员, 党员结构): counts and
// shares in, option out. Label texts are computed here (strings, not formatter closures), so the
// options compare by value and the tests read what the wall will print.
import type { ChildRegion, DevelopmentStage, Snapshot, StructureDimension } from '../../../server/contract/index.ts';
import { STRUCTURE_BANDS, STRUCTURE_DIMENSIONS } from '../../../server/contract/roster.ts';
import type { ECOption } from './echarts.ts';
import { BAND_LABELS, DEVELOPMENT_LABELS, STRUCTURE_LABELS, t } from '../i18n.ts';
import { formatNumber, formatRate } from '../format.ts';
import { hexToRgb, type Palette } from '../palette.ts';
import { axisText, base, FONT_STACK, LABEL_U, type ChartCtx } from './options.ts';

/** SPEC: a region's dues rate below 80 % (after the 15th) raises `dues-low` */
export const DUES_LOW_RATE = 0.8;

/** the funnel, top to bottom; `dropped` stands aside (it is not a step towards membership) */
export const FUNNEL_STAGES: readonly DevelopmentStage[] = [
  'applicant',
  'activist',
  'candidate',
  'probationary',
  'full',
];

/** text colour that reads on a bar of `hex`: the dark background on light bars, else the text */
export function inkOn(hex: string, pal: Palette): string {
  const [r, g, b] = hexToRgb(hex).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.2 ? pal.background : pal.text;
}

/**
 * Child regions by this month's dues rate, the lowest on top: a short panel cuts the list, and
 * the regions that lag are the ones to keep. Regions without a rate come last.
 */
const rateOrLast = (c: ChildRegion) => c.kpi.duesRateMonth ?? Infinity;

export function duesRows(children: ChildRegion[], maxRows: number): ChildRegion[] {
  return [...children].sort((a, b) => rateOrLast(a) - rateOrLast(b) || a.code.localeCompare(b.code)).slice(0, maxRows);
}

export function duesOption(children: ChildRegion[], ctx: ChartCtx, maxRows: number): ECOption {
  const rows = duesRows(children, maxRows).reverse(); // the category axis runs bottom to top
  const noData = t(ctx.lang, 'noData');
  const low = (r: ChildRegion) => r.kpi.duesRateMonth !== null && r.kpi.duesRateMonth < DUES_LOW_RATE;
  const side = { axisLine: { show: false }, axisTick: { show: false } };
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 8 * ctx.u, top: 24 * ctx.u, bottom: 2 * ctx.u, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, show: false },
    // the rates are a column of their own (a right-hand axis), not labels at the bars' ends: a
    // rate near 80 % would put its text on the reference line
    yAxis: [
      {
        type: 'category',
        data: rows.map((r) => r.name),
        axisLabel: { ...axisText(ctx), color: ctx.pal.text, interval: 0 },
        ...side,
      },
      {
        type: 'category',
        position: 'right',
        data: rows.map((r) => ({
          value: r.kpi.duesRateMonth === null ? noData : `${formatRate(r.kpi.duesRateMonth)}%`,
          textStyle: { color: low(r) ? ctx.pal.alert : r.kpi.duesRateMonth === null ? ctx.pal.textDim : ctx.pal.text },
        })),
        axisLabel: { ...axisText(ctx), interval: 0, fontWeight: 'bold' },
        ...side,
      },
    ],
    series: [
      {
        type: 'bar',
        barWidth: '58%',
        showBackground: true,
        backgroundStyle: { color: ctx.pal.grid },
        data: rows.map((r) => {
          const rate = r.kpi.duesRateMonth;
          if (rate === null) return '-';
          return { value: Number(formatRate(rate)), itemStyle: { color: low(r) ? ctx.pal.alert : ctx.pal.accent } };
        }),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: ctx.pal.alert, type: 'dashed', width: 2 * ctx.u },
          label: {
            show: true,
            position: 'end',
            formatter: '80%',
            color: ctx.pal.alert,
            fontSize: LABEL_U * ctx.u,
            fontFamily: FONT_STACK,
          },
          data: [{ xAxis: DUES_LOW_RATE * 100 }],
        },
      },
    ],
  };
}

/** true when the funnel has at least one case */
export function hasDevelopment(stages: Snapshot['development']['stages']): boolean {
  return FUNNEL_STAGES.some((s) => (stages[s] ?? 0) > 0) || (stages.dropped ?? 0) > 0;
}

/**
 * The funnel as centred bars: an invisible bar of (max − n) / 2 pushes each stage's bar to the
 * middle, so widths stay proportional to the counts (a trapezoid funnel would not be).
 */
export function developmentOption(stages: Snapshot['development']['stages'], ctx: ChartCtx): ECOption {
  const counts = FUNNEL_STAGES.map((s) => stages[s] ?? 0);
  const max = Math.max(1, ...counts);
  // the light end of the ramp: every step stays bright on the dark background
  const ramp = ctx.pal.ramp;
  const color = (i: number) => ramp[Math.max(0, ramp.length - 1 - i)]!;
  const dropped = stages.dropped ?? 0;
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 8 * ctx.u, top: 4 * ctx.u, bottom: 26 * ctx.u, containLabel: true },
    // closed without membership: set aside under the funnel, not a step of it (the element is
    // always there, its text empty at 0, so that a merge update can clear it)
    graphic: [
      {
        type: 'text',
        id: 'dropped',
        right: 8 * ctx.u,
        bottom: 2 * ctx.u,
        silent: true,
        style: {
          text: dropped > 0 ? `${t(ctx.lang, 'dropped')} ${formatNumber(dropped, ctx.lang)}` : '',
          fill: ctx.pal.textDim,
          fontSize: LABEL_U * ctx.u,
          fontFamily: FONT_STACK,
        },
      },
    ],
    xAxis: { type: 'value', min: 0, max, show: false },
    yAxis: {
      type: 'category',
      inverse: true,
      data: FUNNEL_STAGES.map((s) => DEVELOPMENT_LABELS[s][ctx.lang]),
      axisLabel: { ...axisText(ctx), color: ctx.pal.text, interval: 0 },
      axisLine: { show: false },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        stack: 'funnel',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: counts.map((n) => (max - n) / 2),
      },
      {
        type: 'bar',
        stack: 'funnel',
        barWidth: '64%',
        data: counts.map((n, i) => ({
          value: n,
          itemStyle: { color: color(i) },
          // the count sits in the bar when it has room, else beside it (a thin bar's text would
          // spill onto the neighbouring colours)
          label:
            n / max >= 0.34
              ? { position: 'inside', formatter: formatNumber(n, ctx.lang), color: inkOn(color(i), ctx.pal) }
              : { position: 'right', formatter: formatNumber(n, ctx.lang), color: ctx.pal.text },
        })),
        label: { show: true, fontSize: LABEL_U * ctx.u, fontWeight: 'bold' },
      },
    ],
  };
}

type Bands = Snapshot['structure']['bands'];

export interface BandShare {
  band: string;
  count: number;
  /** of the dimension's own total (an organization may report some dimensions only) */
  share: number;
}

/** each dimension's bands as shares of that dimension's total; null when nobody reported it */
export function bandShares(bands: Bands, dim: StructureDimension): BandShare[] | null {
  const keys = STRUCTURE_BANDS[dim] as readonly string[];
  const counts = keys.map((k) => (bands[dim] as Record<string, number> | undefined)?.[k] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return keys.map((band, i) => ({ band, count: counts[i]!, share: counts[i]! / total }));
}

/** rough width of a label in design px: CJK one em, Latin and digits ~0.6 em */
export function textWidthU(text: string, fontU: number): number {
  let em = 0;
  for (const ch of text) em += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return em * fontU;
}

const SEGMENT_PAD_U = 8;
const LABEL_GAP_U = 8;
const STRUCTURE_BAR_U = 26;

/**
 * A segment's two labels: the share inside when it fits, and the band's name above the bar
 * (with the share too when the segment is too narrow to hold it).
 */
export function segmentLabels(name: string, pct: string, widthU: number): { inside: string; above: string } {
  const fits = textWidthU(pct, LABEL_U) + SEGMENT_PAD_U <= widthU;
  return { inside: fits ? pct : '', above: fits ? name : `${name} ${pct}` };
}

export interface Segment {
  name: string;
  /** 0…1 of the bar */
  share: number;
}

/**
 * The labels of one bar, left to right, so that no two names above it overlap: where one would
 * run into its left neighbour, that neighbour keeps its share and drops its name, then this one
 * does; last the narrower segment's label is left out (it keeps its colour and inside share).
 */
export function rowLabels(segments: Segment[], plotU: number): { inside: string; above: string }[] {
  const out = segments.map((s) => segmentLabels(s.name, `${Math.round(s.share * 100)}%`, s.share * plotU));
  const pct = (i: number) => `${Math.round(segments[i]!.share * 100)}%`;
  const centres: number[] = [];
  let at = 0;
  for (const s of segments) {
    centres.push((at + s.share / 2) * plotU);
    at += s.share;
  }
  const right = (i: number) => centres[i]! + textWidthU(out[i]!.above, LABEL_U) / 2;
  const left = (i: number) => centres[i]! - textWidthU(out[i]!.above, LABEL_U) / 2;
  const shown: number[] = [];
  const share = (i: number) => segments[i]!.share;
  for (let i = 0; i < out.length; i++) {
    if (out[i]!.above === '') continue;
    for (;;) {
      const prev = shown.length > 0 ? shown[shown.length - 1]! : -1;
      if (prev < 0 || left(i) >= right(prev) + LABEL_GAP_U) break;
      if (out[prev]!.inside === '' && out[prev]!.above !== pct(prev)) out[prev]!.above = pct(prev);
      else if (out[i]!.inside === '' && out[i]!.above !== pct(i)) out[i]!.above = pct(i);
      else if (share(i) > share(prev)) {
        out[prev]!.above = '';
        shown.pop();
      } else {
        out[i]!.above = '';
        break;
      }
    }
    if (out[i]!.above !== '') shown.push(i);
  }
  return out;
}

/**
 * 100 % stacked bars, one per dimension (性别, 年龄, 学历, 党龄), in `columns` side-by-side grids
 * (2 on a wide panel). `widthU` is the chart's width in design px: it decides which segments can
 * hold their share. Each band's name sits above its segment: a second, transparent stack laid over
 * the first (barGap −100 %) carries those labels. A dimension nobody reported reads 暂无数据.
 */
export function structureOption(
  structure: Snapshot['structure'],
  ctx: ChartCtx,
  widthU: number,
  columns: 1 | 2 = 1,
): ECOption {
  const perCol = Math.ceil(STRUCTURE_DIMENSIONS.length / columns);
  const colGapU = 32;
  const colW = (widthU - colGapU * (columns - 1)) / columns;
  // the dimension names' column: as wide as the longest name in this language
  const axisU = Math.max(...STRUCTURE_DIMENSIONS.map((d) => textWidthU(STRUCTURE_LABELS[d][ctx.lang], LABEL_U))) + 14;
  const plotU = Math.max(40, colW - axisU - 16);
  const ramp = ctx.pal.ramp;
  const bandColors = [ramp[ramp.length - 1]!, ramp[ramp.length - 3]!, ramp[ramp.length - 5]!, ramp[ramp.length - 7]!];
  const maxBands = Math.max(...STRUCTURE_DIMENSIONS.map((d) => STRUCTURE_BANDS[d].length));
  const grid = [];
  const xAxis = [];
  const yAxis = [];
  const series: NonNullable<ECOption['series']> = [];
  const bar = (c: number, stack: string) => ({
    type: 'bar' as const,
    stack: `${stack}${c}`,
    xAxisIndex: c,
    yAxisIndex: c,
    barWidth: STRUCTURE_BAR_U * ctx.u,
    barGap: '-100%',
    silent: true,
  });
  for (let c = 0; c < columns; c++) {
    const dims = STRUCTURE_DIMENSIONS.slice(c * perCol, (c + 1) * perCol);
    const shares = dims.map((d) => bandShares(structure.bands, d));
    const leftU = 8 + c * (colW + colGapU);
    // the top margin leaves the first row's names room above their bar
    grid.push({ left: leftU * ctx.u, width: (colW - 16) * ctx.u, top: 14 * ctx.u, bottom: 0, containLabel: true });
    xAxis.push({ type: 'value' as const, gridIndex: c, min: 0, max: 100, show: false });
    yAxis.push({
      type: 'category' as const,
      gridIndex: c,
      inverse: true,
      data: dims.map((d) => STRUCTURE_LABELS[d][ctx.lang]),
      axisLabel: {
        ...axisText(ctx),
        color: ctx.pal.text,
        interval: 0,
        width: (axisU - 6) * ctx.u,
        overflow: 'truncate' as const,
      },
      axisLine: { show: false },
      axisTick: { show: false },
    });
    const bandName = (band: string) => BAND_LABELS[band as keyof typeof BAND_LABELS][ctx.lang];
    const labels = shares.map((row) =>
      row
        ? rowLabels(
            row.map((cell) => ({ name: bandName(cell.band), share: cell.share })),
            plotU,
          )
        : undefined,
    );
    for (let b = 0; b < maxBands; b++) {
      series.push({
        ...bar(c, 'share'),
        itemStyle: { color: bandColors[b], borderColor: ctx.pal.background, borderWidth: 1 },
        label: {
          show: true,
          position: 'inside',
          fontSize: LABEL_U * ctx.u,
          fontWeight: 'bold',
          color: inkOn(bandColors[b]!, ctx.pal),
        },
        data: shares.map((row, i) => {
          const cell = row?.[b];
          return cell ? { value: cell.share * 100, label: { formatter: labels[i]![b]!.inside } } : '-';
        }),
      });
    }
    series.push({
      ...bar(c, 'share'),
      itemStyle: { color: ctx.pal.noData },
      label: {
        show: true,
        position: 'inside',
        fontSize: LABEL_U * ctx.u,
        color: ctx.pal.textDim,
        formatter: t(ctx.lang, 'noData'),
      },
      data: shares.map((row) => (row === null ? 100 : '-')),
    });
    for (let b = 0; b < maxBands; b++) {
      series.push({
        ...bar(c, 'name'),
        itemStyle: { color: 'transparent' },
        label: { show: true, position: 'top', distance: 3 * ctx.u, fontSize: LABEL_U * ctx.u, color: ctx.pal.textDim },
        data: shares.map((row, i) => {
          const cell = row?.[b];
          return cell ? { value: cell.share * 100, label: { formatter: labels[i]![b]!.above } } : '-';
        }),
      });
    }
  }
  return { ...base(ctx), grid, xAxis, yAxis, series };
}
