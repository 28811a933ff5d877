// The wall's layout in real pixels, computed from the window size (no CSS zoom/transform of a
// 1920 page). `u` is one design pixel of the 1920×1080 canvas; 3840×2160 is the same grid at
// u = 2. Ultra-wide splices (≥ 3:1) get three zones whose edges sit on the 1920 px seams so
// that no panel, and so no text, straddles a seam. The 16:9 grid has no room for the party
// affairs panels (党费, 发展党员, 党员结构) beside the others: they take turns with the floating
// destinations in one paged slot (`pages`); the ultra-wide side zones hold them all at once.
export type PanelId =
  | 'kpis'
  | 'ranking'
  | 'hourly'
  | 'daily'
  | 'exam'
  | 'map'
  | 'mapNational'
  | 'ticker'
  | 'alerts'
  | 'meetings'
  | 'transfers'
  | 'leaderboard'
  | 'floating'
  | 'dues'
  | 'development'
  | 'structure';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface WallLayout {
  mode: 'standard' | 'ultrawide';
  width: number;
  height: number;
  u: number;
  /** KPI grid columns × rows */
  kpiGrid: [cols: number, rows: number];
  header: { clock: Rect; title: Rect; live: Rect };
  panels: Partial<Record<PanelId, Rect>>;
  /** x positions of the splice seams (ultra-wide only) */
  seams: number[];
  /** panels that share one rect and take turns, in turn order (empty when all fit at once) */
  pages: PanelId[];
}

export const DESIGN_W = 1920;
export const DESIGN_H = 1080;
export const SEAM_PITCH_PX = 1920;
const ULTRAWIDE_ASPECT = 3;

const HEADER_U = 84;
const PAD_U = 16;
const GAP_U = 12;
const SIDE_U = 470;
const BOTTOM_U = 214;
const ALERTS_U = 46;
/** the 16:9 paged slot: the party affairs panels first, then the floating destinations (the
 * map's floating theme shows them too) */
export const PAGED_PANELS: readonly PanelId[] = ['dues', 'development', 'structure', 'floating'];

/** split a length into parts by weights, with a gap between them */
function split(start: number, length: number, weights: number[], gap: number): [number, number][] {
  const total = weights.reduce((a, b) => a + b, 0);
  const free = length - gap * (weights.length - 1);
  let at = start;
  return weights.map((w) => {
    const size = Math.floor((free * w) / total);
    const seg: [number, number] = [at, size];
    at += size + gap;
    return seg;
  });
}

const rect = (x: number, y: number, w: number, h: number): Rect => ({
  x: Math.round(x),
  y: Math.round(y),
  w: Math.round(w),
  h: Math.round(h),
});

function standard(width: number, height: number): WallLayout {
  const u = Math.min(width / DESIGN_W, height / DESIGN_H);
  const pad = PAD_U * u;
  const gap = GAP_U * u;
  const side = SIDE_U * u;
  const top = HEADER_U * u + gap;
  const bodyH = height - top - pad;
  const leftX = pad;
  const rightX = width - pad - side;
  const centerX = leftX + side + gap;
  const centerW = rightX - gap - centerX;
  const panels: WallLayout['panels'] = {};
  const [kp, rk, hr] = split(top, bodyH, [46, 30, 24], gap);
  panels.kpis = rect(leftX, kp![0], side, kp![1]);
  panels.ranking = rect(leftX, rk![0], side, rk![1]);
  panels.hourly = rect(leftX, hr![0], side, hr![1]);
  const bottom = BOTTOM_U * u;
  const alerts = ALERTS_U * u;
  const mapH = bodyH - bottom - alerts - 2 * gap;
  panels.map = rect(centerX, top, centerW, mapH);
  panels.alerts = rect(centerX, top + mapH + gap, centerW, alerts);
  // the ticker needs the width for a whole line (time · name · action · organisation); the
  // exam pass rate and count are KPI cards here, so the 16:9 wall has no separate exam gauge
  const [tk, dl] = split(centerX, centerW, [64, 36], gap);
  const by = top + mapH + alerts + 2 * gap;
  panels.ticker = rect(tk![0], by, tk![1], bottom);
  panels.daily = rect(dl![0], by, dl![1], bottom);
  // the paged slot is the tallest row: the dues ranking and the funnel need ~9 rows of labels
  const [mt, tr, lb, pg] = split(top, bodyH, [24, 23, 23, 30], gap);
  panels.meetings = rect(rightX, mt![0], side, mt![1]);
  panels.transfers = rect(rightX, tr![0], side, tr![1]);
  panels.leaderboard = rect(rightX, lb![0], side, lb![1]);
  for (const id of PAGED_PANELS) panels[id] = rect(rightX, pg![0], side, pg![1]);
  const headerH = HEADER_U * u;
  return {
    mode: 'standard',
    width,
    height,
    u,
    kpiGrid: [2, 5],
    header: {
      clock: rect(pad, 0, side, headerH),
      title: rect(centerX, 0, centerW, headerH),
      live: rect(rightX, 0, side, headerH),
    },
    panels,
    seams: [],
    pages: [...PAGED_PANELS],
  };
}

function ultrawide(width: number, height: number): WallLayout {
  const u = height / DESIGN_H;
  const pad = PAD_U * u;
  const gap = GAP_U * u;
  const seams: number[] = [];
  for (let x = SEAM_PITCH_PX; x < width - 1; x += SEAM_PITCH_PX) seams.push(x);
  const screens = Math.max(3, Math.round(width / SEAM_PITCH_PX));
  const sideZone = SEAM_PITCH_PX * Math.max(1, Math.floor(screens / 4));
  // a zone's edge on a seam gets half a gap on each side, so the seam runs through empty space
  const leftX = pad;
  const leftW = sideZone - gap / 2 - leftX;
  const midX = sideZone + gap / 2;
  const midW = width - 2 * sideZone - gap;
  const rightX = width - sideZone + gap / 2;
  const rightW = width - pad - rightX;
  const headerH = HEADER_U * u;
  const top = headerH + gap;
  const bodyH = height - top - pad;
  const panels: WallLayout['panels'] = {};

  // a side zone narrower than 1200 design px (7680×2160) stacks the KPIs 4 × 3
  const wideKpis = leftW / u >= 1200;
  const [kp, r2, r3] = split(top, bodyH, wideKpis ? [32, 36, 32] : [40, 32, 28], gap);
  panels.kpis = rect(leftX, kp![0], leftW, kp![1]);
  const [lc1, lc2] = split(leftX, leftW, [1, 1], gap);
  panels.ranking = rect(lc1![0], r2![0], lc1![1], r2![1] + gap + r3![1]);
  const [hr, dly, exm] = split(r2![0], r2![1] + gap + r3![1], [36, 28, 36], gap);
  panels.hourly = rect(lc2![0], hr![0], lc2![1], hr![1]);
  panels.daily = rect(lc2![0], dly![0], lc2![1], dly![1]);
  panels.exam = rect(lc2![0], exm![0], lc2![1], exm![1]);

  // city view and national view side by side; the split sits on the zone's middle, which is
  // a seam whenever the middle zone spans an even number of screens
  const half = midW / 2;
  const cityX = midX;
  const cityW = half - gap / 2;
  const natX = midX + half + gap / 2;
  const natW = midW - half - gap / 2;
  const bottom = BOTTOM_U * u;
  const mapH = bodyH - bottom - gap;
  panels.map = rect(cityX, top, cityW, mapH);
  panels.mapNational = rect(natX, top, natW, mapH);
  panels.ticker = rect(cityX, top + mapH + gap, cityW, bottom);
  panels.alerts = rect(natX, top + mapH + gap, natW, bottom);

  // organisation life on two rows, party affairs below: dues beside development, and the
  // structure bands across the zone's width (two dimensions side by side where it is wide)
  const [rr1, rr2, rr3, rr4] = split(top, bodyH, [24, 24, 28, 24], gap);
  const [rc1, rc2] = split(rightX, rightW, [1, 1], gap);
  panels.meetings = rect(rc1![0], rr1![0], rc1![1], rr1![1]);
  panels.transfers = rect(rc2![0], rr1![0], rc2![1], rr1![1]);
  panels.leaderboard = rect(rc1![0], rr2![0], rc1![1], rr2![1]);
  panels.floating = rect(rc2![0], rr2![0], rc2![1], rr2![1]);
  panels.dues = rect(rc1![0], rr3![0], rc1![1], rr3![1]);
  panels.development = rect(rc2![0], rr3![0], rc2![1], rr3![1]);
  panels.structure = rect(rightX, rr4![0], rightW, rr4![1]);
  return {
    mode: 'ultrawide',
    width,
    height,
    u,
    kpiGrid: wideKpis ? [5, 2] : [4, 3],
    header: {
      clock: rect(leftX, 0, leftW, headerH),
      title: rect(cityX, 0, cityW, headerH),
      live: rect(rightX, 0, rightW, headerH),
    },
    panels,
    seams,
    pages: [],
  };
}

export function computeLayout(width: number, height: number): WallLayout {
  const w = Math.max(320, Math.floor(width));
  const h = Math.max(180, Math.floor(height));
  return w / h >= ULTRAWIDE_ASPECT ? ultrawide(w, h) : standard(w, h);
}

/** how much larger a panel's type is when the presenter shows it full screen */
export const FOCUS_SCALE = 1.6;

/** The layout with one panel full screen (a presenter's `panel` command): the body below the
 * header on a 16:9 wall; the middle 1920 px zone of an ultra-wide splice (no text across a seam),
 * with the KPIs and the alerts kept in the side zones. */
export function focusLayout(layout: WallLayout, panel: PanelId): WallLayout {
  const { u, width, height } = layout;
  const pad = PAD_U * u;
  const gap = GAP_U * u;
  const top = HEADER_U * u + gap;
  const panels: WallLayout['panels'] = {};
  if (layout.mode === 'ultrawide' && layout.seams.length >= 2) {
    const i = Math.floor((layout.seams.length - 1) / 2);
    const [a, b] = [layout.seams[i]!, layout.seams[i + 1]!];
    panels[panel] = rect(a + pad, top, b - a - 2 * pad, height - top - pad);
    if (layout.panels.kpis && panel !== 'kpis') panels.kpis = rect(pad, top, a - 2 * pad, height - top - pad);
    if (layout.panels.alerts) panels.alerts = rect(b + pad, top, width - b - 2 * pad, height - top - pad);
  } else {
    panels[panel] = rect(pad, top, width - 2 * pad, height - top - pad);
  }
  return { ...layout, panels, pages: [] };
}
