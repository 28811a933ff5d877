// MemoryStore's files: group commit, crash without close, torn last line, compaction.
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../server/store/memory.ts';
import { Wal } from '../../../server/store/memory/wal.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'zhdj-mem-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function openStore(dataDir: string): Promise<MemoryStore> {
  const s = new MemoryStore({ dataDir, compactIntervalMs: 0 });
  await s.open();
  return s;
}

const view = async (s: MemoryStore) => ({ ...(await viewsOf(s).snapshot(F.T_COUNTY, F.NOW)), asOf: 0 });

describe('MemoryStore files', () => {
  it('group-commits concurrent appends into one fsync after the first', async () => {
    const wal = await Wal.open(join(await dir(), 'log.0.ndjson'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => wal.append(`{"n":${i}}`)));
    expect(wal.fsyncs).toBe(2);
    await wal.close();
  });

  // a crash without close (a process SIGKILLed after its acknowledgements) and its lock: memory-lock.test.ts

  it('ignores a torn last line (never acknowledged) but nothing before it', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    await s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW);
    await s.close();
    const logs = (await readdir(d)).filter((f) => f.startsWith('log.'));
    await appendFile(join(d, logs.at(-1)!), '{"b":1,"e":[{"id":"x","ty');
    const s2 = await openStore(d);
    expect((await viewsOf(s2).snapshot(F.T_COUNTY, F.NOW)).kpi.learnersToday).toBe(1);
    await s2.close();
  });

  it('compaction writes a snapshot, drops covered logs and keeps state and dedupe', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    const first = F.study('b-a1', 'm1', F.NOW, 5, { name: '欧阳娜娜' });
    await s.ingest(
      [first, F.checkin('b-a1', 'm2', F.NOW, 113.3, 23.1), F.transfer('b-a1', 'T1', 'approved', F.NOW)],
      F.NOW,
    );
    await s.compact();
    await s.ingest([F.study('b-a2', 'm3', F.NOW)], F.NOW);
    await s.compact();
    const files = (await readdir(d)).sort();
    expect(files).toEqual(['LOCK', 'log.2.ndjson', 'snapshot.ndjson']);
    const before = await view(s);
    await s.close();
    const s2 = await openStore(d);
    expect(await view(s2)).toEqual(before);
    expect((await s2.ingest([first], F.NOW)).duplicates).toBe(1);
    // masking happens at ingest: no raw name in any file
    for (const f of await readdir(d)) {
      if (f !== 'LOCK') expect(await readFile(join(d, f), 'utf8')).not.toContain('欧阳娜娜');
    }
    await s2.close();
  });

  it('loses nothing ingested while a compaction runs', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    const batch = (k: number) =>
      Array.from({ length: 50 }, (_, i) => F.study(i % 2 ? 'b-a1' : 'b-b1', `m${k}-${i}`, F.NOW - i * F.MIN));
    await s.ingest(batch(0), F.NOW);
    const work: Promise<unknown>[] = [];
    for (let k = 1; k <= 6; k++) {
      if (k === 3) work.push(s.compact());
      work.push(s.ingest(batch(k), F.NOW));
    }
    await Promise.all(work);
    const before = await view(s);
    expect(before.kpi.learnersToday).toBe(350);
    await s.close();
    const s2 = await openStore(d);
    expect(await view(s2)).toEqual(before);
    await s2.close();
  });
});
