// Small planar geometry on lng/lat polygons: bbox, point-in-polygon, area, pole of
// inaccessibility. Pure and dependency-free so that run-time lookups need no GIS library.
import type { LngLat, RegionFeature } from './types.ts';

export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];
type Rings = readonly (readonly LngLat[])[];

export function polygonsOf(geometry: RegionFeature['geometry']): Rings[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: RegionFeature['geometry']): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygonsOf(geometry)) {
    for (const [x, y] of poly[0] ?? []) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

export function inBBox(box: BBox, lng: number, lat: number): boolean {
  return lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3];
}

function inRing(ring: readonly LngLat[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd test: inside the outer ring and outside every hole, of any member polygon. */
export function pointInPolygon(rings: Rings, lng: number, lat: number): boolean {
  let inside = false;
  for (const ring of rings) if (inRing(ring, lng, lat)) inside = !inside;
  return inside;
}

export function pointInGeometry(geometry: RegionFeature['geometry'], lng: number, lat: number): boolean {
  return polygonsOf(geometry).some((rings) => pointInPolygon(rings, lng, lat));
}

/** Absolute planar area in square degrees (outer minus holes); only for comparing sizes. */
export function polygonArea(rings: Rings): number {
  let total = 0;
  rings.forEach((ring, i) => {
    let a = 0;
    for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
      a += (ring[j]![0] - ring[k]![0]) * (ring[j]![1] + ring[k]![1]);
    }
    total += i === 0 ? Math.abs(a / 2) : -Math.abs(a / 2);
  });
  return total;
}

function distToBoundary(rings: Rings, x: number, y: number): number {
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j]!;
      const [bx, by] = ring[i]!;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      const ex = ax + t * dx - x;
      const ey = ay + t * dy - y;
      min = Math.min(min, ex * ex + ey * ey);
    }
  }
  const d = Math.sqrt(min);
  return pointInPolygon(rings, x, y) ? d : -d;
}

interface Cell {
  x: number;
  y: number;
  h: number;
  d: number;
  max: number;
}

/** Binary max-heap on Cell.max; ties keep no particular order, which cannot change the result. */
class MaxHeap {
  private items: Cell[] = [];
  push(c: Cell): void {
    const a = this.items;
    a.push(c);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p]!.max >= a[i]!.max) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Cell | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]!.max > a[m]!.max) m = l;
      if (r < a.length && a[r]!.max > a[m]!.max) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
    return top;
  }
}

/**
 * Pole of inaccessibility (Mapbox's polylabel algorithm) of the largest member polygon, in a
 * plane where longitude is scaled by cos(latitude) so that "far from the edge" is isotropic.
 */
export function labelPointOf(geometry: RegionFeature['geometry'], precisionDeg = 0.0005): LngLat {
  const polys = polygonsOf(geometry);
  const main = polys.reduce((a, b) => (polygonArea(b) > polygonArea(a) ? b : a));
  const box = bboxOf({ type: 'Polygon', coordinates: main as LngLat[][] });
  const k = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
  const rings = main.map((r) => r.map(([x, y]): LngLat => [x * k, y]));
  const [x0, y0, x1, y1] = [box[0] * k, box[1], box[2] * k, box[3]];
  const size = Math.min(x1 - x0, y1 - y0);
  const make = (x: number, y: number, h: number): Cell => {
    const d = distToBoundary(rings, x, y);
    return { x, y, h, d, max: d + h * Math.SQRT2 };
  };
  if (size === 0) return [box[0], box[1]];
  const queue = new MaxHeap();
  for (let x = x0; x < x1; x += size)
    for (let y = y0; y < y1; y += size) queue.push(make(x + size / 2, y + size / 2, size / 2));
  let best = make((x0 + x1) / 2, (y0 + y1) / 2, 0);
  for (let cell = queue.pop(); cell; cell = queue.pop()) {
    if (cell.d > best.d) best = cell;
    if (cell.max - best.d <= precisionDeg) continue;
    const h = cell.h / 2;
    queue.push(make(cell.x - h, cell.y - h, h));
    queue.push(make(cell.x + h, cell.y - h, h));
    queue.push(make(cell.x - h, cell.y + h, h));
    queue.push(make(cell.x + h, cell.y + h, h));
  }
  return [best.x / k, best.y];
}
