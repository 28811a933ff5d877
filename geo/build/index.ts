// `npm run geo:build [-- --area CODE] [--out DIR] [--counties FILE [--crs gcj02|wgs84|bd09]] [--check]`:
// builds an area's geography from the dev-only npm packages (or a customer's county GeoJSON)
// and prints its sizes, its walls' geography loads against the budgets and the build report's
// counts. Without --area it rebuilds 陕西 610000 into the committed geo/data/; another area goes
// to geo/areas/<CODE>/ (not committed). --check writes nothing and fails if a file would change.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { areaDataUrl, isAreaCode } from '../area.ts';
import { COUNTRY_CODE, ROOT_PROVINCE_CODE } from '../codes.ts';
import type { Crs } from './boundaries.ts';
import { runAreaBuild } from './run.ts';

const CRS_VALUES: readonly Crs[] = ['gcj02', 'wgs84', 'bd09'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      area: { type: 'string', default: ROOT_PROVINCE_CODE },
      counties: { type: 'string' },
      crs: { type: 'string', default: 'gcj02' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const crs = values.crs as Crs;
  if (!CRS_VALUES.includes(crs)) throw new Error(`--crs must be one of ${CRS_VALUES.join(', ')}`);
  const area = values.area;
  if (!isAreaCode(area)) {
    throw new Error(`--area must be a province XX0000, a prefecture-level unit XXXX00 or ${COUNTRY_CODE}: ${area}`);
  }
  // a 陕西 area is the committed 陕西 build
  const code = area.startsWith('61') ? ROOT_PROVINCE_CODE : area;
  const out = values.out ?? fileURLToPath(areaDataUrl(code, {}));
  const r = await runAreaBuild(code, {
    out,
    check: values.check,
    countiesFile: values.counties,
    countiesCrs: crs,
    log: console.log,
    progressBar: !values.quiet && process.stderr.isTTY === true,
  });
  if (!r.withinBudget) process.exitCode = 1;
  if (values.check && r.changed.length > 0) process.exitCode = 1;
}

await main();
