import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lazyFrames } from '../../../screen/src/map/lazyFrames.ts';

describe('lazyFrames (deck.gl loop pacing)', () => {
  let rafs: FrameRequestCallback[];
  beforeEach(() => {
    vi.useFakeTimers();
    rafs = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => rafs.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  const runFrame = () => rafs.splice(0).forEach((cb) => cb(performance.now()));

  it('gives a woken deck every animation frame for the grace period, then idle ticks', () => {
    const f = lazyFrames();
    f.wake();
    const tick = vi.fn();
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(1);
    runFrame();
    expect(tick).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(1);
    runFrame();
    vi.advanceTimersByTime(2);
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(0);
  });

  it('a draw gets the next frame, and only that one', () => {
    const f = lazyFrames();
    const tick = vi.fn();
    f.drew();
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(1);
    runFrame();
    expect(tick).toHaveBeenCalledTimes(1);
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(rafs).toHaveLength(1);
  });

  it('a draw outside the loop leaves a waiting idle tick where it is', () => {
    const f = lazyFrames();
    const tick = vi.fn();
    f.provider.requestAnimationFrame(tick);
    f.drew();
    expect(rafs).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(rafs).toHaveLength(1);
  });

  it('ticks an idle deck only after the idle interval', () => {
    const f = lazyFrames();
    const tick = vi.fn();
    f.provider.requestAnimationFrame(tick);
    expect(rafs).toHaveLength(0);
    vi.advanceTimersByTime(499);
    expect(rafs).toHaveLength(0);
    vi.advanceTimersByTime(1);
    runFrame();
    expect(tick).toHaveBeenCalledTimes(1);
  });

  it('wake() brings a waiting idle tick forward to the next frame', () => {
    const f = lazyFrames();
    const tick = vi.fn();
    f.provider.requestAnimationFrame(tick);
    f.wake();
    expect(rafs).toHaveLength(1);
    runFrame();
    expect(tick).toHaveBeenCalledTimes(1);
  });

  it('cancel drops the waiting tick', () => {
    const f = lazyFrames();
    const tick = vi.fn();
    f.provider.requestAnimationFrame(tick);
    f.provider.cancelAnimationFrame(1);
    vi.advanceTimersByTime(1000);
    runFrame();
    expect(tick).not.toHaveBeenCalled();
  });
});
