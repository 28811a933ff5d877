// The party affairs option builders (党费, 发展党员, 党员结构): what each bar and label says.
import { describe, expect, it } from 'vitest';
import type { ChildRegion, Snapshot } from '../../server/contract/index.ts';
import {
  bandShares,
  developmentOption,
  duesOption,
  duesRows,
  hasDevelopment,
  inkOn,
  rowLabels,
  segmentLabels,
  structureOption,
  textWidthU,
} from '../../screen/src/charts/partyOptions.ts';
import type { ChartCtx } from '../../screen/src/charts/options.ts';
import { PALETTES } from '../../screen/src/palette.ts';
import { fixture } from './helpers.ts';

const ctx: ChartCtx = { lang: 'zh', pal: PALETTES['party-red'], u: 1 };

interface Item {
  value: number | string;
  itemStyle?: { color: string };
  label?: { formatter: string; color?: string; position?: string };
}
interface Bars {
  animation: boolean;
  yAxis: { data: string[] } | { data: string[] }[];
  xAxis: { max: number } | { max: number }[];
  series: { stack?: string; data: (Item | string | number)[]; markLine?: { data: { xAxis: number }[] } }[];
}

function kid(code: string, name: string, rate: number | null): ChildRegion {
  const k = fixture().children['610102']!;
  return { ...k, code, name, kpi: { ...k.kpi, duesRateMonth: rate } };
}

describe('dues by child region', () => {
  const kids = [kid('1', '甲区', 0.95), kid('2', '乙区', null), kid('3', '丙区', 0.772), kid('4', '丁区', 0.88)];

  it.each([
    ['all rows', 10, ['丙区', '丁区', '甲区', '乙区']],
    ['a short panel keeps the lowest', 2, ['丙区', '丁区']],
  ])('%s: lowest first, no rate last', (_, rows, names) => {
    expect(duesRows(kids, rows).map((k) => k.name)).toEqual(names);
  });

  it('draws the 80 % line, the lagging regions red, no-data as text, never 0 %', () => {
    const opt = duesOption(kids, ctx, 10) as unknown as Bars;
    expect(opt.animation).toBe(false);
    const s = opt.series[0]!;
    expect(s.markLine!.data).toEqual([{ xAxis: 80 }]);
    // the category axis runs bottom to top: the lowest rate is the last item (on top)
    const [names, rates] = opt.yAxis as { data: (string | { value: string; textStyle: { color: string } })[] }[];
    expect(names!.data).toEqual(['乙区', '甲区', '丁区', '丙区']);
    expect(rates!.data).toEqual([
      { value: '暂无数据', textStyle: { color: ctx.pal.textDim } },
      { value: '95.0%', textStyle: { color: ctx.pal.text } },
      { value: '88.0%', textStyle: { color: ctx.pal.text } },
      { value: '77.2%', textStyle: { color: ctx.pal.alert } },
    ]);
    const [none, , mid, low] = s.data as Item[];
    expect(none).toBe('-');
    expect(low!.value).toBe(77.2);
    expect(low!.itemStyle!.color).toBe(ctx.pal.alert);
    expect(mid!.itemStyle!.color).toBe(ctx.pal.accent);
    expect((opt.xAxis as { max: number }).max).toBe(100);
  });

  it('a rate of exactly 80 % is not low', () => {
    const opt = duesOption([kid('1', '甲区', 0.8)], ctx, 5) as unknown as Bars;
    expect((opt.series[0]!.data[0] as Item).itemStyle!.color).toBe(ctx.pal.accent);
  });
});

describe('development funnel', () => {
  const stages: Snapshot['development']['stages'] = {
    applicant: 400,
    activist: 200,
    candidate: 50,
    probationary: 100,
    full: 300,
    dropped: 9,
  };

  it('centres each stage bar: the spacer is half the gap to the widest', () => {
    const opt = developmentOption(stages, ctx) as unknown as Bars;
    const [spacer, bars] = opt.series;
    expect(spacer!.stack).toBe(bars!.stack);
    expect(spacer!.data).toEqual([0, 100, 175, 150, 50]);
    expect((bars!.data as Item[]).map((d) => d.value)).toEqual([400, 200, 50, 100, 300]);
    expect((opt.yAxis as { data: string[] }).data).toEqual([
      '入党申请人',
      '入党积极分子',
      '发展对象',
      '预备党员',
      '正式党员',
    ]);
    expect((opt.xAxis as { max: number }).max).toBe(400);
  });

  it('counts sit inside wide bars and beside thin ones, grouped by the language', () => {
    const big = { ...stages, applicant: 12_345 };
    const items = (developmentOption(big, { ...ctx, lang: 'en' }) as unknown as Bars).series[1]!.data as Item[];
    expect(items[0]!.label).toMatchObject({ position: 'inside', formatter: '12,345' });
    expect(items[2]!.label).toMatchObject({ position: 'right', formatter: '50' });
  });

  it('an all-zero funnel has no max of 0 (no NaN widths) and counts as empty', () => {
    const zero = { applicant: 0, activist: 0, candidate: 0, probationary: 0, full: 0, dropped: 0 };
    const opt = developmentOption(zero, ctx) as unknown as Bars;
    expect((opt.xAxis as { max: number }).max).toBe(1);
    expect(opt.series[0]!.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(hasDevelopment(zero)).toBe(false);
    expect(hasDevelopment({ ...zero, dropped: 1 })).toBe(true);
  });
});

describe('member structure', () => {
  const structure = fixture().structure;

  it('shares are of each dimension’s own total', () => {
    const partial = structuredClone(structure);
    partial.bands.education = { postgraduate: 10, bachelor: 30, college: 0, secondary: 0 };
    expect(bandShares(partial.bands, 'education')!.map((b) => b.share)).toEqual([0.25, 0.75, 0, 0]);
    partial.bands.education = { postgraduate: 0, bachelor: 0, college: 0, secondary: 0 };
    expect(bandShares(partial.bands, 'education')).toBeNull();
  });

  it.each([
    ['wide enough for the share', '41%', 160, { inside: '41%', above: '本科' }],
    ['too narrow: the share goes above', '8%', 20, { inside: '', above: '研究生 8%' }],
  ])('%s', (_, pct, width, want) => {
    expect(segmentLabels(pct === '41%' ? '本科' : '研究生', pct, width)).toEqual(want);
  });

  const EDU_ZH = [
    ['研究生', 0.1],
    ['本科', 0.41],
    ['大专', 0.23],
    ['中专及以下', 0.26],
  ] as const;
  const EDU_EN = [
    ['Postgrad', 0.1],
    ['Bachelor', 0.41],
    ['College', 0.49],
  ] as const;
  const EDU_EN4 = [
    ['Postgrad', 0.1],
    ['Bachelor', 0.41],
    ['College', 0.23],
    ['Secondary', 0.26],
  ] as const;
  const SLIVERS = [
    ['A', 0.04],
    ['B', 0.04],
    ['C', 0.04],
    ['Rest', 0.88],
  ] as const;
  it.each([
    // zh at 16:9: every name fits above its segment
    ['names fit', EDU_ZH, 380, ['研究生 10%', '本科', '大专', '中专及以下']],
    // en: "Postgrad 10%" runs into "Bachelor": it keeps its share, drops its name
    ['a clash drops the neighbour’s name', EDU_EN, 330, ['10%', 'Bachelor', 'College']],
    // "Secondary" cannot move: the narrower "College" gives way (its share stays inside)
    ['the narrower segment gives way', EDU_EN4, 330, ['10%', 'Bachelor', '', 'Secondary']],
    // three slivers: the first gives up its name, the next two find no room and keep only
    // their colour; the wide segment keeps its name
    ['a clash with no way out hides a label', SLIVERS, 300, ['4%', '', '', 'Rest']],
  ] as const)('names above a bar never overlap: %s', (_, segs, plot, above) => {
    const segments = segs.map(([name, share]) => ({ name, share }));
    expect(rowLabels(segments, plot).map((l) => l.above)).toEqual(above);
  });

  it('estimates CJK at one em and digits at 0.6 em', () => {
    expect(textWidthU('本科', 18)).toBe(36);
    expect(textWidthU('41%', 10)).toBeCloseTo(18, 6);
  });

  it('one 100 % bar per dimension, names above, a dimension nobody reported reads 暂无数据', () => {
    const s = structuredClone(structure);
    s.bands.tenure = { lt5: 0, '5to20': 0, gt20: 0 };
    const opt = structureOption(s, ctx, 450) as unknown as Bars;
    expect((opt.yAxis as { data: string[] }[])[0]!.data).toEqual(['性别', '年龄', '学历', '党龄']);
    const share = opt.series.filter((x) => x.stack === 'share0');
    const names = opt.series.filter((x) => x.stack === 'name0');
    expect(share).toHaveLength(5); // four bands at most, and the no-data bar
    expect(names).toHaveLength(4);
    // per dimension the visible segments add up to 100 %
    for (let d = 0; d < 3; d++) {
      const value = (x: Bars['series'][number]) =>
        typeof x.data[d] === 'object' ? ((x.data[d] as Item).value as number) : 0;
      const sum = share.slice(0, 4).reduce((a, x) => a + value(x), 0);
      expect(sum).toBeCloseTo(100, 6);
    }
    expect(share[4]!.data).toEqual(['-', '-', '-', 100]);
    const male = names[0]!.data[0] as Item;
    expect(male.label!.formatter).toBe('男');
    expect((share[0]!.data[0] as Item).label!.formatter).toBe('68%');
    // gender has two bands: the third and fourth series have nothing for it
    expect(share[2]!.data[0]).toBe('-');
  });

  it('the funnel sets the dropped aside: a caption under it, empty (but there) at 0', () => {
    type WithGraphic = { graphic: { style: { text: string } }[] };
    const caption = (dropped: number) =>
      (developmentOption({ ...fixture().development.stages, dropped }, ctx) as unknown as WithGraphic).graphic[0]!.style
        .text;
    expect(caption(187)).toBe('已终止 187');
    expect(caption(0)).toBe('');
  });

  it('a wide panel puts two dimensions side by side in two grids', () => {
    const opt = structureOption(structure, ctx, 1880, 2) as unknown as { grid: unknown[]; yAxis: { data: string[] }[] };
    expect(opt.grid).toHaveLength(2);
    expect(opt.yAxis.map((y) => y.data)).toEqual([
      ['性别', '年龄'],
      ['学历', '党龄'],
    ]);
  });

  it('text on a bar: dark on the light ramp, light on the dark', () => {
    const pal = PALETTES['party-red'];
    expect(inkOn(pal.ramp[pal.ramp.length - 1]!, pal)).toBe(pal.background);
    expect(inkOn(pal.ramp[1]!, pal)).toBe(pal.text);
  });
});
