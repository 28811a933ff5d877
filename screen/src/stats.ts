// Instrumentation read by tests/bench/screen.ts through window.__wallStats.
export interface WallStats {
  /** main-thread ms per applied commit (store apply + React render + chart paint), last N */
  updateMs: number[];
  commits: number;
  framesApplied: number;
  chartInstances: number;
  chartsCreated: number;
  mapInstances: number;
  mapsCreated: number;
  mapLoaded: boolean;
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
  commits: 0,
  framesApplied: 0,
  chartInstances: 0,
  chartsCreated: 0,
  mapInstances: 0,
  mapsCreated: 0,
  mapLoaded: false,
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

export function recordUpdate(ms: number): void {
  stats.updateMs.push(ms);
  if (stats.updateMs.length > KEEP_SAMPLES) stats.updateMs.splice(0, stats.updateMs.length - KEEP_SAMPLES);
}

/** called after every commit; the first time everything is on screen, note the time */
export function checkFirstFrame(hasSnapshot: boolean, expectedCharts: number): void {
  if (stats.firstFrameMs !== null || !hasSnapshot || !stats.mapLoaded) return;
  if (stats.chartsPainted < expectedCharts) return;
  stats.firstFrameMs = performance.now();
}
