// MemoryStore is durable-then-apply: a batch reaches the aggregates (and its ids stay seen)
// only once its log line is on disk. A failed write leaves no trace; the store cuts the torn
// bytes off, retries by itself and recovers when the disk does; a lost DATA_DIR lock stays
// down. Faults are injected through the log's file operations (memory/fault-io.ts).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import { StoreUnavailableError } from '../../../server/store/types.ts';
import { FaultIo } from './memory/fault-io.ts';
import * as F from './fixtures.ts';
import { viewsOf } from './views.ts';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'zhdj-durable-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function openStore(dataDir: string, io?: FaultIo): Promise<MemoryStore> {
  const s = new MemoryStore({ dataDir, compactIntervalMs: 0, ...(io ? { walIo: io } : {}) });
  await s.open();
  return s;
}
const view = async (s: MemoryStore) => ({ ...(await viewsOf(s).snapshot(F.T_COUNTY, F.NOW)), asOf: 0 });
const learners = async (s: MemoryStore) => (await viewsOf(s).snapshot(F.T_COUNTY, F.NOW)).kpi.learnersToday;
const batch = (tag: string, n: number): NormalizedEvent[] =>
  Array.from({ length: n }, (_, i) => F.study(i % 2 ? 'b-a1' : 'b-b1', `${tag}-${i}`, F.NOW - i * F.MIN));
const refused = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const logSize = async (d: string) => (await stat(join(d, 'log.0.ndjson'))).size;

async function until(what: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MemoryStore durable-then-apply', () => {
  it.each([
    ['a full disk (torn write)', (io: FaultIo) => ((io.failWrites = 'ENOSPC'), (io.tornBytes = 100))],
    ['a read-only file system', (io: FaultIo) => (io.failWrites = 'EROFS')],
    ['an fsync error', (io: FaultIo) => (io.failSyncs = 'EIO')],
  ])('%s: the refused batch leaves no trace; retried once the disk is back it is accepted', async (_n, fault) => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    const a = batch('a', 20);
    await s.ingest(a, F.NOW);
    const before = await view(s);
    const version = await s.version();
    const good = await logSize(d);

    fault(io);
    const b = batch('b', 30);
    const err = await refused(s.ingest(b, F.NOW));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(await view(s)).toEqual(before);
    expect(await s.version()).toBe(version);
    expect(await logSize(d)).toBe(good); // the torn bytes are cut off
    const health = await s.health();
    expect(health.ok).toBe(false);
    expect(String(health.detail?.error)).toMatch(/ENOSPC|EROFS|EIO/);
    // still failing: each ingest tries again and is refused again
    expect(await refused(s.ingest(b, F.NOW))).toBeInstanceOf(StoreUnavailableError);

    io.heal();
    expect(await s.ingest(b, F.NOW)).toMatchObject({ accepted: 30, duplicates: 0 });
    expect((await s.health()).ok).toBe(true);
    expect(await learners(s)).toBe(50);
    const live = await view(s);
    await s.close();

    const s2 = await openStore(d);
    expect(await view(s2)).toEqual(live);
    expect((await s2.ingest([...a, ...b], F.NOW)).duplicates).toBe(50);
    await s2.close();
  });

  it('recovers by itself without traffic: a probe retries with backoff and health says the truth', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    io.failWrites = 'ENOSPC';
    expect(await refused(s.ingest(batch('a', 5), F.NOW))).toBeInstanceOf(StoreUnavailableError);
    await new Promise((r) => setTimeout(r, 600)); // a probe or two, still failing
    expect((await s.health()).ok).toBe(false);
    const probes = io.failures;
    expect(probes).toBeGreaterThan(1);
    io.heal();
    await until(async () => (await s.health()).ok);
    expect(await s.ingest(batch('a', 5), F.NOW)).toMatchObject({ accepted: 5 });
    await s.close();
  });

  it('when even the cut back fails, the next write cuts first: no refused bytes before a later record', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    await s.ingest(batch('a', 3), F.NOW);
    const good = await logSize(d);
    io.failWrites = 'ENOSPC';
    io.tornBytes = 4000; // whole lines of the refused batch reach the file
    io.failTruncates = true;
    expect(await refused(s.ingest(batch('b', 100), F.NOW))).toBeInstanceOf(StoreUnavailableError);
    expect(await logSize(d)).toBeGreaterThan(good);
    io.heal();
    expect(await s.ingest(batch('c', 4), F.NOW)).toMatchObject({ accepted: 4 });
    expect(await learners(s)).toBe(7);
    await s.close();
    const s2 = await openStore(d);
    expect(await learners(s2)).toBe(7);
    await s2.close();
  });

  it('a roster whose write fails is not applied', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    const version = await s.version();
    io.failWrites = 'EIO';
    const smaller = F.ROSTER.filter((o) => o.id !== 'b-b1');
    expect(await refused(s.putRoster(smaller))).toBeInstanceOf(StoreUnavailableError);
    expect(await s.getRoster()).toEqual(F.ROSTER);
    expect(s.isKnownOrg('b-b1')).toBe(true);
    expect(await s.version()).toBe(version);
    io.heal();
    await s.close();
    const s2 = await openStore(d);
    expect(await s2.getRoster()).toEqual(F.ROSTER);
    await s2.close();
  });

  it('batches racing through one group commit dedupe against each other; a duplicate waits for its original', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    const x = F.study('b-a1', 'mx', F.NOW);
    const y = F.study('b-a1', 'my', F.NOW);

    // the original succeeds: the duplicate answers after it, not before
    let release!: () => void;
    io.hold = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const first = s.ingest([x], F.NOW).then((r) => (order.push('x'), r));
    const again = s.ingest([{ ...x }], F.NOW).then((r) => (order.push('dup'), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    io.hold = null;
    release();
    expect(await first).toMatchObject({ accepted: 1 });
    expect(await again).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(order).toEqual(['x', 'dup']);

    // the original fails: neither the batch that saw its id as a duplicate nor a batch of only
    // duplicates is acknowledged, and the retries are accepted
    const z = F.study('b-b1', 'mz', F.NOW);
    io.hold = new Promise<void>((r) => (release = r));
    const orig = refused(s.ingest([z], F.NOW));
    const mixed = refused(s.ingest([{ ...z }, y], F.NOW));
    const onlyDup = refused(s.ingest([{ ...z }], F.NOW));
    await new Promise((r) => setTimeout(r, 50));
    io.failWrites = 'ENOSPC';
    io.hold = null;
    release();
    for (const p of [orig, mixed, onlyDup]) expect(await p).toBeInstanceOf(StoreUnavailableError);
    expect(await learners(s)).toBe(1);
    io.heal();
    expect(await s.ingest([{ ...z }], F.NOW)).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await s.ingest([{ ...z }, y], F.NOW)).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await learners(s)).toBe(3);
    await s.close();
  });

  it('under racing batches and failing groups: the acknowledged events, and only they, are live and replayed', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    let calls = 0;
    io.failWhen = () => (++calls % 3 === 0 ? 'ENOSPC' : null);
    const acked = new Set<string>();
    const work: Promise<void>[] = [];
    for (let k = 0; k < 60; k++) {
      // overlapping ids: each batch repeats some of the previous batch's events
      const evs = Array.from({ length: 10 }, (_, i) =>
        F.study('b-a1', `r-${k * 7 + i}`, F.NOW, 1, { id: `r-${k * 7 + i}` }),
      );
      work.push(
        s.ingest(evs, F.NOW).then(
          () => void evs.forEach((e) => acked.add(e.id)),
          () => undefined,
        ),
      );
      if (k % 5 === 4) await Promise.all(work.splice(0));
    }
    await Promise.all(work);
    io.heal();
    expect(acked.size).toBeGreaterThan(0);
    expect(await learners(s)).toBe(acked.size);
    const live = await view(s);
    await s.close();
    const s2 = await openStore(d);
    expect(await view(s2)).toEqual(live);
    const all = Array.from({ length: 60 * 7 + 3 }, (_, i) => F.study('b-a1', `r-${i}`, F.NOW, 1, { id: `r-${i}` }));
    const r = await s2.ingest(all, F.NOW);
    expect(r.duplicates).toBe(acked.size);
    await s2.close();
  });

  it('a compaction cut while a batch is in flight keeps none of its ids when its write fails', async () => {
    const d = await dir();
    const io = new FaultIo();
    const s = await openStore(d, io);
    await s.putRoster(F.ROSTER);
    let release!: () => void;
    io.hold = new Promise<void>((r) => (release = r));
    const a = batch('a', 5);
    const b = batch('b', 5);
    const first = s.ingest(a, F.NOW); // held in its write
    const compaction = s.compact(); // the switch queues behind it
    await new Promise((r) => setTimeout(r, 20));
    const second = refused(s.ingest(b, F.NOW)); // behind the switch: in flight at the cut
    io.failWhen = (buf) => (buf.includes('"b-0"') ? 'ENOSPC' : null);
    io.hold = null;
    release();
    await first;
    await compaction;
    expect(await second).toBeInstanceOf(StoreUnavailableError);
    io.heal();
    await s.close();
    const s2 = await openStore(d);
    expect(await s2.ingest(b, F.NOW)).toMatchObject({ accepted: 5, duplicates: 0 });
    expect(await learners(s2)).toBe(10);
    await s2.close();
  });

  it('a lost DATA_DIR lock stays down: no probe or later write brings it back', async () => {
    const d = await dir();
    const s = await openStore(d);
    await s.putRoster(F.ROSTER);
    await rm(join(d, 'LOCK'), { recursive: true }); // the lock refresh finds it gone: compromised
    await until(async () => !(await s.health()).ok);
    expect(String((await s.health()).detail?.error)).toMatch(/lock/);
    expect(await refused(s.ingest(batch('a', 2), F.NOW))).toBeInstanceOf(StoreUnavailableError);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await s.health()).ok).toBe(false);
    expect(await refused(s.ingest(batch('a', 2), F.NOW))).toBeInstanceOf(StoreUnavailableError);
    await s.close();
  });
});
