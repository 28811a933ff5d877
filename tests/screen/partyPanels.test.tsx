// @vitest-environment happy-dom
// The party affairs panels rendered (EChart stubbed: happy-dom has no canvas): the figures carry
// data-kpi/data-value like the KPI grid, the charts get an option only when there is data, and
// an empty panel says why.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import type { Snapshot } from '../../server/contract/index.ts';
import type { ChartCtx } from '../../screen/src/charts/options.ts';
import { PALETTES } from '../../screen/src/palette.ts';
import { computeLayout } from '../../screen/src/pages/wall/layout.ts';
import { fixture } from './helpers.ts';

const painted = vi.hoisted(() => new Map<string, unknown>());
vi.mock('../../screen/src/charts/EChart.tsx', () => ({
  EChart: ({ name, option }: { name: string; option: { series?: unknown[] } }) => {
    painted.set(name, option);
    return <div data-echart={name} data-series={option.series?.length ?? 0} />;
  },
}));

const { DevelopmentPanel, DuesPanel, PartyPanels, StructurePanel } =
  await import('../../screen/src/panels/PartyPanels.tsx');
const { kpiParts } = await import('../../screen/src/panels/KpiFigure.tsx');
const { formatYuan } = await import('../../screen/src/format.ts');

afterEach(() => {
  cleanup();
  painted.clear();
});

const RECT = { x: 0, y: 0, w: 470, h: 279 };
const zh: ChartCtx = { lang: 'zh', pal: PALETTES['party-red'], u: 1 };
const en: ChartCtx = { ...zh, lang: 'en' };

const kpiOf = (c: HTMLElement) =>
  Object.fromEntries(
    [...c.querySelectorAll('[data-kpi]')].map((e) => [e.getAttribute('data-kpi'), e.getAttribute('data-value')]),
  );
const series = (c: HTMLElement, name: string) =>
  Number(c.querySelector(`[data-echart="${name}"]`)!.getAttribute('data-series'));
const emptyText = (c: HTMLElement) => c.querySelector('[data-empty]')?.textContent ?? null;

describe('the 党费 panel', () => {
  it('shows this month’s rate, amount and payers with their raw values, and the ranking', () => {
    const snap = fixture();
    const { container } = render(<DuesPanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    expect(kpiOf(container)).toEqual({
      duesRateMonth: String(snap.kpi.duesRateMonth),
      duesAmountMonth: String(snap.kpi.duesAmountMonth),
      duesPaidMonth: String(snap.kpi.duesPaidMonth),
    });
    const rate = container.querySelector('[data-kpi="duesRateMonth"]')!;
    expect(rate.querySelector('.pfig-digits')!.textContent).toBe('92.7');
    expect(rate.textContent).toContain('%');
    expect(container.querySelector('[data-kpi="duesAmountMonth"]')!.textContent).toContain('699.1万元');
    expect(series(container, 'dues')).toBe(1);
    expect(emptyText(container)).toBeNull();
  });

  it('with no members: 暂无数据 for the rate (never 0 % or NaN), and says why the ranking is empty', () => {
    const snap = fixture();
    snap.kpi = { ...snap.kpi, duesRateMonth: null, duesPaidMonth: 0, duesAmountMonth: 0 };
    for (const c of Object.values(snap.children)) c.kpi.duesRateMonth = null;
    const { container } = render(<DuesPanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    const rate = container.querySelector('[data-kpi="duesRateMonth"]')!;
    expect(rate.getAttribute('data-value')).toBe('');
    expect(rate.textContent).toContain('暂无数据');
    expect(rate.textContent).not.toMatch(/%|NaN/);
    expect(emptyText(container)).toBe('暂无数据 · 本月尚无党费缴纳记录');
    expect(series(container, 'dues')).toBe(0);
  });

  it('payments in the region but no child region with a rate: says so', () => {
    const snap = fixture();
    for (const c of Object.values(snap.children)) c.kpi.duesRateMonth = null;
    const { container } = render(<DuesPanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    expect(emptyText(container)).toBe('暂无数据 · 下级区域尚无党费记录');
    const rate = container.querySelector('[data-kpi="duesRateMonth"]')!;
    expect(rate.getAttribute('data-value')).toBe(String(snap.kpi.duesRateMonth));
  });

  it('nobody paid yet this month: the rate is a true 0.0 %, the ranking says why it is empty', () => {
    const snap = fixture();
    snap.kpi = { ...snap.kpi, duesRateMonth: 0, duesPaidMonth: 0, duesAmountMonth: 0 };
    for (const c of Object.values(snap.children)) c.kpi = { ...c.kpi, duesRateMonth: 0, duesPaidMonth: 0 };
    const { container } = render(<DuesPanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    expect(container.querySelector('[data-kpi="duesRateMonth"]')!.getAttribute('data-value')).toBe('0');
    expect(emptyText(container)).toBe('暂无数据 · 本月尚无党费缴纳记录');
    expect(series(container, 'dues')).toBe(0);
  });

  it('before the first snapshot every figure says no data (in English with lang=en)', () => {
    const { container } = render(<DuesPanel snap={null} rect={RECT} ctx={en} replaceKey="k" />);
    for (const el of container.querySelectorAll('[data-kpi]')) {
      expect(el.getAttribute('data-value')).toBe('');
      expect(el.textContent).toContain('no data');
    }
    expect(container.textContent).toContain('Party dues');
  });
});

describe('the 发展党员 panel', () => {
  it('the funnel with the dropped aside, overdue probation in red, this year’s new members', () => {
    const snap = fixture();
    const { container } = render(<DevelopmentPanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    expect(kpiOf(container)).toEqual({
      developmentOpen: '7890',
      probationOverdue: '22',
      newProbationaryYear: '1325',
      newFullYear: '1219',
    });
    expect(container.querySelector('[data-kpi="probationOverdue"]')!.className).toContain('pfig-alert');
    const graphic = (painted.get('development') as { graphic: { style: { text: string } }[] }).graphic;
    expect(graphic[0]!.style.text).toBe('已终止 187');
    expect(series(container, 'development')).toBe(2);
  });

  it('no overdue is not red; no cases at all says why', () => {
    const snap = fixture();
    snap.kpi = { ...snap.kpi, probationOverdue: 0, developmentOpen: 0 };
    const stages = { applicant: 0, activist: 0, candidate: 0, probationary: 0, full: 0, dropped: 0 };
    snap.development = { stages, probationOverdue: 0 };
    const { container } = render(<DevelopmentPanel snap={snap} rect={RECT} ctx={en} replaceKey="k" />);
    expect(container.querySelector('[data-kpi="probationOverdue"]')!.className).not.toContain('pfig-alert');
    expect(emptyText(container)).toBe('no data · no development cases');
  });
});

describe('the 党员结构 panel', () => {
  it('shows the bands and the base of the shares (orgs reporting, their members)', () => {
    const snap = fixture();
    const { container } = render(<StructurePanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    const base = container.querySelector('[data-structure-members]')!;
    expect(base.getAttribute('data-structure-orgs')).toBe('8312');
    expect(base.textContent).toBe('8,312 个组织报送 · 171,480 名党员');
    expect(series(container, 'structure')).toBeGreaterThan(0);
    expect(emptyText(container)).toBeNull();
  });

  it.each([
    ['the 16:9 slot: four rows', { x: 0, y: 0, w: 470, h: 279 }, 1],
    ['short and wide (7680×2160 zone): two columns', { x: 0, y: 0, w: 949, h: 223 }, 2],
    ['very wide (5760×1080 zone): two columns', { x: 0, y: 0, w: 1898, h: 223 }, 2],
  ])('%s', (_, rect, grids) => {
    render(<StructurePanel snap={fixture()} rect={rect} ctx={zh} replaceKey="k" />);
    expect((painted.get('structure') as { grid: unknown[] }).grid).toHaveLength(grids);
  });

  it('says 暂无数据 when no organization reports structure', () => {
    const snap: Snapshot = fixture();
    snap.structure = {
      orgs: 0,
      members: 0,
      bands: {
        gender: { male: 0, female: 0 },
        age: { le30: 0, '31to45': 0, '46to60': 0, gt60: 0 },
        education: { postgraduate: 0, bachelor: 0, college: 0, secondary: 0 },
        tenure: { lt5: 0, '5to20': 0, gt20: 0 },
      },
    };
    const { container } = render(<StructurePanel snap={snap} rect={RECT} ctx={zh} replaceKey="k" />);
    expect(emptyText(container)).toBe('暂无数据 · 尚无党组织报送党员结构');
    expect(container.querySelector('[data-structure-members]')).toBeNull();
    expect(container.textContent).not.toMatch(/NaN|0%/);
  });
});

describe('the panels on the wall', () => {
  it.each([
    [1920, 1080, 4],
    [5760, 1080, 0],
  ])('%i×%i: all three panels mounted, every new KPI once; pager dots for %i pages', (w, h, dots) => {
    const layout = computeLayout(w, h);
    const ctx = { ...zh, u: layout.u };
    const page = layout.pages[0] ?? null;
    const { container } = render(<PartyPanels snap={fixture()} layout={layout} ctx={ctx} replaceKey="k" page={page} />);
    const panels = [...container.querySelectorAll('[data-panel]')].map((e) => e.getAttribute('data-panel'));
    expect(panels).toEqual(['dues', 'development', 'structure']);
    const names = [...container.querySelectorAll('[data-kpi]')].map((e) => e.getAttribute('data-kpi'));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(7);
    expect(container.querySelectorAll('.pager-dot')).toHaveLength(dots);
    if (dots) expect(container.querySelector('.pager-dot-on')).toBe(container.querySelector('.pager-dot'));
  });
});

describe('KPI figure text', () => {
  it.each([
    ['duesAmountMonth', 6_991_235.6, 'zh', '699.1', '万元'],
    ['duesAmountMonth', 123_456_789, 'zh', '1.23', '亿元'],
    ['duesAmountMonth', 9_876, 'zh', '9,876', '元'],
    ['duesAmountMonth', 6_991_235.6, 'en', '¥6.99', 'M'],
    ['duesAmountMonth', 45_600, 'en', '¥45.6', 'k'],
    ['duesAmountMonth', 0, 'en', '¥0', ''],
    ['duesRateMonth', 0.92746, 'zh', '92.7', '%'],
    ['duesRateMonth', 0, 'zh', '0.0', '%'],
    ['newFullYear', 1219, 'en', '1,219', ''],
  ] as const)('%s %s (%s) → %s %s', (name, value, lang, text, unit) => {
    expect(kpiParts(name, value, lang)).toEqual({ text, unit });
  });

  it('formatYuan never prints NaN for a finite amount', () => {
    for (const v of [0, 0.4, 9_999.5, 10_000, 99_999_999]) expect(formatYuan(v, 'zh').text).not.toMatch(/NaN/);
  });
});
