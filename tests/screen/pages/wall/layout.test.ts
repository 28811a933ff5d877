import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  SEAM_PITCH_PX,
  type PanelId,
  type Rect,
  type WallLayout,
} from '../../../../screen/src/pages/wall/layout.ts';

const SIZES: [number, number, WallLayout['mode'], number][] = [
  [1920, 1080, 'standard', 1],
  [3840, 2160, 'standard', 2],
  [5760, 1080, 'ultrawide', 1],
  [7680, 2160, 'ultrawide', 2],
];

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function allRects(l: WallLayout): [string, Rect][] {
  return [
    ...Object.entries(l.panels),
    ...Object.entries(l.header).map(([k, r]) => [`header.${k}`, r] as [string, Rect]),
  ];
}

describe.each(SIZES)('layout %ix%i', (w, h, mode, u) => {
  const l = computeLayout(w, h);

  it(`is ${mode} at u = ${u}`, () => {
    expect(l.mode).toBe(mode);
    expect(l.u).toBeCloseTo(u, 6);
    expect([l.width, l.height]).toEqual([w, h]);
  });

  it('keeps every panel on the canvas with no overlaps', () => {
    const rects = allRects(l);
    for (const [name, r] of rects) {
      expect(r.x, name).toBeGreaterThanOrEqual(0);
      expect(r.y, name).toBeGreaterThanOrEqual(0);
      expect(r.x + r.w, name).toBeLessThanOrEqual(w);
      expect(r.y + r.h, name).toBeLessThanOrEqual(h);
      expect(r.w, name).toBeGreaterThan(50 * u);
      expect(r.h, name).toBeGreaterThan(40 * u);
    }
    const panels = Object.entries(l.panels);
    // the panels of the paged slot share its rect (one is shown at a time); nothing else overlaps
    const paged = (id: string) => l.pages.includes(id as PanelId);
    for (let i = 0; i < panels.length; i++)
      for (let j = i + 1; j < panels.length; j++) {
        if (paged(panels[i]![0]) && paged(panels[j]![0])) continue;
        expect(overlap(panels[i]![1], panels[j]![1]), `${panels[i]![0]} × ${panels[j]![0]}`).toBe(false);
      }
  });

  const pagesTitle =
    mode === 'standard' ? 'pages dues → development → structure → floating in one slot' : 'has no paged slot';
  it(pagesTitle, () => {
    if (mode === 'ultrawide') {
      expect(l.pages).toEqual([]);
      return;
    }
    expect(l.pages).toEqual(['dues', 'development', 'structure', 'floating']);
    for (const id of l.pages) expect(l.panels[id], id).toEqual(l.panels.dues);
    // the slot is the right column's tallest row: ≥ 8 dues rows of 24 design px under the title
    expect(l.panels.dues!.h / u).toBeGreaterThanOrEqual(270);
    expect(l.panels.dues!.x).toBe(l.panels.meetings!.x);
  });

  it('gives the party affairs panels room for their figures and labels', () => {
    for (const id of ['dues', 'development'] as const) {
      const r = l.panels[id]!;
      // a 52 px headline beside ≥ 200 px of bars with 18 px names
      expect(r.w / u, id).toBeGreaterThanOrEqual(440);
      expect(r.h / u, id).toBeGreaterThanOrEqual(250);
    }
    // four dimension rows of 18 px names above 26 px bars
    expect(l.panels.structure!.h / u).toBeGreaterThanOrEqual(200);
    if (mode === 'ultrawide') {
      // structure runs across the right zone under dues and development
      const s = l.panels.structure!;
      expect(s.x).toBe(l.panels.dues!.x);
      expect(s.x + s.w).toBe(l.panels.development!.x + l.panels.development!.w);
      expect(s.y).toBeGreaterThan(l.panels.dues!.y + l.panels.dues!.h);
    }
  });

  it('has every panel the wall shows', () => {
    const ids = [
      'kpis',
      'ranking',
      'hourly',
      'daily',
      'map',
      'ticker',
      'alerts',
      'meetings',
      'transfers',
      'leaderboard',
    ];
    for (const id of [...ids, 'floating', 'dues', 'development', 'structure']) expect(l.panels, id).toHaveProperty(id);
    // 16:9: the exam figures are KPI cards (the ticker takes the gauge's width)
    if (mode === 'ultrawide') expect(l.panels).toHaveProperty('exam');
    else expect(l.panels).not.toHaveProperty('exam');
    if (mode === 'ultrawide') expect(l.panels).toHaveProperty('mapNational');
  });

  it('gives the map the centre', () => {
    const maps = [l.panels.map!, ...(l.panels.mapNational ? [l.panels.mapNational] : [])];
    const mapW = maps.reduce((a, r) => a + r.w, 0);
    expect(mapW / w).toBeGreaterThanOrEqual(mode === 'standard' ? 0.45 : 0.3);
    expect(l.panels.map!.x).toBeGreaterThan(l.panels.kpis!.x + l.panels.kpis!.w);
    expect(l.panels.map!.x + maps.reduce((a, r) => a + r.w, 0)).toBeLessThan(l.panels.meetings!.x + 1);
  });
});

describe('ultra-wide seams', () => {
  it.each([
    [5760, 1080, [1920, 3840]],
    [7680, 2160, [1920, 3840, 5760]],
  ])('%ix%i: no panel or header text straddles a seam', (w, h, seams) => {
    const l = computeLayout(w, h);
    expect(l.seams).toEqual(seams);
    for (const seam of l.seams) {
      expect(seam % SEAM_PITCH_PX).toBe(0);
      for (const [name, r] of allRects(l))
        expect(seam > r.x && seam < r.x + r.w, `${name} crosses ${seam}`).toBe(false);
    }
  });

  it('standard walls have no seams', () => {
    expect(computeLayout(3840, 2160).seams).toEqual([]);
  });

  it('3840×2160 is the 1920×1080 grid at twice the pixels', () => {
    const a = computeLayout(1920, 1080);
    const b = computeLayout(3840, 2160);
    for (const [id, r] of Object.entries(a.panels)) {
      const r2 = b.panels[id as keyof typeof b.panels]!;
      expect(Math.abs(r2.x - 2 * r.x), id).toBeLessThanOrEqual(2);
      expect(Math.abs(r2.w - 2 * r.w), id).toBeLessThanOrEqual(3);
    }
  });
});
