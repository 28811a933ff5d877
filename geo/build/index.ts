// `npm run geo:build [-- --counties FILE [--crs gcj02|wgs84|bd09]] [--out DIR] [--check]`:
// regenerates geo/data/ from the dev-only npm packages (or a customer's county GeoJSON) and
// prints sizes. --check writes nothing and fails if any committed file would change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
    options: {
      counties: { type: 'string' },
      crs: { type: 'string', default: 'gcj02' },
      out: { type: 'string', default: DATA_DIR },
      check: { type: 'boolean', default: false },
    },
  });
  const crs = values.crs as Crs;
  if (!CRS_VALUES.includes(crs)) throw new Error(`--crs must be one of ${CRS_VALUES.join(', ')}`);
  const outDir = resolve(values.out);
  const { files, countiesWithoutBoundary } = await generate({ countiesFile: values.counties, countiesCrs: crs });
  const gz = new Map<string, number>();
  const changed: string[] = [];
  for (const [path, text] of files) {
    const file = join(outDir, path);
    if (values.check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) changed.push(path);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    gz.set(path, gzipBytes(text));
    const raw = String(Buffer.byteLength(text)).padStart(9);
    console.log(`${path.padEnd(20)} ${raw} B raw ${String(gz.get(path)).padStart(8)} B gzip`);
  }
  if (countiesWithoutBoundary.length > 0) {
    console.warn(`counties without a boundary (no township/village cells): ${countiesWithoutBoundary.join(', ')}`);
  }
  const total = wallLoadFor('610100').reduce((sum, url) => sum + (gz.get(url.replace(/^\/geo\//, '')) ?? 0), 0);
  console.log(`wall load for 西安 610100: ${total} B gzip (budget ${WALL_BUDGET_GZIP_BYTES} B)`);
  if (total > WALL_BUDGET_GZIP_BYTES) process.exitCode = 1;
  if (values.check) {
    console.log(changed.length ? `differs from ${outDir}: ${changed.join(', ')}` : `identical to ${outDir}`);
    if (changed.length) process.exitCode = 1;
  }
}

await main();
