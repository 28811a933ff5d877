// @vitest-environment happy-dom
// A chart hidden in the paged slot paints once (the first frame needs it), then skips repaints
// until its panel is shown, when it paints what changed meanwhile (echarts stubbed: no canvas).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import type { ECOption } from '../../../screen/src/charts/echarts.ts';

const calls = vi.hoisted(() => [] as unknown[]);
vi.mock('../../../screen/src/charts/echarts.ts', () => ({
  echarts: {
    init: () => ({ setOption: (o: unknown) => calls.push(o), resize: () => {}, dispose: () => {} }),
  },
}));
vi.mock('../../../screen/src/charts/scheduler.ts', async (orig) => ({
  ...(await orig<object>()),
  scheduleChart: (_: unknown, f: () => void) => f(),
  cancelChart: () => {},
}));

const { EChart } = await import('../../../screen/src/charts/EChart.tsx');
const { PagedSlotContext } = await import('../../../screen/src/panels/pagedSlot.ts');

afterEach(() => {
  cleanup();
  calls.length = 0;
});

const opt = (n: number): ECOption => ({ animation: false, series: [{ type: 'bar', data: [n] }] });

function wall(page: string | null, option: ECOption, name = 'dues') {
  return (
    <PagedSlotContext.Provider value={{ page, pages: ['dues', 'development', 'floating'] }}>
      <EChart name={name} option={option} width={100} height={50} replaceKey="k" />
    </PagedSlotContext.Provider>
  );
}

describe('EChart in a paged slot', () => {
  it('paints first, skips while paged out, paints the change when shown', () => {
    const r = render(wall('development', opt(1)));
    expect(calls).toHaveLength(1);
    r.rerender(wall('development', opt(2)));
    r.rerender(wall('development', opt(3)));
    expect(calls).toHaveLength(1);
    r.rerender(wall('dues', opt(3)));
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual({ series: [{ type: 'bar', data: [3] }] });
  });

  it('keeps painting a panel that is on show, or not in the slot at all', () => {
    const r = render(wall('dues', opt(1)));
    r.rerender(wall('dues', opt(2)));
    expect(calls).toHaveLength(2);
    const s = render(wall('development', opt(1), 'leaderboard'));
    s.rerender(wall('development', opt(2), 'leaderboard'));
    expect(calls).toHaveLength(4);
  });
});
