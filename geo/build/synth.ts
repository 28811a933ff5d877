// Illustrative (示意) township cells and village points/cells. No package has township or
// village geometry, so they are derived deterministically: seeded points in the county,
// k-means to one seed per township, Voronoi cells clipped to the county (Sutherland–Hodgman:
// the cells are convex); villages are
// well-spread seeded points inside their township's cell, with Voronoi cells clipped to it.
import { Delaunay } from 'd3-delaunay';
import { bboxOf, pointInGeometry, type BBox } from '../geometry.ts';
import type { LngLat, RegionFeature } from '../types.ts';

type Geometry = RegionFeature['geometry'];
type Rand = () => number;

const SEED_SALT = 'zhdj-geo/1';

/** mulberry32 seeded by the FNV-1a hash of the salted key: same key, same sequence. */
export function seededRandom(key: string): Rand {
  let h = 0x811c9dc5;
  for (const ch of `${SEED_SALT}:${key}`) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform points inside `geometry` (rejection sampling in its bbox), filtered by `accept`. */
export function samplePoints(
  geometry: Geometry,
  n: number,
  rand: Rand,
  accept: (p: LngLat) => boolean = () => true,
): LngLat[] {
  const [x0, y0, x1, y1] = bboxOf(geometry);
  const out: LngLat[] = [];
  for (let tries = 0; out.length < n; tries++) {
    if (tries > n * 10_000) throw new Error('samplePoints: geometry too small to sample');
    const p: LngLat = [x0 + rand() * (x1 - x0), y0 + rand() * (y1 - y0)];
    if (pointInGeometry(geometry, p[0], p[1]) && accept(p)) out.push(p);
  }
  return out;
}

/** Mitchell's best-candidate sampling: n points spread out, not clumped. */
export function spreadPoints(geometry: Geometry, n: number, rand: Rand, accept: (p: LngLat) => boolean): LngLat[] {
  const out: LngLat[] = [];
  const k = Math.cos((geometry.type === 'Polygon' ? geometry.coordinates[0]![0]![1] : 35) * (Math.PI / 180));
  const dist2 = (a: LngLat, b: LngLat): number => ((a[0] - b[0]) * k) ** 2 + (a[1] - b[1]) ** 2;
  for (let i = 0; i < n; i++) {
    const candidates = samplePoints(
      geometry,
      10,
      rand,
      (p) => accept(p) && !out.some((q) => q[0] === p[0] && q[1] === p[1]),
    );
    let best = candidates[0]!;
    let bestD = -1;
    for (const c of candidates) {
      const d = out.reduce((m, q) => Math.min(m, dist2(c, q)), Infinity);
      if (d > bestD) [best, bestD] = [c, d];
    }
    out.push(best);
  }
  return out;
}

/** k-means (k-means++ seeding) in a plane with longitude scaled by `kx`. */
export function kMeans(points: readonly LngLat[], k: number, rand: Rand, kx: number, iterations = 30): LngLat[] {
  const d2 = (a: LngLat, b: LngLat): number => ((a[0] - b[0]) * kx) ** 2 + (a[1] - b[1]) ** 2;
  const centres: LngLat[] = [points[Math.floor(rand() * points.length)]!];
  while (centres.length < k) {
    const w = points.map((p) => centres.reduce((m, c) => Math.min(m, d2(p, c)), Infinity));
    let r = rand() * w.reduce((s, x) => s + x, 0);
    let i = 0;
    while (i < w.length - 1 && (r -= w[i]!) > 0) i++;
    centres.push(points[i]!);
  }
  for (let it = 0; it < iterations; it++) {
    const sum = centres.map(() => [0, 0, 0]);
    for (const p of points) {
      let best = 0;
      for (let c = 1; c < k; c++) if (d2(p, centres[c]!) < d2(p, centres[best]!)) best = c;
      const s = sum[best]!;
      s[0]! += p[0];
      s[1]! += p[1];
      s[2]! += 1;
    }
    sum.forEach(([x, y, n], c) => {
      centres[c] = n! > 0 ? [x! / n!, y! / n!] : points[Math.floor(rand() * points.length)]!;
    });
  }
  return centres;
}

function segmentsMeet(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  const orient = (p: LngLat, q: LngLat, r: LngLat): number =>
    (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  // touching or collinear counts as meeting: the caller then takes the exact path
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/** True when the closed `ring` lies strictly inside `clip`: every vertex inside, no edge meets clip's boundary. */
function ringWithin(ring: readonly LngLat[], clip: Geometry): boolean {
  for (const p of ring) if (!pointInGeometry(clip, p[0], p[1])) return false;
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  const rings = clip.type === 'Polygon' ? clip.coordinates : clip.coordinates.flat();
  for (const edges of rings) {
    for (let i = 1; i < edges.length; i++) {
      const c = edges[i - 1]!;
      const d = edges[i]!;
      if (Math.max(c[0], d[0]) < box[0] || Math.min(c[0], d[0]) > box[2]) continue;
      if (Math.max(c[1], d[1]) < box[1] || Math.min(c[1], d[1]) > box[3]) continue;
      for (let k = 1; k < ring.length; k++) if (segmentsMeet(ring[k - 1]!, ring[k]!, c, d)) return false;
    }
  }
  return true;
}

/**
 * Sutherland–Hodgman: the part of one ring inside the convex, counter-clockwise `window`
 * (closed). A concave ring whose inside part has several pieces comes back as one ring joined by
 * zero-width seams along the window's edge: same area, same point-in-polygon answers.
 */
function clipRing(ring: readonly LngLat[], window: readonly LngLat[]): LngLat[] {
  let out: LngLat[] = ring.slice(0, -1);
  for (let k = 1; k < window.length && out.length > 0; k++) {
    const a = window[k - 1]!;
    const b = window[k]!;
    const side = (p: LngLat): number => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const p = input[i]!;
      const q = input[(i + 1) % input.length]!;
      const sp = side(p);
      const sq = side(q);
      if (sp >= 0) out.push(p);
      if (sp >= 0 !== sq >= 0) {
        const t = sp / (sp - sq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  if (out.length < 3) return [];
  return [...out, out[0]!];
}

function ringArea(ring: readonly LngLat[]): number {
  let a = 0;
  for (let i = 1; i < ring.length; i++) a += ring[i - 1]![0] * ring[i]![1] - ring[i]![0] * ring[i - 1]![1];
  return a / 2;
}

/** `clip` ∩ the convex cell `window` (closed ring, any orientation), or null when they do not meet. */
function clipToConvex(clip: Geometry, window: LngLat[]): Geometry | null {
  const ccw = ringArea(window) >= 0 ? window : [...window].reverse();
  const polygons: LngLat[][][] = [];
  for (const rings of clip.type === 'Polygon' ? [clip.coordinates] : clip.coordinates) {
    const outer = clipRing(rings[0]!, ccw);
    if (outer.length === 0 || Math.abs(ringArea(outer)) === 0) continue;
    const holes = rings
      .slice(1)
      .map((h) => clipRing(h, ccw))
      .filter((h) => h.length > 0 && ringArea(h) !== 0);
    polygons.push([outer, ...holes]);
  }
  if (polygons.length === 0) return null;
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0]! }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** Voronoi cells of `seeds` over `clip`'s bbox, each intersected with `clip`; index-aligned. */
export function voronoiCells(seeds: readonly LngLat[], clip: Geometry): Geometry[] {
  if (seeds.length === 1) return [clip];
  const box: BBox = bboxOf(clip);
  const kx = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
  const voronoi = Delaunay.from(seeds.map(([x, y]) => [x * kx, y])).voronoi([
    box[0] * kx - 1e-3,
    box[1] - 1e-3,
    box[2] * kx + 1e-3,
    box[3] + 1e-3,
  ]);
  return seeds.map((_, i) => {
    const ring = voronoi.cellPolygon(i).map(([x, y]) => [x! / kx, y!] as LngLat);
    // most cells lie wholly inside the clip: no need for the (slow, exact) polygon intersection
    if (ringWithin(ring, clip)) return { type: 'Polygon', coordinates: [ring] };
    const cell = clipToConvex(clip, ring);
    if (!cell) throw new Error(`voronoi cell ${i} does not meet its clip polygon`);
    return cell;
  });
}

export interface Unit {
  code: string;
  children: string[];
}

/**
 * One cell per child of `unit` inside `geometry`: k-means seeds from uniform samples, child i
 * (in code order) to the i-th seed nearest `anchor` (township codes list 街道 before 镇).
 */
export function partition(unit: Unit, geometry: Geometry, anchor: LngLat): Map<string, Geometry> {
  const k = unit.children.length;
  const rand = seededRandom(unit.code);
  if (k === 0) return new Map();
  const box = bboxOf(geometry);
  const kx = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
  const samples = samplePoints(geometry, Math.max(400, 40 * k), rand);
  const seeds = kMeans(samples, k, rand, kx);
  const cells = voronoiCells(seeds, geometry);
  const dist = (p: LngLat): number => ((p[0] - anchor[0]) * kx) ** 2 + (p[1] - anchor[1]) ** 2;
  const order = seeds.map((s, i) => ({ i, d: dist(s) })).sort((a, b) => a.d - b.d || a.i - b.i);
  return new Map(unit.children.map((code, j) => [code, cells[order[j]!.i]!]));
}
