// One process per DATA_DIR: a second store on a directory in use refuses to open (after waiting
// for the holder to let go), and opens once it has; a holder that is SIGKILLed leaves a lock that
// goes stale and is taken over, with everything it acknowledged recovered.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../server/store/memory.ts';
import { DataDirLockedError } from '../../../server/store/memory/lock.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'zhdj-lock-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('DATA_DIR lock', () => {
  it('a second store on a directory in use refuses to open, naming it; it opens once the first closed', async () => {
    const d = await dir();
    const a = new MemoryStore({ dataDir: d, compactIntervalMs: 0 });
    await a.open();
    await a.putRoster(F.ROSTER);
    await a.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW);
    const b = new MemoryStore({ dataDir: d, compactIntervalMs: 0, lockWaitMs: 500 });
    const refused = await b.open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect(String((refused as Error).message)).toContain(d);
    // the first one is untouched and still acknowledges
    expect((await a.ingest([F.study('b-a1', 'm2', F.NOW)], F.NOW)).accepted).toBe(1);
    // a rolling update: the new process waits while the old one finishes and closes
    const c = new MemoryStore({ dataDir: d, compactIntervalMs: 0, lockWaitMs: 10_000 });
    const opening = c.open();
    await new Promise((r) => setTimeout(r, 300));
    await a.close();
    await opening;
    expect((await viewsOf(c).snapshot(F.T_COUNTY, F.NOW)).kpi.learnersToday).toBe(2);
    await c.close();
  });

  it('a holder SIGKILLed leaves a stale lock that is taken over; everything it acknowledged is there', async () => {
    const d = await dir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./memory/crash-child.ts', import.meta.url)), d],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => b.toString().includes('acked') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(await readdir(d)).toContain('LOCK');
    const t0 = Date.now();
    const s = new MemoryStore({ dataDir: d, compactIntervalMs: 0 });
    await s.open();
    console.log(`DATA_DIR lock of a SIGKILLed holder taken over after ${Date.now() - t0} ms`);
    const kpi = (await viewsOf(s).snapshot(F.T_COUNTY, F.NOW)).kpi;
    expect(kpi).toMatchObject({ learnersToday: 1, meetingsMonth: 1, pointsMonth: 9 });
    await s.close();
  }, 30_000);
});
