// @vitest-environment happy-dom
// The 16:9 paged slot's clock: first turn after half a period, then one per period, round the
// pages; a still wall (period 0) keeps the first page. The hook runs on an injected clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { msToNextTurn, pageAt, usePager } from '../../screen/src/panels/pager.ts';
import type { PanelId } from '../../screen/src/pages/wall/layout.ts';

const PERIOD_MS = 30_000;

describe('pageAt', () => {
  it.each([
    [0, 0],
    [14_999, 0],
    [15_000, 1],
    [44_999, 1],
    [45_000, 2],
    [75_000, 3],
    [105_000, 0],
    [135_000, 1],
  ])('%i ms after the start → page %i of 4', (elapsed, page) => {
    expect(pageAt(elapsed, PERIOD_MS, 4)).toBe(page);
  });

  it('a still wall or a single page never turns', () => {
    expect(pageAt(1e9, 0, 4)).toBe(0);
    expect(pageAt(1e9, PERIOD_MS, 1)).toBe(0);
    expect(msToNextTurn(5, 0, 4)).toBe(Infinity);
    expect(msToNextTurn(5, PERIOD_MS, 1)).toBe(Infinity);
  });

  it.each([
    [0, 15_000],
    [10_000, 5_000],
    [15_000, 30_000],
    [40_000, 5_000],
  ])('at %i ms the next turn is %i ms away', (elapsed, wait) => {
    expect(msToNextTurn(elapsed, PERIOD_MS, 4)).toBe(wait);
    expect(pageAt(elapsed + wait, PERIOD_MS, 4)).not.toBe(pageAt(elapsed, PERIOD_MS, 4));
  });
});

describe('usePager', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  const PAGES: PanelId[] = ['dues', 'development', 'structure', 'floating'];

  function Probe({ pages, periodS, now }: { pages: PanelId[]; periodS: number; now: () => number }) {
    return <span data-page={usePager(pages, periodS, now) ?? 'none'} />;
  }

  it('turns the pages on the clock it is given', () => {
    vi.useFakeTimers();
    let t = 1_000;
    const now = () => t;
    const { container } = render(<Probe pages={PAGES} periodS={30} now={now} />);
    const page = () => container.querySelector('span')!.getAttribute('data-page');
    expect(page()).toBe('dues');
    const advance = (ms: number) =>
      act(() => {
        t += ms;
        vi.advanceTimersByTime(ms);
      });
    advance(14_000);
    expect(page()).toBe('dues');
    advance(1_100);
    expect(page()).toBe('development');
    advance(30_000);
    expect(page()).toBe('structure');
    advance(60_000);
    expect(page()).toBe('dues');
  });

  it('no paged slot (ultra-wide) → null; period 0 → the first page for good', () => {
    vi.useFakeTimers();
    const now = () => 0;
    const a = render(<Probe pages={[]} periodS={30} now={now} />);
    expect(a.container.querySelector('span')!.getAttribute('data-page')).toBe('none');
    const b = render(<Probe pages={PAGES} periodS={0} now={now} />);
    act(() => void vi.advanceTimersByTime(600_000));
    expect(b.container.querySelector('span')!.getAttribute('data-page')).toBe('dues');
  });
});
