// Pure ECharts option builders for the organisation-life panels (三会一课, transfers, points,
// floating members).
import type { Snapshot } from '../../../server/contract/index.ts';
import { MEETING_KINDS, TRANSFER_STAGES } from '../../../server/contract/events.ts';
import type { ECOption } from './echarts.ts';
import { MEETING_LABELS, STAGE_LABELS } from '../i18n.ts';
import { axisText, base, LABEL_U, type ChartCtx } from './options.ts';

export function meetingsOption(meetings: Snapshot['meetings'], ctx: ChartCtx): ECOption {
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 40 * ctx.u, top: 4 * ctx.u, bottom: 4 * ctx.u, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: MEETING_KINDS.map((k) => MEETING_LABELS[k][ctx.lang]),
      axisLabel: { ...axisText(ctx), color: ctx.pal.text },
      axisLine: { show: false },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        data: MEETING_KINDS.map((k) => meetings.byKind[k] ?? 0),
        barWidth: '55%',
        itemStyle: { color: ctx.pal.accent2 },
        label: { show: true, position: 'right', color: ctx.pal.text, fontSize: LABEL_U * ctx.u },
      },
    ],
  };
}

export function transfersOption(stages: Snapshot['transfers']['stages'], ctx: ChartCtx): ECOption {
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 8 * ctx.u, top: 26 * ctx.u, bottom: 4 * ctx.u, containLabel: true },
    xAxis: {
      type: 'category',
      data: TRANSFER_STAGES.map((s) => STAGE_LABELS[s][ctx.lang]),
      // every stage is named (interval 0), never hidden as overlapping
      axisLabel: { ...axisText(ctx), color: ctx.pal.text, interval: 0 },
      axisLine: { lineStyle: { color: ctx.pal.grid } },
      axisTick: { show: false },
    },
    yAxis: { type: 'value', show: false },
    series: [
      {
        type: 'bar',
        barWidth: '56%',
        data: TRANSFER_STAGES.map((s) => ({ value: stages[s] ?? 0, itemStyle: { color: ctx.pal.stage[s] } })),
        label: { show: true, position: 'top', color: ctx.pal.text, fontSize: 20 * ctx.u, fontWeight: 'bold' },
      },
    ],
  };
}

/** A ranked horizontal bar list, largest on top (leaderboard, floating destinations). */
function rankedBars(
  names: string[],
  values: number[],
  ctx: ChartCtx,
  colors: { bar: string; label: string },
  nameWidth?: number,
): ECOption {
  const axisLabel =
    nameWidth === undefined
      ? { ...axisText(ctx), color: ctx.pal.text }
      : { ...axisText(ctx), color: ctx.pal.text, width: nameWidth, overflow: 'truncate' as const };
  return {
    ...base(ctx),
    grid: { left: 8 * ctx.u, right: 56 * ctx.u, top: 4 * ctx.u, bottom: 4 * ctx.u, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', data: names, axisLabel, axisLine: { show: false }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        data: values,
        barWidth: '56%',
        itemStyle: { color: colors.bar },
        label: { show: true, position: 'right', color: colors.label, fontSize: LABEL_U * ctx.u },
      },
    ],
  };
}

export function leaderboardOption(rows: Snapshot['leaderboard'], ctx: ChartCtx, maxRows: number): ECOption {
  const top = rows.slice(0, maxRows).reverse();
  return rankedBars(
    top.map((r) => r.name),
    top.map((r) => r.points),
    ctx,
    { bar: ctx.pal.highlight, label: ctx.pal.accent2 },
    250 * ctx.u,
  );
}

/** floating members by destination province, largest first */
export function destinations(flows: Snapshot['floating']['flows']): { name: string; members: number }[] {
  const by = new Map<string, { name: string; members: number }>();
  for (const f of Object.values(flows)) {
    const row = by.get(f.to) ?? { name: f.toName, members: 0 };
    row.members += f.members;
    by.set(f.to, row);
  }
  return [...by.values()].sort((a, b) => b.members - a.members);
}

export function floatingOption(rows: { name: string; members: number }[], ctx: ChartCtx, maxRows: number): ECOption {
  const top = rows.slice(0, maxRows).reverse();
  return rankedBars(
    top.map((r) => r.name),
    top.map((r) => r.members),
    ctx,
    { bar: ctx.pal.accent, label: ctx.pal.text },
  );
}
