// Runs an area build into a directory (or checks one): writes each file as it is made, removes
// files a previous build left that this one does not make, measures sizes and the walls'
// geography loads against the budgets (geo/browser.ts), prints the build report's counts.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import cliProgress from 'cli-progress';
import { NATIONAL_BUDGET_GZIP_BYTES, WALL_BUDGET_GZIP_BYTES, wallLoadFor } from '../browser.ts';
import { COUNTRY_CODE } from '../codes.ts';
import { buildArea, type AreaBuildResult } from './area-build.ts';
import type { Crs } from './boundaries.ts';
import { gzipBytes } from './output.ts';

export interface RunOptions {
  out: string;
  check?: boolean;
  countiesFile?: string | undefined;
  countiesCrs?: Crs | undefined;
  log?: (line: string) => void;
  /** a progress bar on stderr (interactive runs) */
  progressBar?: boolean;
  progress?: (done: number, total: number, unit: string) => void;
}

export interface RunResult extends AreaBuildResult {
  seconds: number;
  files: number;
  rawBytes: number;
  /** gzip bytes of every file but the county (village) files, and of the largest county file */
  gzip: Map<string, number>;
  /** the largest wall load (gzip bytes) and which wall it is */
  largestWallLoad: { region: string; bytes: number; budget: number };
  withinBudget: boolean;
  changed: string[];
}

function listJson(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export async function runAreaBuild(code: string, opts: RunOptions): Promise<RunResult> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const made = new Set<string>();
  const changed: string[] = [];
  const gzip = new Map<string, number>();
  let rawBytes = 0;
  let largestCounty = { path: '', raw: 0, text: '' };
  const bar = opts.progressBar
    ? new cliProgress.SingleBar(
        { format: `geo ${code} [{bar}] {value}/{total} county-level units  {unit}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barStarted = false;
  const result = await buildArea(code, {
    countiesFile: opts.countiesFile,
    countiesCrs: opts.countiesCrs,
    emit(path, text) {
      made.add(path);
      const bytes = Buffer.byteLength(text);
      rawBytes += bytes;
      if (path.startsWith('county/')) {
        if (bytes > largestCounty.raw) largestCounty = { path, raw: bytes, text };
      } else gzip.set(path, gzipBytes(text));
      const file = join(opts.out, path);
      if (opts.check) {
        if (!existsSync(file) || readFileSync(file, 'utf8') !== text) changed.push(path);
        return;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    },
    progress(done, total, unit) {
      if (bar && !barStarted) {
        bar.start(total, 0, { unit: '' });
        barStarted = true;
      }
      bar?.update(done, { unit });
      opts.progress?.(done, total, unit);
    },
  });
  bar?.stop();
  if (largestCounty.path) gzip.set(largestCounty.path, gzipBytes(largestCounty.text));
  for (const stale of listJson(opts.out).filter((p) => !made.has(p))) {
    if (opts.check) changed.push(`${stale} (not made by this build)`);
    else rmSync(join(opts.out, stale));
  }

  // the walls' geography loads: the national wall, each province wall, each prefecture wall
  const walls = [
    ...(code === COUNTRY_CODE ? [COUNTRY_CODE] : []),
    ...[...made].filter((p) => p.startsWith('province/')).map((p) => p.slice(9, 15)),
    ...[...made].filter((p) => p.startsWith('city/')).map((p) => p.slice(5, 11)),
  ];
  let largest = { region: '', bytes: 0, budget: WALL_BUDGET_GZIP_BYTES };
  let withinBudget = true;
  for (const region of walls) {
    const budget = region === COUNTRY_CODE ? NATIONAL_BUDGET_GZIP_BYTES : WALL_BUDGET_GZIP_BYTES;
    const bytes = wallLoadFor(region).reduce((sum, url) => sum + (gzip.get(url.replace(/^\/geo\//, '')) ?? 0), 0);
    if (bytes > budget) {
      withinBudget = false;
      log(`over budget: the wall at ${region} loads ${bytes} B gzip (budget ${budget} B)`);
    }
    if (bytes / budget > largest.bytes / largest.budget) largest = { region, bytes, budget };
  }
  const seconds = (Date.now() - started) / 1000;
  const c = result.report.counts;
  const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
  const gzTotal = [...gzip].filter(([p]) => !p.startsWith('county/')).reduce((s, [, b]) => s + b, 0);
  log(
    `geo ${code}: ${made.size} files, ${mb(rawBytes)} raw (${mb(gzTotal)} gzip without the village files) ` +
      `in ${seconds.toFixed(1)} s → ${opts.out}`,
  );
  log(
    `  regions: ${Object.entries(result.levels)
      .filter(([, n]) => n > 0)
      .map(([l, n]) => `${n} ${l}`)
      .join(', ')}`,
  );
  log(
    `  county-level units ${c.counties}: ${c.matched} matched, ${c.joinedByName} joined by name, ` +
      `${c.illustrative} illustrative; ${c.unusedBoundaries} unused boundaries; ` +
      `report ${join(opts.out, 'build-report.json')}`,
  );
  log(
    `  largest wall load: ${largest.region} ${largest.bytes} B gzip (budget ${largest.budget} B); ` +
      `largest village file ${largestCounty.path} ${gzip.get(largestCounty.path) ?? 0} B gzip`,
  );
  if (opts.check) log(changed.length ? `differs from ${opts.out}: ${changed.join(', ')}` : `identical to ${opts.out}`);
  return {
    ...result,
    seconds,
    files: made.size,
    rawBytes,
    gzip,
    largestWallLoad: largest,
    withinBudget,
    changed,
  };
}
