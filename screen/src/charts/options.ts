// Pure ECharts option builders for the study panels (and the shared gauge): data in, option
// out. No animation (streaming data).
import type { ChildRegion, Snapshot } from '../../../server/contract/index.ts';
import type { ECOption } from './echarts.ts';
import { t } from '../i18n.ts';
import type { Lang } from '../params.ts';
import type { Palette } from '../palette.ts';
import { formatRate } from '../format.ts';
import { countAxis } from './valueAxis.ts';

export interface ChartCtx {
  lang: Lang;
  pal: Palette;
  /** design pixel */
  u: number;
}

/** the smallest label on the wall, in design px (WALL-DESIGN: ≥ 18 px at 1920×1080) */
export const LABEL_U = 18;

export const FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export function base(ctx: ChartCtx): ECOption {
  return {
    animation: false,
    textStyle: { fontFamily: FONT_STACK, color: ctx.pal.text, fontSize: 16 * ctx.u },
    grid: { left: 8 * ctx.u, right: 16 * ctx.u, top: 12 * ctx.u, bottom: 8 * ctx.u, containLabel: true },
  };
}

export const axisText = (ctx: ChartCtx, size = LABEL_U) => ({
  color: ctx.pal.textDim,
  fontSize: size * ctx.u,
  fontFamily: FONT_STACK,
});

/** the x-axis labels' band under a plot, in design px: a label line and ECharts' 8 px margin */
const X_LABELS_U = LABEL_U * 1.3 + 8;

/** the y axis of a count chart whose box is `heightPx` tall: as many labels as fit, one unit */
function countYAxis(dataMax: number, heightPx: number, grid: { top: number; bottom: number }, ctx: ChartCtx) {
  const plotPx = heightPx - grid.top - grid.bottom - X_LABELS_U * ctx.u;
  const { formatter, ...scale } = countAxis(dataMax, plotPx, LABEL_U * ctx.u, ctx.lang);
  return {
    type: 'value' as const,
    ...scale,
    axisLabel: { ...axisText(ctx), formatter },
    splitLine: { lineStyle: { color: ctx.pal.grid } },
  };
}

const numbers = (xs: readonly (number | string)[]) => xs.filter((x): x is number => typeof x === 'number');

const rateLabel = (rate: number | null, lang: Lang) =>
  rate === null ? t(lang, 'noData') : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;

/**
 * child regions by today's study rate, best on top; regions without members last. The values are
 * a second category axis on the right, not bar labels: containLabel reserves their width in the
 * grid, so the bars' tracks end before the widest value instead of running under it.
 */
export function rankingOption(children: ChildRegion[], ctx: ChartCtx, maxRows: number): ECOption {
  const rows = [...children]
    .sort((a, b) => (b.kpi.studyRateToday ?? -1) - (a.kpi.studyRateToday ?? -1))
    .slice(0, maxRows)
    .reverse();
  const category = {
    type: 'category' as const,
    axisLine: { show: false },
    axisTick: { show: false },
  };
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 8 * ctx.u, top: 4 * ctx.u, bottom: 4 * ctx.u, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, show: false },
    yAxis: [
      {
        ...category,
        data: rows.map((r) => r.name),
        axisLabel: { ...axisText(ctx), color: ctx.pal.text, interval: 0 },
      },
      {
        ...category,
        position: 'right',
        data: rows.map((r) => rateLabel(r.kpi.studyRateToday, ctx.lang)),
        axisLabel: { ...axisText(ctx), color: ctx.pal.text, interval: 0, margin: 10 * ctx.u },
      },
    ],
    series: [
      {
        type: 'bar',
        yAxisIndex: 0,
        data: rows.map((r) => (r.kpi.studyRateToday === null ? '-' : Math.round(r.kpi.studyRateToday * 1000) / 10)),
        barWidth: '58%',
        showBackground: true,
        backgroundStyle: { color: ctx.pal.grid },
        itemStyle: { color: ctx.pal.accent, borderRadius: [0, 3 * ctx.u, 3 * ctx.u, 0] },
      },
    ],
  };
}

function currentHour(asOf: number, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(asOf));
  return Number(h);
}

/** `heightPx`: the chart box's height, which bounds the y labels */
export function hourlyOption(
  study: Snapshot['study'],
  asOf: number,
  timeZone: string,
  ctx: ChartCtx,
  heightPx: number,
): ECOption {
  const hour = currentHour(asOf, timeZone);
  const today = study.hourlyToday.map((v, i) => (i <= hour ? v : '-'));
  const grid = { left: 8 * ctx.u, right: 16 * ctx.u, top: 34 * ctx.u, bottom: 4 * ctx.u, containLabel: true };
  const dataMax = Math.max(0, ...numbers(today), ...study.hourlyYesterday);
  return {
    ...base(ctx),
    grid,
    legend: {
      top: 0,
      right: 8 * ctx.u,
      itemWidth: 22 * ctx.u,
      itemHeight: 10 * ctx.u,
      textStyle: { color: ctx.pal.text, fontSize: LABEL_U * ctx.u },
      data: [t(ctx.lang, 'today'), t(ctx.lang, 'yesterday')],
    },
    xAxis: {
      type: 'category',
      data: Array.from({ length: 24 }, (_, i) => `${i}`),
      axisLabel: { ...axisText(ctx), interval: 5 },
      axisLine: { lineStyle: { color: ctx.pal.grid } },
      axisTick: { show: false },
    },
    yAxis: countYAxis(dataMax, heightPx, grid, ctx),
    series: [
      {
        name: t(ctx.lang, 'yesterday'),
        type: 'line',
        data: study.hourlyYesterday,
        symbol: 'none',
        lineStyle: { color: ctx.pal.series[1], width: 2 * ctx.u, type: 'dashed' },
        itemStyle: { color: ctx.pal.series[1] },
      },
      {
        name: t(ctx.lang, 'today'),
        type: 'line',
        data: today,
        symbol: 'none',
        lineStyle: { color: ctx.pal.series[0], width: 3 * ctx.u },
        itemStyle: { color: ctx.pal.series[0] },
        areaStyle: { color: ctx.pal.series[0], opacity: 0.15 },
      },
    ],
  };
}

/** `heightPx`: the chart box's height, which bounds the y labels (a 5760×1080 wall's is short) */
export function dailyOption(daily: Snapshot['study']['daily'], ctx: ChartCtx, heightPx: number): ECOption {
  const grid = { left: 8 * ctx.u, right: 16 * ctx.u, top: 12 * ctx.u, bottom: 8 * ctx.u, containLabel: true };
  const dataMax = Math.max(0, ...daily.map((d) => d.learners));
  return {
    ...base(ctx),
    grid,
    xAxis: {
      type: 'category',
      data: daily.map((d) => d.day.slice(5)),
      axisLabel: { ...axisText(ctx), interval: 6 },
      axisLine: { lineStyle: { color: ctx.pal.grid } },
      axisTick: { show: false },
    },
    yAxis: countYAxis(dataMax, heightPx, grid, ctx),
    series: [
      { type: 'bar', data: daily.map((d) => d.learners), barWidth: '60%', itemStyle: { color: ctx.pal.accent } },
    ],
  };
}

/** a ring gauge for a rate in 0…1 */
export function gaugeOption(rate: number, caption: string, ctx: ChartCtx, color?: string): ECOption {
  return {
    ...base(ctx),
    series: [
      {
        type: 'gauge',
        startAngle: 90,
        endAngle: -270,
        min: 0,
        max: 100,
        radius: '94%',
        center: ['50%', '52%'],
        pointer: { show: false },
        progress: { show: true, roundCap: true, width: 12 * ctx.u, itemStyle: { color: color ?? ctx.pal.accent } },
        axisLine: { lineStyle: { width: 12 * ctx.u, color: [[1, ctx.pal.grid]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        title: { show: true, offsetCenter: [0, '38%'], color: ctx.pal.textDim, fontSize: LABEL_U * ctx.u },
        detail: {
          valueAnimation: false,
          offsetCenter: [0, '-6%'],
          fontSize: 30 * ctx.u,
          fontWeight: 'bold',
          color: ctx.pal.text,
          formatter: (v: number) => `${v.toFixed(1)}%`,
        },
        data: [{ value: Number(formatRate(rate)), name: caption }],
      },
    ],
  };
}
