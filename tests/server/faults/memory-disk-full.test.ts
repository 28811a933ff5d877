// A full, read-only or failing DATA_DIR under the real app: ingest answers 503 + Retry-After and
// walls see no trace of the refused batch, /readyz says why (503), /healthz stays 200; once the
// disk is back the store recovers by itself, the same batch is accepted (not a duplicate), and a
// restart finds exactly the acknowledged events. A real full file system (a small tmpfs, when
// this process may mount one) and injected faults (memory/fault-io.ts) for the other kinds.
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import app, { serverOptions } from '../../../server/app.ts';
import { testConfig } from '../../../server/config.ts';
import type { NormalizedEvent } from '../../../server/contract/index.ts';
import { storeOptions } from '../../../server/plugins/store.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import { buildTestApp } from '../lib/app.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { FaultIo } from '../store/memory/fault-io.ts';
import { viewsOf } from '../store/views.ts';

const TOKEN = 'ingest-secret-for-faults';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const REGION = '610113';
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const now = Date.now();
// transfer cases: open ones count without regard to the day, so no clock hour matters here
const batch = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}-${i}`,
    type: 'transfer.updated',
    ts: now - 1000 - i,
    org: 'b1',
    member: `${tag}-m${i}`,
    transfer: `${tag}-t${i}`,
    stage: 'applied',
    toRegion: '440100',
  }));

async function until(what: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The same questions of any app: ingest, what walls see, readiness, liveness. */
function client(fastify: FastifyInstance) {
  return {
    post: (events: unknown[]) =>
      fastify.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: JSON.stringify(events) }),
    putRoster: (orgs: unknown) =>
      fastify.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload: JSON.stringify(orgs) }),
    kpi: async () => (await fastify.inject({ method: 'GET', url: `/api/v1/snapshot?region=${REGION}` })).json().kpi,
    readyz: () => fastify.inject({ method: 'GET', url: '/readyz' }),
    healthz: () => fastify.inject({ method: 'GET', url: '/healthz' }),
  };
}

/** What a restart finds in `dataDir`: the open transfers and how many of `events` it already has. */
async function restart(dataDir: string, events: { id: string }[]): Promise<{ open: number; known: number }> {
  const s = new MemoryStore({ ...storeOptions(testConfig()), dataDir, compactIntervalMs: 0 });
  await s.open();
  try {
    const open = (await viewsOf(s).snapshot(REGION, Date.now())).kpi.transfersOpen;
    const known = (await s.ingest(events.map((e) => ({ ...e })) as NormalizedEvent[], Date.now())).duplicates;
    return { open, known };
  } finally {
    await s.close();
  }
}

/** The app over a MemoryStore whose log writes go through `io`. */
async function faultyApp(io: FaultIo): Promise<{ fastify: FastifyInstance; dataDir: string; store: MemoryStore }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zhdj-faults-'));
  dirs.push(dataDir);
  const config = testConfig({ DATA_DIR: dataDir, INGEST_TOKENS: TOKEN });
  const store = new MemoryStore({ ...storeOptions(config), dataDir, compactIntervalMs: 0, walIo: io });
  await store.open();
  const fastify = Fastify({ ...serverOptions(config), logger: false });
  await fastify.register(app, { config, store, screenDir: join(dataDir, 'no-screen') });
  await fastify.ready();
  return { fastify, dataDir, store };
}

describe('a DATA_DIR that cannot take writes (injected faults)', () => {
  it.each([
    ['full (a torn write, then ENOSPC)', (io: FaultIo) => ((io.failWrites = 'ENOSPC'), (io.tornBytes = 500))],
    ['read-only (EROFS)', (io: FaultIo) => (io.failWrites = 'EROFS')],
    ['failing fsync (EIO)', (io: FaultIo) => (io.failSyncs = 'EIO')],
  ])(
    '%s: 503, no trace, the truth on /readyz, recovery, exactly the acknowledged after a restart',
    async (_n, fault) => {
      const io = new FaultIo();
      const { fastify, dataDir, store } = await faultyApp(io);
      const c = client(fastify);
      expect((await c.putRoster(ROSTER)).statusCode).toBe(200);
      const a = batch('a', 40);
      expect((await c.post(a)).json()).toMatchObject({ accepted: 40 });
      const before = await c.kpi();

      fault(io);
      const b = batch('b', 60);
      const r = await c.post(b);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('2');
      expect(await c.kpi()).toEqual(before);
      const ready = await c.readyz();
      expect(ready.statusCode).toBe(503);
      // the reason for anyone, the data path only for an operations caller
      expect(ready.json()).toMatchObject({ ok: false, reason: expect.stringMatching(/ENOSPC|EROFS|EIO/) });
      expect(ready.body).not.toContain(dataDir);
      expect((await c.healthz()).statusCode).toBe(200);
      // a roster replacement is refused alike and leaves the roster as it was
      const roster = await c.putRoster(ROSTER.filter((o) => o.id !== 'b2'));
      expect(roster.statusCode).toBe(503);
      expect(roster.headers['retry-after']).toBe('2');
      expect((await c.kpi()).orgs).toBe(before.orgs);

      io.heal();
      await until(async () => (await c.readyz()).statusCode === 200);
      expect((await c.post(b)).json()).toMatchObject({ accepted: 60, duplicates: 0 });
      expect((await c.kpi()).transfersOpen).toBe(100);
      await fastify.close();
      await store.close();
      expect(await restart(dataDir, [...a, ...b])).toEqual({ open: 100, known: 100 });
    },
  );
});

/** Mounts a tmpfs of `bytes` at a new directory; null when this process may not mount. */
function mountTmpfs(bytes: number): string | null {
  const d = join(tmpdir(), `zhdj-tmpfs-${process.pid}-${Date.now()}`);
  try {
    execFileSync('mkdir', ['-p', d]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', d], { stdio: 'ignore' });
    return d;
  } catch {
    return null;
  }
}

/** Fills the file system holding `path` to the last byte. */
async function fill(path: string): Promise<void> {
  const fh = await open(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await fh.write(chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    for (let n = 4096; n >= 1; n = Math.floor(n / 2)) await fh.write(chunk.subarray(0, n)).catch(() => undefined);
  } finally {
    await fh.close();
  }
}

describe('a real full file system (tmpfs)', () => {
  it('ENOSPC: 503 and no trace, then space returns and the store recovers by itself', async (ctx) => {
    const mnt = mountTmpfs(2 * 2 ** 20);
    if (!mnt) return ctx.skip('mount -t tmpfs is not permitted here');
    try {
      const dataDir = join(mnt, 'data');
      const t = await buildTestApp({ DATA_DIR: dataDir, INGEST_TOKENS: TOKEN });
      const c = client(t.app);
      expect((await c.putRoster(ROSTER)).statusCode).toBe(200);
      const a = batch('a', 50);
      expect((await c.post(a)).json()).toMatchObject({ accepted: 50 });
      const before = await c.kpi();
      const log = join(dataDir, 'log.0.ndjson');
      const good = (await stat(log)).size;

      const filler = join(mnt, 'filler');
      await fill(filler);
      const b = batch('b', 300);
      const r = await c.post(b);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('2');
      expect(await c.kpi()).toEqual(before);
      expect((await stat(log)).size).toBe(good);
      const ready = await c.readyz();
      expect(ready.statusCode).toBe(503);
      expect(ready.json().reason).toMatch(/ENOSPC/);
      expect((await c.healthz()).statusCode).toBe(200);
      expect((await c.post(b)).statusCode).toBe(503); // still full: still refused

      await rm(filler);
      await until(async () => (await c.readyz()).statusCode === 200);
      expect((await c.post(b)).json()).toMatchObject({ accepted: 300, duplicates: 0 });
      expect((await c.kpi()).transfersOpen).toBe(350);
      await t.close();
      expect(await restart(dataDir, [...a, ...b])).toEqual({ open: 350, known: 350 });
    } finally {
      execFileSync('umount', [mnt]);
      await rm(mnt, { recursive: true, force: true });
    }
  });
});
