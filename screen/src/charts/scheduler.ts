// Chart updates are staggered: each applied frame paints at most one chart (the ones
// waiting longest), so a frame's main-thread cost stays flat however many panels changed. A
// chart whose data changed is at most a few frames behind; when frames stop, the rest are
// painted after a short pause. The KPI numbers are never deferred.
export const CHART_UPDATES_PER_COMMIT = 1;
const QUIET_FLUSH_MS = 1200;

interface Job {
  apply: () => void;
  since: number;
}

const pending = new Map<object, Job>();
/** while true (a snapshot: start, drill-down, resync), every chart paints at once */
let immediate = false;

export function withAllCharts(fn: () => void): void {
  immediate = true;
  try {
    fn();
  } finally {
    immediate = false;
  }
}
let quietTimer: ReturnType<typeof setTimeout> | undefined;
let onQuietFlush: ((t0: number) => void) | undefined;

export function scheduleChart(key: object, apply: () => void): void {
  if (immediate) {
    pending.delete(key);
    apply();
    return;
  }
  const old = pending.get(key);
  pending.set(key, { apply, since: old?.since ?? performance.now() });
  armQuietFlush();
}

export function cancelChart(key: object): void {
  pending.delete(key);
}

/** paint up to `max` waiting charts, oldest first; returns how many */
export function runPendingCharts(max = CHART_UPDATES_PER_COMMIT): number {
  if (pending.size === 0) return 0;
  const jobs = [...pending.entries()].sort((a, b) => a[1].since - b[1].since).slice(0, max);
  for (const [key, job] of jobs) {
    pending.delete(key);
    job.apply();
  }
  if (pending.size > 0) armQuietFlush();
  return jobs.length;
}

export function pendingCharts(): number {
  return pending.size;
}

/** the store reports quiet flushes as update time too (given their start time) */
export function setQuietFlushObserver(fn: (t0: number) => void): void {
  onQuietFlush = fn;
}

function armQuietFlush(): void {
  if (quietTimer !== undefined) clearTimeout(quietTimer);
  quietTimer = setTimeout(() => {
    quietTimer = undefined;
    // painted inside an animation frame, like a commit, so that its measure covers the rendering
    const flush = () => {
      const t0 = performance.now();
      if (runPendingCharts(Infinity) > 0) onQuietFlush?.(t0);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else flush();
  }, QUIET_FLUSH_MS);
}
