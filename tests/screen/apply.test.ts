import { describe, expect, it } from 'vitest';
import { initialState, isLive, mergeTicker, reduce, reduceAll, type WallState } from '../../screen/src/state/apply.ts';
import { TICKER_MAX_ITEMS } from '../../server/contract/snapshot.ts';
import { fixture, frame, item } from './helpers.ts';

function withSnapshot(seq = 10): WallState {
  const s = reduce(initialState('610100'), { kind: 'connected', at: 0 });
  return reduce(s, { kind: 'snapshot', msg: { seq, snapshot: fixture() }, at: 1000 });
}

describe('reduce', () => {
  it('applies a snapshot and takes its seq and ticker', () => {
    const s = withSnapshot(10);
    expect(s.seq).toBe(10);
    expect(s.snapshot?.kpi.members).toBe(fixture().kpi.members);
    expect(s.ticker.map((t) => t.id)).toEqual(fixture().ticker.map((t) => t.id));
    expect(s.lastDataAt).toBe(1000);
  });

  it('applies the next frame as a merge patch', () => {
    const s = reduce(withSnapshot(10), {
      kind: 'frame',
      frame: frame(11, { kpi: { onlineNow: 7 }, children: { '610113': { kpi: { learnersToday: 5 } } } }),
      at: 2000,
    });
    expect(s.seq).toBe(11);
    expect(s.snapshot?.kpi.onlineNow).toBe(7);
    expect(s.snapshot?.kpi.members).toBe(fixture().kpi.members);
    expect(s.snapshot?.children['610113']?.kpi.learnersToday).toBe(5);
    expect(s.snapshot?.children['610113']?.kpi.members).toBe(fixture().children['610113']!.kpi.members);
    expect(s.framesApplied).toBe(1);
    expect(s.lastDataAt).toBe(2000);
  });

  it('removes keys patched to null (a flow that ended)', () => {
    const key = Object.keys(fixture().transfers.flows)[0]!;
    const s = reduce(withSnapshot(10), {
      kind: 'frame',
      frame: frame(11, { transfers: { flows: { [key]: null } } }),
      at: 2000,
    });
    expect(s.snapshot?.transfers.flows[key]).toBeUndefined();
  });

  it('prepends new ticker items, newest first', () => {
    const s = reduce(withSnapshot(10), {
      kind: 'frame',
      frame: frame(11, {}, [item('n2', 9e12), item('n1', 9e12 - 1)]),
      at: 2000,
    });
    expect(s.ticker.slice(0, 2).map((t) => t.id)).toEqual(['n2', 'n1']);
    expect(s.snapshot?.ticker[0]?.id).toBe('n2');
  });

  it('flags a gap in seq for resync and does not apply the frame', () => {
    const before = withSnapshot(10);
    const s = reduce(before, { kind: 'frame', frame: frame(13, { kpi: { onlineNow: 1 } }), at: 2000 });
    expect(s.needsResync).toBe(true);
    expect(s.seq).toBe(10);
    expect(s.snapshot).toBe(before.snapshot);
    expect(s.lastDataAt).toBe(1000);
  });

  it('a fresh snapshot clears the resync flag', () => {
    const gap = reduce(withSnapshot(10), { kind: 'frame', frame: frame(13, {}), at: 2000 });
    const s = reduce(gap, { kind: 'snapshot', msg: { seq: 20, snapshot: fixture() }, at: 3000 });
    expect(s.needsResync).toBe(false);
    expect(s.seq).toBe(20);
  });

  it('ignores duplicate and old frames', () => {
    const s1 = reduce(withSnapshot(10), { kind: 'frame', frame: frame(11, { kpi: { onlineNow: 7 } }), at: 2000 });
    const s2 = reduce(s1, { kind: 'frame', frame: frame(11, { kpi: { onlineNow: 99 } }), at: 2100 });
    expect(s2).toBe(s1);
    expect(reduce(s1, { kind: 'frame', frame: frame(5, {}), at: 2100 })).toBe(s1);
  });

  it('ignores frames before any snapshot and frames of another region', () => {
    const empty = initialState('610100');
    expect(reduce(empty, { kind: 'frame', frame: frame(1, {}), at: 1 })).toBe(empty);
    const s = withSnapshot(10);
    expect(reduce(s, { kind: 'frame', frame: frame(11, { kpi: { onlineNow: 1 } }, [], '610113'), at: 2 })).toBe(s);
  });

  it('keeps the old picture while a drill-down waits for its snapshot, and ignores late snapshots of the old region', () => {
    const s = reduce(withSnapshot(10), { kind: 'region', region: '610113', at: 5000 });
    expect(s.snapshot?.region.code).toBe('610100');
    const late = reduce(s, { kind: 'snapshot', msg: { seq: 11, snapshot: fixture() }, at: 5100 });
    expect(late.snapshot).toBe(s.snapshot);
    expect(isLive(s, 5000)).toBe(false);
  });

  it.each([
    ['at the top', () => JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>],
    ['in a section', () => ({ kpi: JSON.parse('{"__proto__": {"polluted": 1}, "onlineNow": 3}') as unknown })],
  ])('a frame with a __proto__ key %s changes no prototype', (_where, patch) => {
    const s = reduce(withSnapshot(10), { kind: 'frame', frame: frame(11, patch()), at: 2000 });
    expect(s.seq).toBe(11);
    expect(Object.getPrototypeOf(s.snapshot)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(s.snapshot!.kpi)).toBe(Object.prototype);
    expect((s.snapshot!.kpi as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps the contract's ticker cap when frames add to a full ticker", () => {
    const items = Array.from({ length: TICKER_MAX_ITEMS }, (_, i) => item(`f${i}`, 9e12 - i));
    const full = reduce(withSnapshot(10), { kind: 'frame', frame: frame(11, {}, items), at: 2000 });
    const s = reduce(full, { kind: 'frame', frame: frame(12, {}, [item('n', 9.1e12)]), at: 3000 });
    expect(s.ticker).toHaveLength(30);
    expect(s.snapshot?.ticker).toHaveLength(30);
    expect(s.ticker[0]?.id).toBe('n');
  });

  it('reduceAll folds a burst into one state', () => {
    const s = reduceAll(
      withSnapshot(10),
      [11, 12, 13].map((seq) => ({
        kind: 'frame' as const,
        frame: frame(seq, { kpi: { onlineNow: seq } }),
        at: 2000 + seq,
      })),
    );
    expect(s.seq).toBe(13);
    expect(s.snapshot?.kpi.onlineNow).toBe(13);
    expect(s.framesApplied).toBe(3);
  });
});

describe('mergeTicker', () => {
  it('dedupes by id and caps', () => {
    const old = Array.from({ length: TICKER_MAX_ITEMS }, (_, i) => item(`o${i}`, 1000 - i));
    const out = mergeTicker([item('new', 2000), item('o0', 1000)], old);
    expect(out).toHaveLength(TICKER_MAX_ITEMS);
    expect(out[0]?.id).toBe('new');
    expect(out.filter((t) => t.id === 'o0')).toHaveLength(1);
  });
});

describe('isLive (injected clock)', () => {
  const s = withSnapshot(10); // data at t = 1000, connected
  it.each([
    [1000, true],
    [3999, true],
    [4000, true],
    [4001, false],
    [60_000, false],
  ])('at t=%i live is %s (3 × 1000 ms frame interval)', (now, live) => {
    expect(isLive(s, now, 1000)).toBe(live);
  });
  it('is stale at once when the socket disconnects', () => {
    expect(isLive(reduce(s, { kind: 'disconnected', at: 1100 }), 1100, 1000)).toBe(false);
  });
  it('follows the frame interval', () => {
    expect(isLive(s, 6000, 2000)).toBe(true);
    expect(isLive(s, 7001, 2000)).toBe(false);
  });
  it('is not live before the first snapshot', () => {
    expect(isLive(reduce(initialState('610100'), { kind: 'connected', at: 0 }), 0)).toBe(false);
  });
});

describe('ticker slide-in base', () => {
  it('is the newest snapshot item, and frames do not move it', () => {
    const s = withSnapshot(10);
    const newest = Math.max(...fixture().ticker.map((t) => t.ts));
    expect(s.tickerBaseTs).toBe(newest);
    const f = reduce(s, { kind: 'frame', frame: frame(11, {}, [item('n', newest + 5)]), at: 2000 });
    expect(f.tickerBaseTs).toBe(newest);
    expect(f.ticker[0]!.ts).toBeGreaterThan(f.tickerBaseTs);
  });
});
