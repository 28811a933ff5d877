// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { EMPTY_ALERT_PANEL } from '../../server/contract/index.ts';
import { AlertPanel } from '../../screen/src/panels/AlertPanel.tsx';
import { manyAlerting, sampleAlerting, stormAlerting } from '../fixtures/screen/alerting.ts';

const NOW = Date.UTC(2025, 5, 3, 6, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const rows = (c: HTMLElement) => [...c.querySelectorAll<HTMLElement>('[data-alert]')];

describe('AlertPanel', () => {
  it.each([
    ['zh', '预警评估中'],
    ['en', 'awaiting evaluation'],
  ] as const)('before the first evaluation claims no all-clear (%s)', (lang, text) => {
    const { container } = render(<AlertPanel panel={EMPTY_ALERT_PANEL} lang={lang} vertical={false} />);
    expect(container.textContent).toContain(text);
    expect(container.textContent).not.toMatch(/暂无预警|no alerts|正常|normal/);
    const root = container.querySelector('[data-alerts]')!;
    expect(root.getAttribute('data-alerts')).toBe('0');
    expect(root.getAttribute('data-evaluated')).toBe('false');
  });

  it('a snapshot without `alerting` (an older server) reads as not evaluated', () => {
    const { container } = render(<AlertPanel panel={undefined} lang="zh" vertical={false} />);
    expect(container.textContent).toContain('预警评估中');
  });

  it.each([
    ['zh', '暂无预警'],
    ['en', 'no alerts'],
  ] as const)('evaluated with nothing firing is all clear (%s)', (lang, text) => {
    const panel = { ...EMPTY_ALERT_PANEL, evaluatedAt: NOW - 1000 };
    const { container } = render(<AlertPanel panel={panel} lang={lang} vertical={false} />);
    expect(container.textContent).toContain(text);
    expect(container.querySelector('[data-alerts]')!.getAttribute('data-evaluated')).toBe('true');
  });

  it('highlights an unacknowledged red alert, with its age on the wall clock (zh)', () => {
    const { container } = render(<AlertPanel panel={sampleAlerting(NOW)} lang="zh" vertical />);
    const red = container.querySelector<HTMLElement>('[data-alert="transfers-overdue:610113"]')!;
    expect(red.getAttribute('data-severity')).toBe('red');
    expect(red.className).toContain('al-hot');
    expect(red.hasAttribute('data-acked')).toBe(false);
    expect(red.textContent).toContain('红');
    expect(red.textContent).toContain('雁塔区 6 件组织关系转接超期');
    expect(red.textContent).toContain('已持续 2 小时');
    expect(container.querySelector('.alerts-head')!.textContent).toBe('预警 3');
    expect(container.querySelector('[data-alerts]')!.getAttribute('data-alerts')).toBe('3');
  });

  it('the age follows the clock', () => {
    const { container } = render(<AlertPanel panel={sampleAlerting(NOW)} lang="en" vertical />);
    const acked = () => container.querySelector('[data-alert="study-rate-low:610102"] .al-age')!.textContent;
    expect(acked()).toBe('for 15 min');
    act(() => vi.advanceTimersByTime(60 * 60_000));
    expect(acked()).toBe('for 1 h');
  });

  it.each([
    ['zh', '已处置 · 张三'],
    ['en', 'acked by 张三'],
  ] as const)('an acknowledged alert is muted and says who (%s)', (lang, text) => {
    const { container } = render(<AlertPanel panel={sampleAlerting(NOW)} lang={lang} vertical={false} />);
    const acked = container.querySelector<HTMLElement>('[data-acked="张三"]')!;
    expect(acked.getAttribute('data-alert')).toBe('study-rate-low:610102');
    expect(acked.getAttribute('data-severity')).toBe('orange');
    expect(acked.className).toContain('al-acked');
    expect(acked.className).not.toContain('al-hot');
    expect(acked.textContent).toContain(text);
  });

  it.each([
    ['zh', '数据暂缺', '周至县 党员信息系统 40 分钟无数据'],
    ['en', 'no data', '周至县: roster system silent for 40 min'],
  ] as const)('a no-data alert is shown as such, without an age (%s)', (lang, tag, message) => {
    const { container } = render(<AlertPanel panel={sampleAlerting(NOW)} lang={lang} vertical />);
    const nodata = container.querySelector<HTMLElement>('[data-alert="source-silent:610124:roster"]')!;
    expect(nodata.getAttribute('data-state')).toBe('nodata');
    expect(nodata.className).toContain('al-nodata');
    expect(nodata.className).not.toContain('al-hot');
    expect(nodata.querySelector('.al-tag-nodata')!.textContent).toBe(tag);
    expect(nodata.textContent).toContain(message);
    expect(nodata.querySelector('.al-age')).toBeNull();
    expect(nodata.textContent).not.toMatch(/null|undefined|NaN/);
  });

  it('the strip shows two, the column four, and says how many more', () => {
    const strip = render(<AlertPanel panel={manyAlerting(NOW)} lang="zh" vertical={false} />).container;
    expect(rows(strip).map((r) => r.getAttribute('data-alert'))).toEqual([
      'transfers-overdue:610113',
      'study-rate-low:610102',
    ]);
    expect(strip.querySelector('[data-alerts-more]')!.textContent).toBe('另有 4 条');
    expect(strip.querySelector('[data-alerts]')!.getAttribute('data-alerts')).toBe('6');
    cleanup();
    const column = render(<AlertPanel panel={manyAlerting(NOW)} lang="en" vertical />).container;
    expect(rows(column)).toHaveLength(4);
    expect(column.querySelector('[data-alerts-more]')!.textContent).toBe('+2 more');
  });

  it('all of them fit: no overflow line', () => {
    const { container } = render(<AlertPanel panel={sampleAlerting(NOW)} lang="zh" vertical />);
    expect(rows(container)).toHaveLength(3);
    expect(container.querySelector('[data-alerts-more]')).toBeNull();
  });

  it('storm mode: the count, then one line per region with its worst severity and counts (zh)', () => {
    const { container } = render(<AlertPanel panel={stormAlerting(NOW)} lang="zh" vertical />);
    expect(container.querySelector('.alerts-head')!.textContent).toBe('预警风暴：28 条');
    expect(container.querySelector('[data-alerts]')!.getAttribute('data-storm')).toBe('true');
    const lines = [...container.querySelectorAll<HTMLElement>('[data-alert-summary]')];
    expect(lines).toHaveLength(4);
    expect(lines[0]!.getAttribute('data-severity')).toBe('red');
    expect(lines[0]!.textContent).toBe('红雁塔区 12 条红 4橙 5黄 3');
    expect(lines[2]!.getAttribute('data-severity')).toBe('yellow');
    // a severity with no alerts is left out
    expect(lines[2]!.querySelectorAll('[data-count]')).toHaveLength(1);
    expect(container.querySelector('[data-alerts-more]')!.textContent).toBe('另有 1 个地区');
    expect(rows(container)).toHaveLength(0);
  });

  it('storm mode in English', () => {
    const { container } = render(<AlertPanel panel={stormAlerting(NOW)} lang="en" vertical={false} />);
    expect(container.querySelector('.alerts-head')!.textContent).toBe('Alert storm: 28');
    const lines = [...container.querySelectorAll<HTMLElement>('[data-alert-summary]')];
    expect(lines).toHaveLength(2);
    expect(lines[1]!.querySelector('.al-msg')!.textContent).toBe('新城区: 8');
    expect(lines[1]!.querySelector('.al-meta')!.textContent).toBe('Orange 6Yellow 2');
    expect(container.querySelector('[data-alerts-more]')!.textContent).toBe('+3 more regions');
  });
});
