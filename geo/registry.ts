// The region registry: hierarchy, label points and boundary lookups for server, simulator and
// screen (Node side). Loads the configured area's regions.json (geo/area.ts: geo/data/ for
// 陕西) once, lazily. Pure data and lookups. Where an area registers the country (100000), it
// sits above the provinces: childrenOf('100000') are the provinces, and every ancestor chain
// starts with it.
import { readFileSync } from 'node:fs';
import { COMMITTED_DATA_URL, onAreaChange, registryDataUrl } from './area.ts';
import { containsCode, COUNTRY_CODE, isRegionCode, LEVEL_RANK, levelOf, parentCodeOf } from './codes.ts';
import { resetSpatialCache } from './spatial.ts';
import type { LngLat, RegionLevel, RegionRecord } from './types.ts';

export {
  containsCode,
  COUNTRY_CODE,
  isRegionCode,
  levelOf,
  normalizeCode,
  parentCodeOf,
  ROOT_PROVINCE_CODE,
} from './codes.ts';
export { configureArea, registryArea, registryDataUrl } from './area.ts';
export { childFeatures, chinaFeatures, cityBundle, countyAt, provinceAt } from './spatial.ts';

/** the committed geography (陕西); the configured area's is registryDataUrl() */
export const GEO_DATA_URL = COMMITTED_DATA_URL;

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
  const doc = JSON.parse(readFileSync(new URL('regions.json', registryDataUrl()), 'utf8')) as {
    rows: Row[];
    /** county-level units drawn 示意 (no boundary in the source data) */
    illustrative?: string[];
  };
  const drawn = new Set(doc.illustrative ?? []);
  const byCode = new Map<string, RegionRecord>();
  const children = new Map<string, RegionRecord[]>();
  const labels = new Map<string, LngLat>();
  const provinces: RegionRecord[] = [];
  const country = doc.rows.some((r) => r[0] === COUNTRY_CODE);
  for (const [code, name, parent, lng, lat] of doc.rows) {
    const level = levelOf(code);
    const record: RegionRecord = {
      code,
      name,
      level,
      parent: parent === null && country && code !== COUNTRY_CODE ? COUNTRY_CODE : parent,
      illustrative: level === 'township' || level === 'village' || drawn.has(code),
    };
    byCode.set(code, record);
    if (lng !== null && lat !== null) labels.set(code, [lng, lat]);
    if (code === COUNTRY_CODE) continue;
    if (parent === null) provinces.push(record);
    else {
      const siblings = children.get(parent);
      if (siblings) siblings.push(record);
      else children.set(parent, [record]);
    }
  }
  if (byCode.has(COUNTRY_CODE)) children.set(COUNTRY_CODE, provinces);
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

/** Ancestors of `code`, root (the province, or the country where registered) first, excluding `code` itself. */
export function ancestorsOf(code: string): RegionRecord[] {
  if (!isRegionCode(code) || code === COUNTRY_CODE) return [];
  const out: RegionRecord[] = [];
  for (let p = parentCodeOf(code); p !== null; p = parentCodeOf(p)) {
    const r = getRegion(p);
    if (r) out.push(r);
  }
  const country = getRegion(COUNTRY_CODE);
  if (country) out.push(country);
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

/**
 * Every region at `level` that lies at or below `code`, in code order. Levels may be skipped
 * (a city without counties, 东莞, has townships as children): a branch is followed down to
 * `level` wherever it reaches it.
 */
export function descendantsAt(code: string, level: RegionLevel): RegionRecord[] {
  const root = getRegion(code);
  if (!root || LEVEL_RANK[level] < LEVEL_RANK[root.level]) return [];
  const out: RegionRecord[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: RegionRecord[] = [];
    for (const r of frontier) {
      if (r.level === level) out.push(r);
      else if (LEVEL_RANK[r.level] < LEVEL_RANK[level]) next.push(...(load().children.get(r.code) ?? []));
    }
    frontier = next;
  }
  return out.length > 1 ? out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) : out;
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
onAreaChange(resetRegistryCache);
