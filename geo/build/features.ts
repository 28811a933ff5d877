// Turns build geometry into the compact GeoJSON the wall loads: rounded coordinates, no
// repeated vertices, degenerate rings dropped, a label point in the properties.
import type { LngLat, RegionFeature, RegionFeatureCollection, RegionLevel } from '../types.ts';
import { roundTo } from './output.ts';

type Geometry = RegionFeature['geometry'];

/** Decimal places: boundary data is on a 1/1024° grid (5 keeps it); 示意 cells need less. */
export const SURVEYED_DECIMALS = 5;
export const ILLUSTRATIVE_DECIMALS = 4;

function roundRing(ring: readonly LngLat[], decimals: number): LngLat[] | null {
  const out: LngLat[] = [];
  for (const [x, y] of ring) {
    const p: LngLat = [roundTo(x, decimals), roundTo(y, decimals)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  return out.length >= 4 ? out : null;
}

function roundPolygon(rings: readonly (readonly LngLat[])[], decimals: number): LngLat[][] | null {
  const outer = rings[0] ? roundRing(rings[0], decimals) : null;
  if (!outer) return null;
  const holes = rings
    .slice(1)
    .map((r) => roundRing(r, decimals))
    .filter((r): r is LngLat[] => r !== null);
  return [outer, ...holes];
}

export function roundGeometry(g: Geometry, decimals: number): Geometry {
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    .map((p) => roundPolygon(p, decimals))
    .filter((p): p is LngLat[][] => p !== null);
  if (polys.length === 0) throw new Error('geometry vanished when rounded');
  return polys.length === 1
    ? { type: 'Polygon', coordinates: polys[0]! }
    : { type: 'MultiPolygon', coordinates: polys };
}

export interface FeatureInput {
  code: string;
  name: string;
  level: RegionLevel;
  illustrative: boolean;
  geometry: Geometry;
  label?: LngLat | undefined;
}

export function toFeature(f: FeatureInput): RegionFeature {
  const decimals = f.illustrative ? ILLUSTRATIVE_DECIMALS : SURVEYED_DECIMALS;
  const properties: RegionFeature['properties'] = {
    code: f.code,
    name: f.name,
    level: f.level,
    illustrative: f.illustrative,
  };
  if (f.label) properties.label = [roundTo(f.label[0], 5), roundTo(f.label[1], 5)];
  return { type: 'Feature', properties, geometry: roundGeometry(f.geometry, decimals) };
}

export function collection(features: RegionFeature[]): RegionFeatureCollection {
  return { type: 'FeatureCollection', features };
}
