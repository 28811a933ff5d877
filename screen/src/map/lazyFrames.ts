// deck.gl's render loop (luma.gl AnimationLoop) asks for every animation frame, 60 a second,
// even when nothing on the overlay changes: each tick costs main-thread time and keeps the
// browser producing frames (style, paint, compositor commit) for an idle wall. This frame
// provider gives the loop animation frames for BUSY_GRACE_MS after wake() (new layers), and the
// next frame after each frame in which deck drew (drew(): transitions and multi-frame work draw
// every frame); otherwise the loop ticks every IDLE_TICK_MS. View changes redraw at once anyway
// (the overlay's map 'render' handler calls deck.redraw()).
const IDLE_TICK_MS = 500;
/** multi-frame work (heatmap aggregation, async props) keeps frames coming for this long */
const BUSY_GRACE_MS = 1000;

export interface LazyFrames {
  provider: { requestAnimationFrame(cb: FrameRequestCallback): number; cancelAnimationFrame(id: number): void };
  wake(): void;
  /** deck drew: its loop gets the next animation frame */
  drew(): void;
}

export function lazyFrames(): LazyFrames {
  let pending: FrameRequestCallback | null = null;
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let activeUntil = 0;
  let justDrew = false;

  const fire = (t: number) => {
    raf = 0;
    const cb = pending;
    pending = null;
    cb?.(t);
  };
  const now = () => performance.now();
  const frameNow = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (raf === 0) raf = requestAnimationFrame(fire);
  };

  return {
    provider: {
      requestAnimationFrame(cb) {
        pending = cb;
        const drew = justDrew;
        justDrew = false;
        if (drew || now() < activeUntil) frameNow();
        else if (timer === undefined && raf === 0) timer = setTimeout(frameNow, IDLE_TICK_MS);
        return 1;
      },
      cancelAnimationFrame() {
        pending = null;
        if (raf !== 0) cancelAnimationFrame(raf);
        if (timer !== undefined) clearTimeout(timer);
        raf = 0;
        timer = undefined;
      },
    },
    wake() {
      activeUntil = now() + BUSY_GRACE_MS;
      if (pending) frameNow();
    },
    drew() {
      // a draw outside the loop (the map's render handler) leaves a waiting tick where it is
      justDrew = true;
    },
  };
}
