// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { Ticker } from '../../screen/src/panels/Ticker.tsx';
import { KpiGrid, WALL_KPIS } from '../../screen/src/panels/KpiGrid.tsx';
import { fixture, item } from './helpers.ts';

afterEach(cleanup);

describe('Ticker', () => {
  it('shows masked names exactly as received, never anything else', () => {
    const items = [item('a', 3, '张*明'), item('b', 2, '欧阳**'), item('c', 1, null)];
    const { container } = render(<Ticker items={items} lang="zh" animateFrom={0} />);
    const who = [...container.querySelectorAll('[data-who]')].map((e) => e.textContent);
    expect(who).toEqual(['张*明', '欧阳**']);
    expect(container.querySelectorAll('[data-ticker-id]')).toHaveLength(3);
    expect(container.textContent).not.toMatch(/张三明|undefined|null/);
  });

  it('slides in only items newer than the snapshot', () => {
    const { container } = render(<Ticker items={[item('new', 200), item('old', 100)]} lang="zh" animateFrom={150} />);
    expect(container.querySelector('[data-ticker-id="new"]')?.className).toContain('tick-new');
    expect(container.querySelector('[data-ticker-id="old"]')?.className).not.toContain('tick-new');
  });

  it.each([
    ['zh', '发展党员 · 预备党员'],
    ['en', 'development · Probationary'],
  ] as const)('names a development stage change (%s)', (lang, text) => {
    const dev = {
      ...item('d', 5, '李*'),
      type: 'development.stage' as const,
      detail: { developmentStage: 'probationary' as const },
    };
    const { container } = render(<Ticker items={[dev]} lang={lang} animateFrom={0} />);
    expect(container.querySelector('.tick-what')?.textContent).toBe(text);
  });

  it('says why it is empty', () => {
    const { container } = render(<Ticker items={[]} lang="en" animateFrom={0} />);
    expect(container.textContent).toBe('no events yet');
  });
});

describe('KpiGrid', () => {
  it('carries the raw value in data-value and the contract name in data-kpi', () => {
    const kpi = fixture().kpi;
    const { container } = render(<KpiGrid kpi={kpi} lang="zh" grid={[2, 5]} />);
    for (const name of WALL_KPIS) {
      const el = container.querySelector(`[data-kpi="${name}"]`);
      expect(el, name).not.toBeNull();
      expect(el!.getAttribute('data-value')).toBe(String(kpi[name]));
    }
    const rate = container.querySelector('[data-kpi="studyRateToday"]')!;
    expect(rate.querySelector('.kpi-digits')!.textContent).toBe(
      (Math.round(kpi.studyRateToday! * 1000) / 10).toFixed(1),
    );
    expect(rate.textContent).toContain('%');
  });

  it('shows 暂无数据 for null rates, never 0 % or NaN', () => {
    const kpi = { ...fixture().kpi, examPassRateToday: null, studyRateToday: null };
    const { container } = render(<KpiGrid kpi={kpi} lang="zh" grid={[2, 5]} />);
    const el = container.querySelector('[data-kpi="examPassRateToday"]')!;
    expect(el.getAttribute('data-value')).toBe('');
    expect(el.textContent).toContain('暂无数据');
    expect(el.textContent).not.toMatch(/%|NaN|0\.0/);
  });

  it('before the first snapshot every card says no data', () => {
    const { container } = render(<KpiGrid kpi={null} lang="en" grid={[2, 5]} />);
    for (const el of container.querySelectorAll('[data-kpi]')) {
      expect(el.getAttribute('data-value')).toBe('');
      expect(el.textContent).toContain('no data');
    }
  });
});
