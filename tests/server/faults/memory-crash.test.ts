// The server SIGKILLed mid-stream (MemoryStore): every batch it answered 200 is there after a
// restart (0 acknowledged events lost), a torn last line is tolerated, and nothing is counted
// twice. A real server process, real HTTP, four senders racing through group commit.
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { viewsOf } from '../store/views.ts';
import { listening, startServerProcess } from './memory/server-process.ts';

const TOKEN = 'ingest-secret-for-crash';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const BATCH = 100;
const SENDERS = 4;
const KILL_AFTER_ACKS = 40;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const now = Date.now();
const batch = (k: number): NormalizedEvent[] =>
  Array.from({ length: BATCH }, (_, i) => ({
    id: `k${k}-${i}`,
    type: 'transfer.updated',
    ts: now - 1000 - i,
    org: 'b1',
    member: `k${k}-m${i}`,
    transfer: `k${k}-t${i}`,
    stage: 'applied',
    toRegion: '440100',
  }));

describe('server SIGKILL mid-stream (memory engine)', () => {
  it('loses no acknowledged event', async () => {
    const d = await mkdtemp(join(tmpdir(), 'zhdj-crash-'));
    dirs.push(d);
    const p = startServerProcess(d, { INGEST_TOKENS: TOKEN });
    const url = await listening(p);
    const put = await fetch(`${url}/api/v1/roster`, { method: 'PUT', headers, body: JSON.stringify(ROSTER) });
    expect(put.status).toBe(200);

    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const sender = async (): Promise<void> => {
      while (!killed) {
        const k = next++;
        try {
          const r = await fetch(`${url}/api/v1/events`, { method: 'POST', headers, body: JSON.stringify(batch(k)) });
          if (r.status === 200) acked.push(k);
        } catch {
          return; // the server is gone
        }
        if (acked.length >= KILL_AFTER_ACKS && !killed) {
          killed = true;
          p.child.kill('SIGKILL'); // the other senders' batches are in flight
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    await p.exited;
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    // a write cut short by the kill, whether or not this one was
    const logs = (await readdir(d)).filter((f) => f.startsWith('log.')).sort();
    await appendFile(join(d, logs.at(-1)!), '{"b":1,"e":[{"id":"torn","ty');

    const s = new MemoryStore({ dataDir: d, compactIntervalMs: 0 });
    await s.open(); // takes over the dead holder's lock once it is stale
    try {
      // open transfer cases count without regard to the day: one per stored event
      const stored = (await viewsOf(s).snapshot('610113', Date.now())).kpi.transfersOpen;
      expect(stored).toBeGreaterThanOrEqual(acked.length * BATCH);
      // batch by batch: every acknowledged one is there whole; any other is there whole or not at all
      let found = 0;
      for (let k = 0; k < next; k++) {
        const r = await s.ingest(batch(k), Date.now());
        if (acked.includes(k)) expect(r).toMatchObject({ accepted: 0, duplicates: BATCH });
        else expect([0, BATCH]).toContain(r.duplicates);
        found += r.duplicates;
      }
      expect(found).toBe(stored); // nothing counted twice, nothing invented
      console.log(`SIGKILL mid-stream: ${acked.length} batches acknowledged, ${next} sent, 0 acknowledged lost`);
    } finally {
      await s.close();
    }
  }, 60_000);
});
