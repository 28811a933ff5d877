// Instrumentation read by tests/bench/screen.ts through window.__wallStats.
export interface WallStats {
  /** main-thread ms per applied commit, last N: from the start of the commit (store apply,
   * React render, chart paint, other animation-frame callbacks) to the end of the browser's
   * rendering of that frame (style, layout, paint, compositor commit) */
  updateMs: number[];
  /** the script part alone (store apply + React render + chart paint), last N */
  updateScriptMs: number[];
  commits: number;
  framesApplied: number;
  chartInstances: number;
  chartsCreated: number;
  mapInstances: number;
  mapsCreated: number;
  mapLoaded: boolean;
  /** the city map's drawn children: `${region}:${feature count}` ('' until the first) */
  mapDrawn: string;
  chartsPainted: number;
  /** ms from navigation start to the first snapshot rendered with map loaded and charts painted */
  firstFrameMs: number | null;
  seq: number;
  region: string;
  /** summed ms per phase over all commits: apply (pure reducer), render (React), paint (charts) */
  phases: { apply: number; render: number; paint: number };
  /** setOption count and total ms per chart */
  chartCost: Record<string, { n: number; ms: number }>;
  /** page coordinates of a lng/lat on the city map (tests click regions with it) */
  project?: (lng: number, lat: number) => [x: number, y: number];
}

const KEEP_SAMPLES = 20_000;

export const stats: WallStats = {
  updateMs: [],
  updateScriptMs: [],
  commits: 0,
  framesApplied: 0,
  chartInstances: 0,
  chartsCreated: 0,
  mapInstances: 0,
  mapsCreated: 0,
  mapLoaded: false,
  mapDrawn: '',
  chartsPainted: 0,
  firstFrameMs: null,
  seq: 0,
  region: '',
  phases: { apply: 0, render: 0, paint: 0 },
  chartCost: {},
};

declare global {
  interface Window {
    __wallStats?: WallStats;
  }
}

if (typeof window !== 'undefined') window.__wallStats = stats;

export function recordPhases(apply: number, render: number, paint: number): void {
  stats.phases.apply += apply;
  stats.phases.render += render;
  stats.phases.paint += paint;
}

function keep(xs: number[], v: number): void {
  xs.push(v);
  if (xs.length > KEEP_SAMPLES) xs.splice(0, xs.length - KEEP_SAMPLES);
}

const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : null;
const waiting: (() => void)[] = [];
if (channel) channel.port1.onmessage = () => waiting.shift()?.();

/** records one update that started at t0 (performance.now()) and whose script part ended now.
 * A message posted from inside an animation-frame callback is delivered after that frame's
 * rendering steps, so its arrival time closes the measure over style/layout/paint/commit too. */
export function recordUpdate(t0: number): void {
  const scriptEnd = performance.now();
  keep(stats.updateScriptMs, scriptEnd - t0);
  if (!channel) {
    keep(stats.updateMs, scriptEnd - t0);
    return;
  }
  waiting.push(() => keep(stats.updateMs, performance.now() - t0));
  channel.port2.postMessage(0);
}

/** called after every commit; the first time everything is on screen, note the time */
export function checkFirstFrame(hasSnapshot: boolean, expectedCharts: number): void {
  if (stats.firstFrameMs !== null || !hasSnapshot || !stats.mapLoaded) return;
  if (stats.chartsPainted < expectedCharts) return;
  stats.firstFrameMs = performance.now();
}
