// Socket.IO /screen against a listening app with the real MemoryStore and real socket.io-client
// walls. "No frame arrived" is checked after frame ticks of the app's feeds, not after a sleep.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyFrame, applyMergePatch } from '../../../server/push/diff.ts';
import { StoreUnavailableError } from '../../../server/store/types.ts';
import { buildTestApp, type TestApp } from '../lib/app.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { connectWall, settled, until, type Wall } from '../lib/walls.ts';

const INTERVAL_MS = 100;
const INGEST = 'ingest-secret';
let t: TestApp;
let url: string;
const walls: Wall[] = [];
let n = 0;

function wall(region: string, token?: string): Wall {
  const w = connectWall(url, token === undefined ? { region } : { region, token });
  walls.push(w);
  return w;
}

const quiet = (...ws: Wall[]) => settled(t.app.feeds, ...ws);

async function ingestStudy(org = 'b1', count = 1): Promise<void> {
  const events = Array.from({ length: count }, () => ({
    id: `p${n++}`,
    type: 'study.completed',
    ts: Date.now() - 1000,
    org,
    member: `pm${n}`,
    name: '张小明',
    course: '党史',
    minutes: 10,
  }));
  const headers = { authorization: `Bearer ${INGEST}` };
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: events });
  expect(r.json().accepted).toBe(count);
}

beforeAll(async () => {
  t = await buildTestApp({
    INGEST_TOKENS: INGEST,
    SCREEN_TOKENS: 'city:610100,yanta:610113',
    FRAME_INTERVAL_MS: String(INTERVAL_MS),
  });
  url = await t.listen();
  const headers = { authorization: `Bearer ${INGEST}` };
  const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', headers, payload: ROSTER });
  expect(r.statusCode).toBe(200);
});
afterEach(() => {
  for (const w of walls.splice(0)) w.socket.disconnect();
});
afterAll(async () => t.close());

describe('the default namespace', () => {
  it('refuses a socket at the handshake: walls use /screen', async () => {
    const { io } = await import('socket.io-client');
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(err.message).toContain('/screen');
    expect(socket.connected).toBe(false);
    socket.disconnect();
  });
});

describe('/screen scope', () => {
  it.each([
    ['a region outside the token', '610100', 'yanta', 'out_of_scope'],
    ['a sibling county', '610112', 'yanta', 'out_of_scope'],
    ['a bad token', '610113', 'nope', 'unauthorized'],
    ['no token', '610113', undefined, 'unauthorized'],
    ['an unknown region in scope', '610113999', 'yanta', 'unknown_region'],
    ['a malformed region', 'xian', 'city', 'bad_request'],
  ])('%s: error event, then disconnected', async (_n, region, token, reason) => {
    const w = wall(region, token);
    await w.disconnected;
    expect(w.errors).toEqual([{ reason, message: expect.any(String) }]);
    expect(w.snapshots).toEqual([]);
  });

  it('the store unreadable at join: `unavailable` with a retry hint (not bad_request), then disconnected', async () => {
    const { store } = t.app;
    const [version, rollupInput] = [store.version.bind(store), store.rollupInput.bind(store)];
    const down = async (): Promise<never> => {
      throw new StoreUnavailableError('redis unreachable', 3);
    };
    store.version = down;
    store.rollupInput = down;
    try {
      // a region no wall holds yet: its join must read the store
      const w = wall('610112', 'city');
      await w.disconnected;
      expect(w.errors).toEqual([{ reason: 'unavailable', message: expect.any(String), retryAfterMs: 3000 }]);
      expect(w.snapshots).toEqual([]);
    } finally {
      store.version = version;
      store.rollupInput = rollupInput;
    }
    const again = wall('610112', 'city');
    await until(() => again.snapshots.length === 1, 5000, 'a snapshot once the store answers');
  });

  it('a county token may join its county and below', async () => {
    const w = wall('610113', 'yanta');
    await until(() => w.snapshots.length === 1, 5000, 'snapshot');
    expect(w.snapshots[0]!.snapshot.region.code).toBe('610113');
    expect(w.errors).toEqual([]);
  });
});

describe('/screen frames', () => {
  it('join → snapshot; frames only after a change; seq +1 per frame; patch applies', async () => {
    const w = wall('610100', 'city');
    await until(() => w.snapshots.length === 1, 5000, 'snapshot');
    const { seq, snapshot } = w.snapshots[0]!;
    await quiet(w);
    expect(w.frames).toEqual([]);

    await ingestStudy('b1', 2);
    await until(() => w.frames.length === 1, 5000, 'first frame');
    const f1 = w.frames[0]!;
    expect(f1.seq).toBe(seq + 1);
    expect(f1.region).toBe('610100');
    expect(f1.ticker.length).toBeGreaterThan(0);
    const { ticker: _t, ...base } = snapshot;
    const applied = applyMergePatch<typeof base>(base, f1.patch);
    expect(applied.kpi.learnersToday).toBe(snapshot.kpi.learnersToday + 2);
    expect(applied.asOf).toBe(f1.asOf);

    await quiet(w);
    expect(w.frames).toHaveLength(1);

    await ingestStudy('b2', 1);
    await until(() => w.frames.length === 2, 5000, 'second frame');
    expect(w.frames[1]!.seq).toBe(seq + 2);
    const applied2 = applyMergePatch<typeof base>(applied, w.frames[1]!.patch);
    const headers = { authorization: 'Bearer city' };
    const fresh = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100', headers })).json();
    expect(applied2.kpi.learnersToday).toBe(fresh.kpi.learnersToday);
    expect(applied2.children).toEqual(fresh.children);
  });

  it('walls of one region share frames; another region is framed separately', async () => {
    const a = wall('610100', 'city');
    const b = wall('610100', 'city');
    const c = wall('610112', 'city');
    await until(() => a.snapshots.length + b.snapshots.length + c.snapshots.length === 3, 5000, 'snapshots');
    await ingestStudy('b1', 1);
    await until(() => a.frames.length === 1 && b.frames.length === 1, 5000, 'frames');
    expect(a.frames[0]).toEqual(b.frames[0]);
    await quiet(c);
    // b1 lies in 610113: the 610112 wall sees no change
    expect(c.frames).toEqual([]);
  });

  it('resync → a fresh snapshot with the current seq', async () => {
    const w = wall('610100', 'city');
    await until(() => w.snapshots.length === 1, 5000, 'snapshot');
    await ingestStudy('b1', 1);
    await until(() => w.frames.length === 1, 5000, 'frame');
    w.socket.emit('resync');
    await until(() => w.snapshots.length === 2, 5000, 'resync snapshot');
    const again = w.snapshots[1]!;
    expect(again.seq).toBe(w.frames[0]!.seq);
    expect(again.snapshot.kpi.learnersToday).toBe(w.snapshots[0]!.snapshot.kpi.learnersToday + 1);
    // the wall's state rebuilt from snapshot + frames is the server's state, key for key
    // (a merge patch cannot carry null: compare through JSON with nulls dropped)
    const rebuilt = w.frames.reduce(applyFrame, w.snapshots[0]!.snapshot);
    const dropNulls = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === null ? undefined : x)));
    expect(dropNulls(rebuilt)).toEqual(dropNulls(again.snapshot));
  });

  it('counts connected walls', async () => {
    const w = wall('610100', 'city');
    await until(() => w.snapshots.length === 1, 5000, 'snapshot');
    const m = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(m).toMatch(/zhdj_walls_connected [1-9]/);
  });
});

describe('read API scope (screen auth on)', () => {
  it.each([
    ['no token', undefined, '610113', 401],
    ['bad token', 'nope', '610113', 401],
    ['county token, its county', 'yanta', '610113', 200],
    ['county token, its city', 'yanta', '610100', 403],
    ['county token, default region (610100)', 'yanta', undefined, 403],
    ['city token, a county', 'city', '610112', 200],
    ['an ingest token reads anything', INGEST, '610100', 200],
  ])('%s → %i', async (_n, token, region, status) => {
    for (const path of ['snapshot', 'orgs']) {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/${path}${region ? `?region=${region}` : ''}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(r.statusCode).toBe(status);
    }
  });
});
