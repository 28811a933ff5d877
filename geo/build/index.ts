// `npm run geo:build`: regenerates geo/data/ from the dev-only npm packages.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chinaProvinces, provinceTree } from './hierarchy.ts';
import { gzipBytes, regionsJson } from './output.ts';
import type { LngLat } from '../types.ts';

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

function main(): void {
  mkdirSync(DATA_DIR, { recursive: true });
  const provinces = chinaProvinces();
  const tree = provinceTree('61');
  const regions = [...provinces, ...tree];
  const text = regionsJson(regions, new Map<string, LngLat>());
  writeFileSync(`${DATA_DIR}regions.json`, text);
  console.log(`regions.json: ${regions.length} regions, ${Buffer.byteLength(text)} B raw, ${gzipBytes(text)} B gzip`);
}

main();
