// The wall's side of a room (issue 11), pure parts: a replayed picture is never live and takes
// no frames, a reconnection after a replay asks for a fresh snapshot, the full-screen panel's
// layout, when a replay fetches, the wall's id.
import { describe, expect, it } from 'vitest';
import { initialState, isLive, reduce } from '../../screen/src/state/apply.ts';
import { handshakeAuth } from '../../screen/src/transport.ts';
import { computeLayout, focusLayout } from '../../screen/src/pages/wall/layout.ts';
import { replayKey, REPLAY_RECORD_MS } from '../../screen/src/room/useReplay.ts';
import { wallIdFor } from '../../screen/src/room/client.ts';
import { parseParams } from '../../screen/src/params.ts';
import type { RoomReplay } from '../../server/contract/control.ts';
import { fixture, frame } from './helpers.ts';

const live = () =>
  reduce(reduce(initialState('610100'), { kind: 'connected', at: 0 }), {
    kind: 'snapshot',
    msg: { seq: 10, snapshot: fixture() },
    at: 1000,
  });

describe('a replayed picture', () => {
  it('is shown but never live, whatever its age, and frames and beats do not touch it', () => {
    const replayedSnap = { ...fixture(), asOf: 5 };
    const s = reduce(live(), { kind: 'replayed', msg: { seq: 0, snapshot: replayedSnap }, at: 2000 });
    expect(s.snapshot).toBe(replayedSnap);
    expect(s.replayed).toBe(true);
    expect(s.confirmedAsOf).toBe(5);
    expect(isLive(s, 2000, 1000)).toBe(false);
    const f = frame(11, { kpi: { members: 1 } });
    expect(reduce(s, { kind: 'frame', frame: f, at: 2100 })).toBe(s);
    const beat = { region: s.snapshot!.region.code, seq: 11, asOf: 9e12 };
    expect(reduce(s, { kind: 'beat', beat, at: 2100 })).toBe(s);
  });

  it('takes any region (a township wall replays its county) and a live snapshot ends it', () => {
    const county = { ...fixture(), region: { ...fixture().region, code: '610113' } };
    const s = reduce(live(), { kind: 'replayed', msg: { seq: 0, snapshot: county }, at: 2000 });
    expect(s.region).toBe('610113');
    const back = reduce(reduce(s, { kind: 'region', region: '610100', at: 3000 }), {
      kind: 'snapshot',
      msg: { seq: 12, snapshot: fixture() },
      at: 3100,
    });
    expect(back.replayed).toBe(false);
    expect(isLive(back, 3200, 1000)).toBe(true);
  });

  it('while the room replays, live messages are set aside; leaving asks for a fresh snapshot', () => {
    let s = reduce(live(), { kind: 'replay', on: true, at: 1500 });
    s = reduce(s, { kind: 'replayed', msg: { seq: 0, snapshot: { ...fixture(), asOf: 5 } }, at: 2000 });
    const held = s;
    expect(reduce(s, { kind: 'snapshot', msg: { seq: 20, snapshot: fixture() }, at: 2100 })).toBe(held);
    expect(reduce(s, { kind: 'frame', frame: frame(11, { kpi: { members: 1 } }), at: 2100 })).toBe(held);
    s = reduce(s, { kind: 'replay', on: false, at: 3000 });
    expect(s.needsResync).toBe(true);
    expect(isLive(s, 3000, 1000)).toBe(false);
    s = reduce(s, { kind: 'snapshot', msg: { seq: 20, snapshot: fixture() }, at: 3050 });
    expect(s.replayed).toBe(false);
    expect(s.seq).toBe(20);
    expect(isLive(s, 3100, 1000)).toBe(true);
  });

  it('makes the next handshake ask for a snapshot, not the frames after a seq', () => {
    const s = reduce(live(), { kind: 'replayed', msg: { seq: 0, snapshot: fixture() }, at: 2000 });
    expect(handshakeAuth('610100', undefined, live())).toEqual({ region: '610100', seq: 10 });
    expect(handshakeAuth('610100', undefined, s)).toEqual({ region: '610100' });
  });
});

describe('focusLayout', () => {
  it('gives a 16:9 wall one panel under the header and nothing else', () => {
    const base = computeLayout(1920, 1080);
    const f = focusLayout(base, 'transfers');
    expect(Object.keys(f.panels)).toEqual(['transfers']);
    const r = f.panels.transfers!;
    expect(r.w).toBeGreaterThan(1800);
    expect(r.y).toBeGreaterThanOrEqual(base.header.title.h);
    expect(r.y + r.h).toBeLessThanOrEqual(1080);
    expect(f.pages).toEqual([]);
  });

  it('keeps an ultra-wide splice’s panel inside the middle screen (no text across a seam)', () => {
    const base = computeLayout(5760, 1080);
    const r = focusLayout(base, 'ranking').panels.ranking!;
    expect(r.x).toBeGreaterThanOrEqual(1920);
    expect(r.x + r.w).toBeLessThanOrEqual(3840);
    for (const p of Object.values(focusLayout(base, 'ranking').panels))
      for (const seam of base.seams) expect(p!.x < seam && p!.x + p!.w > seam).toBe(false);
  });
});

describe('replayKey', () => {
  const replay: RoomReplay = { from: 0, to: 86_400_000, speed: 60, playing: true, at: 0, anchorAt: 100 };
  it('changes when the replayed time enters the next record, on a seek and with the region', () => {
    const a = replayKey('610100', replay, 1000);
    expect(replayKey('610100', replay, REPLAY_RECORD_MS - 1)).toBe(a);
    expect(replayKey('610100', replay, REPLAY_RECORD_MS)).not.toBe(a);
    expect(replayKey('610113', replay, 1000)).not.toBe(a);
    expect(replayKey('610100', { ...replay, anchorAt: 200 }, 1000)).not.toBe(a);
  });
});

describe('the room parameter and the wall id', () => {
  it('takes ?room= names of the contract only', () => {
    expect(parseParams('?room=hall-1').room).toBe('hall-1');
    expect(parseParams('?room=').room).toBeNull();
    expect(parseParams('?room=a%20b').room).toBeNull();
    expect(parseParams('?room=' + 'x'.repeat(33)).room).toBeNull();
    expect(parseParams('').room).toBeNull();
  });

  it('keeps one id per tab and makes a new one without storage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    const id = wallIdFor(storage, () => 0.5);
    expect(id).toMatch(/^w-[0-9a-z]{6}$/);
    expect(wallIdFor(storage, () => 0.1)).toBe(id);
    expect(wallIdFor(undefined, () => 0.1)).not.toBe(id);
  });
});
