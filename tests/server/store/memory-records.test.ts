// MemoryStore's records carry a CRC-32: a corrupt record in the middle of a log stops open()
// with its file and position; with repair the bad bytes are moved aside and every valid record
// before and after them is kept. Logs and snapshots written before checksums still load.
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, type MemoryStoreOptions } from '../../../server/store/memory.ts';
import { CorruptRecordError } from '../../../server/store/memory/records.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'zhdj-records-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function openStore(dataDir: string, o: Partial<MemoryStoreOptions> = {}): Promise<MemoryStore> {
  const s = new MemoryStore({ dataDir, compactIntervalMs: 0, ...o });
  await s.open();
  return s;
}
const kpi = async (s: MemoryStore) => (await viewsOf(s).snapshot(F.T_COUNTY, F.NOW)).kpi;
const refused = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const LINE_RE = /^(.*)\t([0-9a-f]{8})$/;
const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

/** A store with a roster and three batches, one log line each; closed. */
async function threeBatches(): Promise<{ d: string; log: string }> {
  const d = await dir();
  const s = await openStore(d);
  await s.putRoster(F.ROSTER);
  await s.ingest([F.study('b-a1', 'm1', F.NOW, 10, { id: 'one' })], F.NOW);
  await s.ingest([F.study('b-a1', 'm2', F.NOW, 20, { id: 'two' })], F.NOW);
  await s.ingest([F.study('b-a1', 'm3', F.NOW, 40, { id: 'three' })], F.NOW);
  await s.close();
  return { d, log: join(d, 'log.0.ndjson') };
}

/** The log with the third line's minutes changed: still JSON, only the checksum tells. */
async function corruptSecondBatch(log: string): Promise<{ offset: number; bad: string }> {
  const text = await readFile(log, 'utf8');
  const all = text.split('\n');
  const offset = Buffer.byteLength(all.slice(0, 2).join('\n') + '\n');
  const bad = all[2]!.replace('"minutes":20', '"minutes":90');
  expect(bad).not.toBe(all[2]);
  all[2] = bad;
  await writeFile(log, all.join('\n'));
  return { offset, bad };
}

describe('MemoryStore records', () => {
  it('every log and snapshot line carries the CRC-32 of its JSON', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    await s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW);
    await s.compact();
    await s.ingest([F.study('b-a1', 'm2', F.NOW)], F.NOW);
    await s.close();
    for (const f of ['snapshot.ndjson', 'log.1.ndjson']) {
      const ls = await lines(join(d, f));
      expect(ls.length).toBeGreaterThan(0);
      for (const l of ls) {
        const m = LINE_RE.exec(l)!;
        expect(m).not.toBeNull();
        expect(crc32(m[1]!).toString(16).padStart(8, '0')).toBe(m[2]);
      }
    }
  });

  it('logs and snapshots written before checksums still load', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    await s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW);
    await s.compact();
    await s.ingest([F.study('b-a2', 'm2', F.NOW, 10, { id: 'late' })], F.NOW);
    await s.close();
    for (const f of (await readdir(d)).filter((n) => n.endsWith('.ndjson'))) {
      const plain = (await lines(join(d, f))).map((l) => LINE_RE.exec(l)![1]);
      await writeFile(join(d, f), plain.join('\n') + '\n');
    }
    const s2 = await openStore(d);
    expect(await kpi(s2)).toMatchObject({ learnersToday: 2 });
    expect((await s2.ingest([F.study('b-a2', 'm2', F.NOW, 10, { id: 'late' })], F.NOW)).duplicates).toBe(1);
    await s2.close();
  });

  it('a corrupt record in the middle stops open() naming the file, byte and line, and changes nothing', async () => {
    const { d, log } = await threeBatches();
    const { offset } = await corruptSecondBatch(log);
    const before = await readFile(log);
    const err = await refused(openStore(d));
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect(err).toMatchObject({ file: log, offset, line: 3 });
    const msg = (err as Error).message;
    expect(msg).toContain(log);
    expect(msg).toContain(`byte ${offset}`);
    expect(msg).toContain('--repair');
    expect(await readFile(log)).toEqual(before);
    expect((await readdir(d)).filter((f) => f.includes('corrupt'))).toEqual([]);
    // the lock was let go: the repair can start at once
    const warnings: string[] = [];
    const log2 = { info: () => undefined, warn: (_o: object, m: string) => void warnings.push(m) };
    const s = await openStore(d, { repair: true, log: log2 });
    expect(s.repairs).toMatchObject([{ file: log, offset, lines: 1 }]);
    expect(warnings.join('\n')).toMatch(/repair: .* moved to .*corrupt-/);
    // everything before and after is kept; the bad record is gone and can be sent again
    expect(await kpi(s)).toMatchObject({ learnersToday: 2, studyMinutesToday: 50 });
    expect(await s.ingest([F.study('b-a1', 'm2', F.NOW, 20, { id: 'two' })], F.NOW)).toMatchObject({ accepted: 1 });
    expect(
      (await s.ingest([F.study('b-a1', 'm1', F.NOW, 10, { id: 'one' }), F.study('b-a1', 'm3', F.NOW, 40)], F.NOW))
        .duplicates,
    ).toBe(1);
    await s.close();
  });

  it('repair moves the bad bytes, and only them, to a file beside the log', async () => {
    const { d, log } = await threeBatches();
    const { offset, bad } = await corruptSecondBatch(log);
    const good = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '' && l !== bad);
    const s = await openStore(d, { repair: true });
    await s.close();
    expect(await readFile(`${log}.corrupt-${offset}`, 'utf8')).toBe(bad + '\n');
    expect(await lines(log)).toEqual(good);
    // repaired for good: a plain start works and finds the same
    const s2 = await openStore(d);
    expect(await kpi(s2)).toMatchObject({ learnersToday: 2, studyMinutesToday: 50 });
    await s2.close();
  });

  it('a run of bad lines (a lost newline, garbage) is moved aside whole; the torn last line is still only skipped', async () => {
    const { d, log } = await threeBatches();
    const all = (await readFile(log, 'utf8')).split('\n');
    // line 3 loses its newline into line 4's start, then a garbage line
    const offset = Buffer.byteLength(all.slice(0, 2).join('\n') + '\n');
    const text = [...all.slice(0, 2), all[2]!.slice(0, 30) + '\u0000\u0000', 'garbage', all[3], ''].join('\n');
    await writeFile(log, text);
    await appendFile(log, '{"b":1,"e":[{"id":"x","ty'); // torn last line
    const warnings: string[] = [];
    const s = await openStore(d, {
      repair: true,
      log: { info: () => undefined, warn: (_o, m) => void warnings.push(m) },
    });
    expect(s.repairs).toMatchObject([{ offset, lines: 2 }]);
    expect(warnings.join('\n')).toMatch(/torn last line skipped/);
    expect(await kpi(s)).toMatchObject({ learnersToday: 2, studyMinutesToday: 50 });
    await s.close();
    expect(await readFile(`${log}.corrupt-${offset}`, 'utf8')).toBe(all[2]!.slice(0, 30) + '\u0000\u0000\ngarbage\n');
  });

  it('a corrupt snapshot line stops open(), with or without repair', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    await s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW);
    await s.compact();
    await s.close();
    const snap = join(d, 'snapshot.ndjson');
    const text = await readFile(snap, 'utf8');
    await writeFile(snap, text.replace('"b-a1"', '"b-a9"'));
    for (const repair of [false, true]) {
      const err = await refused(openStore(d, { repair }));
      expect(err).toBeInstanceOf(CorruptRecordError);
      expect((err as Error).message).toContain(snap);
      expect((err as Error).message).toMatch(/does not apply to the snapshot/);
    }
  });
});
