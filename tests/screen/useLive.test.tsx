// @vitest-environment happy-dom
// useLive with an injected clock: beats keep the wall live without rendering it, and a server
// that falls silent turns it stale on the clock alone, with nothing arriving.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { reduce, type WallMessage } from '../../screen/src/state/apply.ts';
import { resetStore, useLive, wallStore } from '../../screen/src/state/store.ts';
import { fixture } from './helpers.ts';

let clock = 0;
const now = () => clock;
let renders = 0;

function Probe({ interval }: { interval: number }) {
  renders++;
  return <span data-live={String(useLive(interval, now))} />;
}

function send(m: WallMessage): void {
  act(() => wallStore.setState(reduce(wallStore.getState(), m), true));
}

const shown = (c: HTMLElement) => c.querySelector('[data-live]')!.getAttribute('data-live');

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  renders = 0;
  resetStore('610100');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useLive (injected clock)', () => {
  it('beats keep it live without a render; silence turns it stale by the clock alone', () => {
    const { container } = render(<Probe interval={1000} />);
    expect(shown(container)).toBe('false');
    const asOf = fixture().asOf;
    clock = 1000;
    send({ kind: 'connected', at: clock });
    send({ kind: 'snapshot', msg: { seq: 10, snapshot: fixture() }, at: clock });
    expect(shown(container)).toBe('true');
    const afterLive = renders;

    // a minute of heartbeats, one a second
    for (let i = 1; i <= 60; i++) {
      clock = 1000 + i * 1000;
      send({ kind: 'beat', beat: { region: '610100', seq: 10, asOf: asOf + i * 1000 }, at: clock });
      act(() => vi.advanceTimersByTime(1000));
      expect(shown(container)).toBe('true');
    }
    // not one render per beat (React may call a component once more before it bails out of an
    // unchanged state: at most one)
    expect(renders - afterLive).toBeLessThanOrEqual(1);
    const beforeSilence = renders;

    // then nothing: still live 3 intervals after the last beat, stale one check later
    const last = clock;
    clock = last + 3000;
    act(() => vi.advanceTimersByTime(250));
    expect(shown(container)).toBe('true');
    clock = last + 3250;
    act(() => vi.advanceTimersByTime(250));
    expect(shown(container)).toBe('false');
    expect(renders - beforeSilence).toBeLessThanOrEqual(2);
  });

  it('turns stale at once on a disconnect', () => {
    const { container } = render(<Probe interval={1000} />);
    clock = 1000;
    send({ kind: 'connected', at: clock });
    send({ kind: 'snapshot', msg: { seq: 1, snapshot: fixture() }, at: clock });
    expect(shown(container)).toBe('true');
    send({ kind: 'disconnected', at: clock + 10 });
    expect(shown(container)).toBe('false');
  });
});
