import { describe, expect, it } from 'vitest';
import {
  initialState,
  isLive,
  isRefusal,
  mergeTicker,
  reduce,
  reduceAll,
  type WallState,
} from '../../screen/src/state/apply.ts';
import { TICKER_MAX_ITEMS } from '../../server/contract/snapshot.ts';
import type { Heartbeat } from '../../server/contract/index.ts';
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

describe('heartbeats', () => {
  const ASOF = fixture().asOf;
  const beat = (seq: number, asOf: number, region = '610100'): Heartbeat => ({ region, seq, asOf });
  const onBeat = (s: WallState, b: Heartbeat, at: number) => reduce(s, { kind: 'beat', beat: b, at });

  it('a snapshot and a frame confirm their asOf', () => {
    const s = withSnapshot(10);
    expect(s.confirmedAsOf).toBe(ASOF);
    const f = reduce(s, { kind: 'frame', frame: { ...frame(11, {}), asOf: ASOF + 900 }, at: 2000 });
    expect(f.confirmedAsOf).toBe(ASOF + 900);
  });

  it('a beat at our seq with a newer asOf confirms now and leaves the snapshot object alone', () => {
    const s = withSnapshot(10);
    const b = onBeat(s, beat(10, ASOF + 1000), 2000);
    expect(b.lastDataAt).toBe(2000);
    expect(b.confirmedAsOf).toBe(ASOF + 1000);
    expect(b.snapshot).toBe(s.snapshot); // no panel re-renders
    expect(b.ticker).toBe(s.ticker);
    expect(b.snapshot?.asOf).toBe(ASOF);
    expect(b.seq).toBe(10);
    expect(b.needsResync).toBe(false);
    // and keeps the wall live past the snapshot's own 3 intervals
    expect(isLive(s, 4500, 1000)).toBe(false);
    expect(isLive(b, 4500, 1000)).toBe(true);
    const b2 = onBeat(b, beat(10, ASOF + 2000), 3000);
    expect([b2.lastDataAt, b2.confirmedAsOf]).toEqual([3000, ASOF + 2000]);
  });

  it('a beat with an older or equal asOf (replayed after a recovery) proves nothing', () => {
    const b = onBeat(withSnapshot(10), beat(10, ASOF + 5000), 2000);
    expect(onBeat(b, beat(10, ASOF + 5000), 9000)).toBe(b);
    expect(onBeat(b, beat(10, ASOF + 1000), 9000)).toBe(b);
    expect(isLive(onBeat(b, beat(10, ASOF + 1000), 9000), 9000, 1000)).toBe(false);
  });

  it('a beat behind our seq changes nothing', () => {
    const s = withSnapshot(10);
    expect(onBeat(s, beat(9, ASOF + 5000), 2000)).toBe(s);
  });

  it('a beat ahead of our seq means a frame was missed: resync, and no confirmation', () => {
    const s = withSnapshot(10);
    const g = onBeat(s, beat(11, ASOF + 1000), 2000);
    expect(g.needsResync).toBe(true);
    expect(g.lastDataAt).toBe(1000);
    expect(g.confirmedAsOf).toBe(ASOF);
    expect(g.snapshot).toBe(s.snapshot);
    // the second such beat changes nothing more (no commit)
    expect(onBeat(g, beat(11, ASOF + 2000), 3000)).toBe(g);
    // the resync's snapshot clears it
    const r = reduce(g, {
      kind: 'snapshot',
      msg: { seq: 11, snapshot: { ...fixture(), asOf: ASOF + 2500 } },
      at: 3100,
    });
    expect(r.needsResync).toBe(false);
    expect(r.confirmedAsOf).toBe(ASOF + 2500);
  });

  it('a beat of another region, or before any snapshot, is ignored', () => {
    const s = withSnapshot(10);
    expect(onBeat(s, beat(10, ASOF + 1000, '610113'), 2000)).toBe(s);
    expect(onBeat(s, beat(99, ASOF + 1000, '610113'), 2000)).toBe(s);
    const empty = reduce(initialState('610100'), { kind: 'connected', at: 0 });
    expect(onBeat(empty, beat(10, ASOF + 1000), 2000)).toBe(empty);
    // during a drill-down the old region's beats do not make the wall live again
    const drilling = reduce(s, { kind: 'region', region: '610113', at: 1500 });
    expect(isLive(onBeat(drilling, beat(10, ASOF + 1000), 2000), 2000, 1000)).toBe(false);
  });

  it('a quiet region stays live on beats alone for an hour of intervals, and turns stale 3 intervals after the last', () => {
    let s = withSnapshot(10);
    for (let i = 1; i <= 3600; i++) {
      s = onBeat(s, beat(10, ASOF + i * 1000), 1000 + i * 1000);
      expect(isLive(s, 1000 + i * 1000 + 999, 1000)).toBe(true);
    }
    const last = 1000 + 3600 * 1000;
    expect(isLive(s, last + 3000, 1000)).toBe(true);
    expect(isLive(s, last + 3001, 1000)).toBe(false);
    expect(s.confirmedAsOf).toBe(ASOF + 3600 * 1000);
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
  it('a beat moves the boundary: live until 3 intervals after the beat, stale 1 ms later', () => {
    const b = reduce(s, { kind: 'beat', beat: { region: '610100', seq: 10, asOf: fixture().asOf + 1 }, at: 2500 });
    expect(isLive(b, 5500, 1000)).toBe(true);
    expect(isLive(b, 5501, 1000)).toBe(false);
    expect(isLive(reduce(b, { kind: 'disconnected', at: 2600 }), 2600, 1000)).toBe(false);
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

describe('an `unavailable` refusal (the server cannot read the store now)', () => {
  const unavailable = { reason: 'unavailable' as const, message: 'retry shortly', retryAfterMs: 2000 };

  it('is no refusal of what the wall asked; the others are', () => {
    expect(isRefusal({ ...unavailable })).toBe(false);
    expect(isRefusal(null)).toBe(false);
    for (const reason of ['unknown_region', 'out_of_scope', 'unauthorized', 'bad_request'] as const) {
      expect(isRefusal({ reason, message: '' }), reason).toBe(true);
    }
  });

  it('keeps what the wall shows, stale until data comes again; the next snapshot clears it and is live', () => {
    const held = withSnapshot(10);
    const refused = reduceAll(held, [
      { kind: 'disconnected', at: 1500 },
      { kind: 'connected', at: 2000 },
      { kind: 'error', error: unavailable, at: 2001 },
      { kind: 'disconnected', at: 2002 },
    ]);
    expect(refused.snapshot).toBe(held.snapshot);
    expect(refused.seq).toBe(10);
    expect(refused.region).toBe('610100');
    expect(refused.error).toEqual(unavailable);
    expect(isLive(refused, 2100, 1000)).toBe(false);
    const back = reduceAll(refused, [
      { kind: 'connected', at: 5000 },
      { kind: 'snapshot', msg: { seq: 20, snapshot: fixture() }, at: 5010 },
    ]);
    expect(back.error).toBeNull();
    expect(isLive(back, 5100, 1000)).toBe(true);
  });
});
