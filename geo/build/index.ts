// `npm run geo:build [-- --counties FILE [--crs gcj02|wgs84|bd09]]`: regenerates geo/data/
// from the dev-only npm packages (or a customer's county GeoJSON) and prints sizes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WALL_BUDGET_GZIP_BYTES, wallLoadFor } from '../browser.ts';
import type { Crs } from './boundaries.ts';
import { generate } from './generate.ts';
import { gzipBytes } from './output.ts';

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));
const CRS_VALUES: readonly Crs[] = ['gcj02', 'wgs84', 'bd09'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { counties: { type: 'string' }, crs: { type: 'string', default: 'gcj02' } },
  });
  const crs = values.crs as Crs;
  if (!CRS_VALUES.includes(crs)) throw new Error(`--crs must be one of ${CRS_VALUES.join(', ')}`);
  const { files, countiesWithoutBoundary } = await generate({ countiesFile: values.counties, countiesCrs: crs });
  const gz = new Map<string, number>();
  for (const [path, text] of files) {
    const file = join(DATA_DIR, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    gz.set(path, gzipBytes(text));
    console.log(`${path.padEnd(20)} ${String(Buffer.byteLength(text)).padStart(9)} B raw ${String(gz.get(path)).padStart(8)} B gzip`);
  }
  if (countiesWithoutBoundary.length > 0) {
    console.warn(`counties without a boundary (no township/village cells): ${countiesWithoutBoundary.join(', ')}`);
  }
  const wall = wallLoadFor('610100').map((url) => gz.get(url.replace(/^\/geo\//, '')) ?? 0);
  const total = wall.reduce((a, b) => a + b, 0);
  console.log(`wall load for 西安 610100: ${total} B gzip (budget ${WALL_BUDGET_GZIP_BYTES} B)`);
  if (total > WALL_BUDGET_GZIP_BYTES) process.exitCode = 1;
}

await main();
