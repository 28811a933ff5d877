// The study charts laid out by ECharts itself (server-side SVG) in the chart boxes the wall
// gives them: where the labels and bars land is ECharts' answer, not the option builder's own
// arithmetic checked against itself.
import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import {
  dailyOption,
  hourlyOption,
  LABEL_U,
  rankingOption,
  type ChartCtx,
} from '../../../screen/src/charts/options.ts';
import type { ECOption } from '../../../screen/src/charts/echarts.ts';
import { computeLayout, type Rect } from '../../../screen/src/pages/wall/layout.ts';
import { chartBox } from '../../../screen/src/panels/ChartPanel.tsx';
import { PALETTES } from '../../../screen/src/palette.ts';
import { fixture } from '../helpers.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

interface Text {
  anchor: string;
  x: number;
  y: number;
  text: string;
}

function render(option: ECOption, w: number, h: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: w, height: h });
  chart.setOption(option as never);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function texts(svg: string): Text[] {
  const re = /<text[^>]*text-anchor="(\w+)"[^>]*transform="translate\(([-\d.]+) ([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(re)].map((m) => ({ anchor: m[1]!, x: +m[2]!, y: +m[3]!, text: m[4]! }));
}

/** right edges of the square-cornered rectangles: the bars' background tracks (a bar, rounded at
 * its end, is drawn with arcs; it never outruns its track, the axis ends at 100 %) */
function rectRights(svg: string): number[] {
  const re = /<path d="M([-\d.]+) [-\d.]+l([-\d.]+) 0l0 [-\d.]+l-[-\d.]+ 0Z"/g;
  return [...svg.matchAll(re)].map((m) => +m[1]! + +m[2]!);
}

const SIZES: [number, number][] = [
  [1920, 1080],
  [3840, 2160],
  [5760, 1080],
  [7680, 2160],
];

const boxes = SIZES.map(([w, h]) => {
  const l = computeLayout(w, h);
  const ctx: ChartCtx = { lang: 'zh', pal: PALETTES['party-red'], u: l.u };
  return { name: `${w}×${h}`, ctx, panels: l.panels as Record<string, Rect> };
});

describe.each(boxes)('$name', ({ ctx, panels }) => {
  const snap = fixture();

  it('ranking: every bar track ends before the value labels begin', () => {
    const { w, h } = chartBox(panels.ranking!, ctx.u);
    const svg = render(rankingOption(Object.values(snap.children), ctx, 10), w, h);
    const values = texts(svg).filter((t) => t.text.endsWith('%'));
    expect(values.length).toBeGreaterThan(0);
    const rights = rectRights(svg);
    expect(rights.length).toBe(values.length);
    const labelsLeft = Math.min(...values.map((v) => v.x));
    expect(Math.max(...rights)).toBeLessThan(labelsLeft);
    expect(values.every((v) => v.anchor === 'start')).toBe(true);
  });

  for (const chart of ['daily', 'hourly'] as const) {
    it(`${chart}: y labels a label height apart, in one unit`, () => {
      const { w, h } = chartBox(panels[chart]!, ctx.u);
      for (const scale of [1, 0.05, 3]) {
        const study = {
          ...snap.study,
          daily: snap.study.daily.map((d) => ({ ...d, learners: Math.round(d.learners * scale) })),
          hourlyToday: snap.study.hourlyToday.map((v) => Math.round(v * scale)),
          hourlyYesterday: snap.study.hourlyYesterday.map((v) => Math.round(v * scale)),
        };
        const option =
          chart === 'daily' ? dailyOption(study.daily, ctx, h) : hourlyOption(study, snap.asOf, snap.timeZone, ctx, h);
        const y = texts(render(option, w, h))
          .filter((t) => t.anchor === 'end')
          .sort((a, b) => a.y - b.y);
        expect(y.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < y.length; i++) {
          expect(y[i]!.y - y[i - 1]!.y, y.map((t) => t.text).join(' ')).toBeGreaterThanOrEqual(1.2 * LABEL_U * ctx.u);
        }
        const units = new Set(y.filter((t) => t.text !== '0').map((t) => t.text.replace(/[\d.]/g, '')));
        expect(units.size, y.map((t) => t.text).join(' ')).toBe(1);
      }
    });
  }
});
