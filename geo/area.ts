// Which area's geography the registry and the boundary lookups read (Node side). 陕西 — the
// default demo area 西安 610100 and any other area inside 610000 — is committed in geo/data/;
// any other area (`AREA=CODE`: a province XX0000, a prefecture XXXX00, or 100000) is built by
// `npm run geo:build -- --area CODE` into geo/areas/<CODE>/ (not committed), or GEO_DIR.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COUNTRY_CODE, isRegionCode, levelOf } from './codes.ts';

export const DEFAULT_AREA = '610100';
/** the committed data: 陕西 down to its villages, China's provinces */
export const COMMITTED_DATA_URL = new URL('./data/', import.meta.url);
export const AREAS_URL = new URL('./areas/', import.meta.url);

let configured: { area: string; dir: URL } | undefined;
const listeners = new Set<() => void>();

/** An area code is a province XX0000, a prefecture-level unit XXXX00 or the country 100000. */
export function isAreaCode(code: string): boolean {
  if (!isRegionCode(code) || code.length !== 6) return false;
  const level = levelOf(code);
  return level === 'country' || level === 'province' || level === 'city';
}

/** True when the committed geo/data/ (陕西) covers the area. */
export function isCommittedArea(area: string): boolean {
  return area !== COUNTRY_CODE && area.startsWith('61');
}

/** Where an area's built files live: geo/data/ for 陕西, else GEO_DIR, else geo/areas/<CODE>/. */
export function areaDataUrl(area: string, env: NodeJS.ProcessEnv = process.env): URL {
  const dir = env.GEO_DIR?.trim();
  if (dir) return pathToFileURL(`${resolve(dir)}/`);
  return isCommittedArea(area) ? COMMITTED_DATA_URL : new URL(`${area}/`, AREAS_URL);
}

/** True when the area's files are there (its regions.json). */
export function areaDataPresent(area: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(new URL('regions.json', areaDataUrl(area, env)));
}

function current(): { area: string; dir: URL } {
  if (!configured) {
    const area = process.env.AREA?.trim() || DEFAULT_AREA;
    configured = { area, dir: areaDataUrl(area) };
  }
  return configured;
}

/** The area the registry answers for: set by configureArea, else AREA, else 610100. */
export function registryArea(): string {
  return current().area;
}

/** The directory the registry and the boundary lookups read. */
export function registryDataUrl(): URL {
  return current().dir;
}

/** Points the registry at an area's data (the server does at start-up, tests between areas). */
export function configureArea(area: string, dir: URL = areaDataUrl(area)): void {
  if (!isAreaCode(area)) throw new Error(`not an area code (XX0000, XXXX00 or ${COUNTRY_CODE}): ${area}`);
  configured = { area, dir };
  for (const fn of listeners) fn();
}

/** Called whenever the configured area changes (the registry and spatial caches drop). */
export function onAreaChange(fn: () => void): void {
  listeners.add(fn);
}
