// Areas built for tests (npm run geo:build -- --area CODE into a cache under the OS temp dir):
// each area once per version of the build code, shared by test files and runs. A build goes to
// a fresh directory renamed into place, so parallel test files never see half an area.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAreaBuild } from '../../../geo/build/run.ts';

const BUILD_DIR = fileURLToPath(new URL('../../../geo/build/', import.meta.url));
const GEO_DIR = fileURLToPath(new URL('../../../geo/', import.meta.url));

/** A hash of the build's code: a cached area from other code is rebuilt. */
function buildKey(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(BUILD_DIR).sort()) if (f.endsWith('.ts')) h.update(readFileSync(join(BUILD_DIR, f)));
  for (const f of ['codes.ts', 'geometry.ts', 'types.ts']) h.update(readFileSync(join(GEO_DIR, f)));
  return h.digest('hex').slice(0, 12);
}

/** The directory of `code`'s built geography (built now if the cache lacks it). */
export async function builtArea(code: string): Promise<string> {
  const root = join(tmpdir(), 'zhdj-geo-areas');
  const dir = join(root, `${code}-${buildKey()}`);
  if (existsSync(join(dir, 'regions.json'))) return dir;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `.${code}-`));
  await runAreaBuild(code, { out: work });
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test file built it first
  }
  return dir;
}
