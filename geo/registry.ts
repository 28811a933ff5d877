// The region registry: hierarchy, label points and boundary lookups for server, simulator and
// screen (Node side). Loads geo/data/regions.json once, lazily. Pure data and lookups.
import { readFileSync } from 'node:fs';
import { containsCode, isRegionCode, LEVEL_RANK, levelOf, parentCodeOf } from './codes.ts';
import { resetSpatialCache } from './spatial.ts';
import type { LngLat, RegionLevel, RegionRecord } from './types.ts';

export { containsCode, isRegionCode, levelOf, normalizeCode, parentCodeOf, ROOT_PROVINCE_CODE } from './codes.ts';
export { childFeatures, chinaFeatures, cityBundle, countyAt, provinceAt } from './spatial.ts';

export const GEO_DATA_URL = new URL('./data/', import.meta.url);

type Row = [code: string, name: string, parent: string | null, lng: number | null, lat: number | null];

interface Index {
  byCode: Map<string, RegionRecord>;
  children: Map<string, RegionRecord[]>;
  labels: Map<string, LngLat>;
  provinces: RegionRecord[];
}

let index: Index | undefined;

function load(): Index {
  if (index) return index;
  const doc = JSON.parse(readFileSync(new URL('regions.json', GEO_DATA_URL), 'utf8')) as { rows: Row[] };
  const byCode = new Map<string, RegionRecord>();
  const children = new Map<string, RegionRecord[]>();
  const labels = new Map<string, LngLat>();
  const provinces: RegionRecord[] = [];
  for (const [code, name, parent, lng, lat] of doc.rows) {
    const level = levelOf(code);
    const record: RegionRecord = {
      code,
      name,
      level,
      parent,
      illustrative: level === 'township' || level === 'village',
    };
    byCode.set(code, record);
    if (lng !== null && lat !== null) labels.set(code, [lng, lat]);
    if (parent === null) provinces.push(record);
    else {
      const siblings = children.get(parent);
      if (siblings) siblings.push(record);
      else children.set(parent, [record]);
    }
  }
  index = { byCode, children, labels, provinces };
  return index;
}

export function getRegion(code: string): RegionRecord | undefined {
  return load().byCode.get(code);
}

/** Direct children, in code order (rows are stored sorted). */
export function childrenOf(code: string): RegionRecord[] {
  return [...(load().children.get(code) ?? [])];
}

/** Ancestors of `code`, root (the province) first, excluding `code` itself. */
export function ancestorsOf(code: string): RegionRecord[] {
  if (!isRegionCode(code)) return [];
  const out: RegionRecord[] = [];
  for (let p = parentCodeOf(code); p !== null; p = parentCodeOf(p)) {
    const r = getRegion(p);
    if (r) out.push(r);
  }
  return out.reverse();
}

/** True when `code` is `ancestor` or lies below it (by code prefix). */
export function contains(ancestor: string, code: string): boolean {
  return containsCode(ancestor, code);
}

export function labelPoint(code: string): LngLat | undefined {
  const p = load().labels.get(code);
  return p ? [p[0], p[1]] : undefined;
}

/** China's 34 provincial units (xx0000), in code order. */
export function provinces(): RegionRecord[] {
  return [...load().provinces];
}

/** Every region at `level` that lies at or below `code`, in code order. */
export function descendantsAt(code: string, level: RegionLevel): RegionRecord[] {
  const root = getRegion(code);
  if (!root || LEVEL_RANK[level] < LEVEL_RANK[root.level]) return [];
  let frontier = [root];
  while (frontier.length > 0 && frontier[0]!.level !== level) {
    frontier = frontier.flatMap((r) => load().children.get(r.code) ?? []);
  }
  return frontier;
}

/** The 6-digit city code that a registered region lies in (itself for a city), else null. */
export function cityOf(code: string): string | null {
  const r = getRegion(code);
  if (!r || r.level === 'province') return null;
  return r.level === 'city' ? r.code : `${code.slice(0, 4)}00`;
}

/** The code → name map, e.g. for labelling. */
export function nameOf(code: string): string | undefined {
  return getRegion(code)?.name;
}

/** For tests and long-running tools that rebuild geo/data/ in-process. */
export function resetRegistryCache(): void {
  index = undefined;
  resetSpatialCache();
}
