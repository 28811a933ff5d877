// The built screen's chunks (dist/screen/.vite/manifest.json, after `npm run build:screen`): the
// entry and everything it imports statically hold none of the map stack, so a page other than
// the wall (a tablet's console or remote) never downloads maplibre, deck.gl or echarts; the wall
// page's chunk reaches all three.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureScreenBuilt, ROOT } from './harness.ts';

interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const DIST = join(ROOT, 'dist/screen');
const MANIFEST = join(DIST, '.vite/manifest.json');
const WALL_PAGE = 'src/pages/wall/WallPage.tsx';
const CONSOLE_PAGE = 'src/pages/console/ConsolePage.tsx';
/** the console's own chunks on top of the entry (gzip): a tablet on a slow link */
const CONSOLE_BUDGET_GZIP_BYTES = 40_000;
/** what the map stack's chunks are named (screen/vite.config.ts) */
const MAP_STACK = ['maplibre', 'deckgl', 'echarts'];
/** what a page without a map may cost to download before its own chunk (gzip) */
const ENTRY_BUDGET_GZIP_BYTES = 120_000;

let manifest: Manifest;

/** the chunk and every chunk it imports statically, transitively (what loading it downloads) */
function staticClosure(key: string): string[] {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    const chunk = manifest[k];
    if (!chunk) throw new Error(`manifest has no chunk ${k}`);
    seen.add(k);
    for (const i of chunk.imports ?? []) visit(i);
  };
  visit(key);
  return [...seen];
}

const namesOf = (keys: string[]) => keys.map((k) => manifest[k]!.name ?? k);

beforeAll(() => {
  ensureScreenBuilt();
  if (!existsSync(MANIFEST)) throw new Error(`${MANIFEST} missing: run npm run build:screen`);
  manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
});

describe('screen chunks', () => {
  it('the entry and its static imports hold no map stack', () => {
    const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry);
    expect(entries).toEqual(['index.html']);
    const names = namesOf(staticClosure('index.html'));
    for (const lib of MAP_STACK) expect(names).not.toContain(lib);
    const gz = (k: string) => gzipSync(readFileSync(join(DIST, manifest[k]!.file))).length;
    const bytes = staticClosure('index.html').reduce((n, k) => n + gz(k), 0);
    console.log(`screen entry + static imports: ${bytes} bytes gzip (${names.join(', ')})`);
    expect(bytes).toBeLessThan(ENTRY_BUDGET_GZIP_BYTES);
  });

  it('the wall page is loaded by import() and brings the whole map stack', () => {
    expect(manifest['index.html']!.dynamicImports).toContain(WALL_PAGE);
    expect(manifest[WALL_PAGE]!.isDynamicEntry).toBe(true);
    const names = namesOf(staticClosure(WALL_PAGE));
    for (const lib of MAP_STACK) expect(names).toContain(lib);
  });

  it('the console page is loaded by import() and brings none of the map stack, in a small chunk', () => {
    expect(manifest['index.html']!.dynamicImports).toContain(CONSOLE_PAGE);
    expect(manifest[CONSOLE_PAGE]!.isDynamicEntry).toBe(true);
    const closure = staticClosure(CONSOLE_PAGE);
    const names = namesOf(closure);
    for (const lib of MAP_STACK) expect(names).not.toContain(lib);
    const entry = new Set(staticClosure('index.html'));
    const own = closure.filter((k) => !entry.has(k));
    const bytes = own.reduce((n, k) => n + gzipSync(readFileSync(join(DIST, manifest[k]!.file))).length, 0);
    console.log(`console page beyond the entry: ${bytes} bytes gzip (${namesOf(own).join(', ')})`);
    expect(bytes).toBeLessThan(CONSOLE_BUDGET_GZIP_BYTES);
  });
});
