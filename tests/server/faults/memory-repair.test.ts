// A corrupt record in the middle of a log: `npm run server` refuses to start, naming the file,
// the byte and `--repair`; `npm run server -- --repair` moves the bad bytes aside, logs it, and
// serves everything before and after them. A real server process.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../server/store/memory.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { listening, startServerProcess } from './memory/server-process.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const now = Date.now();
const transfer = (id: string) => ({
  id,
  type: 'transfer.updated' as const,
  ts: now - 1000,
  org: 'b1',
  member: `m-${id}`,
  transfer: `t-${id}`,
  stage: 'applied' as const,
  toRegion: '440100',
});

describe('--repair', () => {
  it('refuses to start on a corrupt middle record, then repairs with --repair', async () => {
    const d = await mkdtemp(join(tmpdir(), 'zhdj-repair-'));
    dirs.push(d);
    const s = new MemoryStore({ dataDir: d, compactIntervalMs: 0 });
    await s.open();
    await s.putRoster(ROSTER);
    for (const id of ['one', 'two', 'three']) await s.ingest([transfer(id)], now);
    await s.close();
    const log = join(d, 'log.0.ndjson');
    const all = (await readFile(log, 'utf8')).split('\n');
    const offset = Buffer.byteLength(all.slice(0, 2).join('\n') + '\n');
    all[2] = all[2]!.replace('"m-two"', '"m-owt"'); // still JSON: only the checksum tells
    await writeFile(log, all.join('\n'));

    const plain = startServerProcess(d, {});
    expect(await plain.exited).not.toBe(0);
    expect(plain.output()).toContain(`corrupt record in ${log} at byte ${offset} (line 3)`);
    expect(plain.output()).toContain('npm run server -- --repair');

    const p = startServerProcess(d, {}, ['--repair']);
    try {
      const url = await listening(p);
      expect(p.output()).toMatch(/repair: \d+ corrupt bytes of .*log\.0\.ndjson moved to .*corrupt-/);
      const kpi = (await (await fetch(`${url}/api/v1/snapshot?region=610113`)).json()).kpi;
      expect(kpi.transfersOpen).toBe(2);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
    expect(await readdir(d)).toContain(`log.0.ndjson.corrupt-${offset}`);
  }, 60_000);
});
