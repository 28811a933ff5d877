// One requestAnimationFrame loop rolls every KPI number to its new value. A new target during
// a roll continues from the number on screen (no restart from zero, no per-frame restart).
// The roll steps ~10 times a second, not on every display frame: each step is a whole browser
// frame (style, layout, paint, compositor commit), and 60 of them per update would cost far
// more main-thread time than the update itself; read from 5 m, 10 steps a second still roll.
const ROLL_MS = 600;
const STEP_MS = 100;

interface Tween {
  from: number;
  to: number;
  current: number;
  start: number;
  format: (v: number) => string;
}

const tweens = new Map<HTMLElement, Tween>();
let rafId = 0;
let timerId: ReturnType<typeof setTimeout> | undefined;

const ease = (t: number) => 1 - (1 - t) ** 3;

function step(now: number): void {
  rafId = 0;
  for (const [el, tw] of tweens) {
    const p = Math.min(1, (now - tw.start) / ROLL_MS);
    tw.current = tw.from + (tw.to - tw.from) * ease(p);
    el.textContent = tw.format(tw.current);
    if (p >= 1) tweens.delete(el);
  }
  if (tweens.size > 0) timerId = setTimeout(nextFrame, STEP_MS);
}

function nextFrame(): void {
  timerId = undefined;
  rafId = requestAnimationFrame(step);
}

/** show `to` in el, rolling from `from` (the value shown before) */
export function rollTo(el: HTMLElement, from: number, to: number, format: (v: number) => string): void {
  const running = tweens.get(el);
  const start = running ? running.current : from;
  if (start === to) {
    tweens.delete(el);
    el.textContent = format(to);
    return;
  }
  tweens.set(el, { from: start, to, current: start, start: performance.now(), format });
  if (rafId === 0 && timerId === undefined) rafId = requestAnimationFrame(step);
}

export function stopRoll(el: HTMLElement): void {
  tweens.delete(el);
}
