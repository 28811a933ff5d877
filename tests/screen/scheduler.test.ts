import { describe, expect, it } from 'vitest';
import { cancelChart, pendingCharts, runPendingCharts, scheduleChart } from '../../screen/src/charts/scheduler.ts';

describe('chart scheduler', () => {
  it('paints the longest-waiting chart first, one per commit, latest option wins', () => {
    const done: string[] = [];
    const a = {};
    const b = {};
    const c = {};
    scheduleChart(a, () => done.push('a1'));
    scheduleChart(b, () => done.push('b1'));
    scheduleChart(c, () => done.push('c1'));
    scheduleChart(a, () => done.push('a2')); // a keeps its place in the queue, with the new option
    expect(pendingCharts()).toBe(3);
    expect(runPendingCharts(1)).toBe(1);
    expect(done).toEqual(['a2']);
    cancelChart(b);
    expect(runPendingCharts(5)).toBe(1);
    expect(done).toEqual(['a2', 'c1']);
    expect(runPendingCharts()).toBe(0);
    expect(pendingCharts()).toBe(0);
  });
});
