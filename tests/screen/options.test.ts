import { describe, expect, it } from 'vitest';
import { rankingOption, type ChartCtx } from '../../screen/src/charts/options.ts';
import { destinations } from '../../screen/src/charts/orgOptions.ts';
import { PALETTES } from '../../screen/src/palette.ts';
import { fixture } from './helpers.ts';

const ctx: ChartCtx = { lang: 'zh', pal: PALETTES['party-red'], u: 1 };

describe('chart options', () => {
  it('ranks child regions by study rate, best on top, no-data last, no animation', () => {
    const kids = fixture().children;
    kids['610113']!.kpi.studyRateToday = null;
    const opt = rankingOption(Object.values(kids), ctx, 20) as {
      animation: boolean;
      yAxis: { data: string[] }[];
      series: { data: (number | string)[] }[];
    };
    expect(opt.animation).toBe(false);
    const names = opt.yAxis[0]!.data; // bottom to top
    const values = opt.series[0]!.data;
    expect(names[names.length - 1]).toBe('灞桥区');
    expect(names[0]).toBe('雁塔区');
    expect(values[0]).toBe('-');
    const nums = values.slice(1) as number[];
    expect([...nums].sort((a, b) => a - b)).toEqual(nums);
  });

  it('puts the ranking values on a right-hand axis (its width reserved in the grid), not over the bars', () => {
    const kids = fixture().children;
    kids['610113']!.kpi.studyRateToday = null;
    kids['610111']!.kpi.studyRateToday = 1;
    const opt = rankingOption(Object.values(kids), ctx, 20) as {
      grid: { containLabel: boolean };
      yAxis: { position?: string; data: string[] }[];
      series: { data: (number | string)[]; label?: { show?: boolean } }[];
    };
    expect(opt.grid.containLabel).toBe(true);
    const [names, values] = opt.yAxis;
    expect(values!.position).toBe('right');
    expect(values!.data).toHaveLength(names!.data.length);
    expect(values!.data[0]).toBe('暂无数据');
    expect(values!.data.at(-1)).toBe('100.0%');
    expect(values!.data.slice(1).every((v) => /^\d{1,3}\.\d%$/.test(v))).toBe(true);
    expect(opt.series[0]!.label?.show).not.toBe(true);
  });

  it('sums floating members by destination province, largest first', () => {
    const flows = {
      a: { from: '610113', fromPoint: [0, 0], to: '440000', toName: '广东省', toPoint: [0, 0], members: 10 },
      b: { from: '610102', fromPoint: [0, 0], to: '440000', toName: '广东省', toPoint: [0, 0], members: 7 },
      c: { from: '610102', fromPoint: [0, 0], to: '310000', toName: '上海市', toPoint: [0, 0], members: 12 },
    } as const;
    expect(destinations(structuredClone(flows) as never)).toEqual([
      { name: '广东省', members: 17 },
      { name: '上海市', members: 12 },
    ]);
  });
});
