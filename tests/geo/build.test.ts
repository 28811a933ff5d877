import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { geojsonCounties } from '../../geo/build/boundaries.ts';
import { buildArea } from '../../geo/build/area-build.ts';
import { runAreaBuild } from '../../geo/build/run.ts';
import { seededRandom } from '../../geo/build/synth.ts';
import { descendantsAt } from '../../geo/registry.ts';
import type { LngLat, RegionFeatureCollection } from '../../geo/types.ts';

const DATA = new URL('../../geo/data/', import.meta.url);
const committed = (path: string): string => readFileSync(new URL(path, DATA), 'utf8');

describe('deterministic generation', () => {
  it('`geo:build --check` regenerates the committed 陕西 data byte for byte', async () => {
    const r = await runAreaBuild('610000', { out: fileURLToPath(DATA), check: true });
    expect(r.changed).toEqual([]);
    expect(r.withinBudget).toBe(true);
    expect(r.report.counts).toMatchObject({ counties: 107, matched: 99, joinedByName: 8, illustrative: 0 });
  }, 120_000);

  it('seeded random streams repeat per key and differ between keys', () => {
    const a = seededRandom('610113');
    const b = seededRandom('610113');
    const c = seededRandom('610114');
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
  });
});

describe('custom county boundaries (--counties FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geo-counties-'));
  const tongchuan = JSON.parse(committed('city/610200.json')) as { counties: RegionFeatureCollection };
  const asCustomer = {
    type: 'FeatureCollection',
    features: tongchuan.counties.features.map((f) => ({
      type: 'Feature',
      properties: { adcode: Number(f.properties.code) },
      geometry: f.geometry,
    })),
  };
  const file = join(dir, 'tongchuan.geojson');
  writeFileSync(file, JSON.stringify(asCustomer));

  it('reads 6-digit codes from properties.adcode and converts WGS-84 to GCJ-02', () => {
    const gcj = geojsonCounties(file, 'gcj02');
    const wgs = geojsonCounties(file, 'wgs84');
    expect(gcj.map((s) => s.code)).toEqual(tongchuan.counties.features.map((f) => f.properties.code));
    const first = (g: (typeof gcj)[number]['geometry']): LngLat =>
      g.type === 'Polygon' ? g.coordinates[0]![0]! : g.coordinates[0]![0]![0]!;
    const [x0, y0] = first(gcj[0]!.geometry);
    const [x1, y1] = first(wgs[0]!.geometry);
    expect(x1 - x0).toBeGreaterThan(0.001); // GCJ-02 lies east of WGS-84 around 铜川
    expect(Math.abs(y1 - y0)).toBeLessThan(0.01);
  });

  it('rejects a feature without a code', () => {
    const bad = join(dir, 'bad.geojson');
    writeFileSync(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { name: 'x' }, geometry: null }],
      }),
    );
    expect(() => geojsonCounties(bad, 'gcj02')).toThrow(/6-digit code/);
  });

  const build = async (countiesFile: string): Promise<Map<string, string>> => {
    const files = new Map<string, string>();
    const r = await buildArea('610200', { countiesFile, emit: (p, t) => files.set(p, t) });
    files.set('report', JSON.stringify(r.report));
    return files;
  };

  it('builds a prefecture from it: its counties come from the file, their townships follow', async () => {
    const files = await build(file);
    const report = JSON.parse(files.get('report')!) as { units: { code: string; source?: string }[] };
    expect(report.units.map((u) => [u.code, u.source])).toEqual(
      ['610202', '610203', '610204', '610222'].map((c) => [c, file]),
    );
    const bundle = JSON.parse(files.get('city/610200.json')!) as { townships: RegionFeatureCollection };
    expect(bundle.townships.features.map((f) => f.properties.code)).toEqual(
      descendantsAt('610200', 'township').map((r) => r.code),
    );
  }, 60_000);

  it('fails on a code that is not in the hierarchy', async () => {
    const unknown = join(dir, 'unknown.geojson');
    const f = asCustomer.features[0]!;
    writeFileSync(
      unknown,
      JSON.stringify({ type: 'FeatureCollection', features: [{ ...f, properties: { code: '610199' } }] }),
    );
    await expect(build(unknown)).rejects.toThrow(/610199 is not in the hierarchy/);
  });
});

describe('run-time modules', () => {
  const runtime = ['registry.ts', 'spatial.ts', 'codes.ts', 'geometry.ts', 'browser.ts', 'types.ts'];
  const importsOf = (file: string): string[] =>
    [...readFileSync(new URL(`../../geo/${file}`, import.meta.url), 'utf8').matchAll(/from '([^']+)'/g)].map(
      (m) => m[1]!,
    );

  it('the import scan finds imports (so that an empty result below means something)', () => {
    expect(importsOf('registry.ts').length).toBeGreaterThan(0);
  });

  it.each(runtime)('%s imports no npm package (they are build inputs only) and nothing above geo/', (file) => {
    const imports = importsOf(file);
    expect(imports.filter((s) => !s.startsWith('.') && !s.startsWith('node:'))).toEqual([]);
    expect(imports.filter((s) => s.startsWith('..'))).toEqual([]);
  });

  it.each(['browser.ts', 'codes.ts'])('%s is browser-safe (no node: imports)', (file) => {
    expect(importsOf(file).filter((s) => s.startsWith('node:'))).toEqual([]);
  });
});
