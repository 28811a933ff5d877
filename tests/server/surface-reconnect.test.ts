// One snapshot per reconnect, not two (issue 9): the wall's own transport (screen/src/transport.ts)
// against the real app. A reconnection's handshake says which seq the wall holds and the server
// answers it (recovery, the frames missed, or one snapshot); the wall asks no `resync` for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER } from './lib/fixtures.ts';
import { until } from './lib/walls.ts';

// the wall's store drains on an animation frame (with a timer fallback): node has none
globalThis.requestAnimationFrame ??= (cb: FrameRequestCallback) =>
  setTimeout(() => cb(performance.now()), 0) as unknown as number;
globalThis.cancelAnimationFrame ??= (id: number) => clearTimeout(id);

const { connect } = await import('../../screen/src/transport.ts');
const { resetStore, wallStore } = await import('../../screen/src/state/store.ts');

const TOKEN = 'reconnect-wall-token-0123';
let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await buildTestApp({ SCREEN_TOKENS: `${TOKEN}:610100`, FRAME_INTERVAL_MS: '100' });
  url = await t.listen();
  const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
  expect(r.statusCode).toBe(200);
});
afterAll(async () => t.close());

describe('the wall reconnecting to the real server', () => {
  it('sends no resync after a reconnect; each connection gets at most one snapshot', async () => {
    let resyncs = 0;
    const snapshotsPerConnection: number[] = [];
    const nsp = t.app.io.of('/screen');
    nsp.on('connection', (socket) => {
      socket.on('resync', () => resyncs++);
    });
    resetStore('610100');
    let snapshots = 0;
    let held = wallStore.getState().snapshot;
    const unsubscribe = wallStore.subscribe((s) => {
      if (s.snapshot !== held && s.snapshot !== null) snapshots++;
      held = s.snapshot;
    });
    const wall = connect('610100', TOKEN, url);
    try {
      await until(() => snapshots === 1 && wallStore.getState().connected, 5000, 'the first snapshot');
      for (let i = 0; i < 3; i++) {
        const before = snapshots;
        const joinsBefore = nsp.sockets.size;
        expect(joinsBefore).toBe(1);
        // the transport drops (not a server-side disconnect): socket.io-client reconnects
        for (const s of nsp.sockets.values()) s.conn.close();
        await until(() => !wallStore.getState().connected, 5000, 'the drop');
        await until(() => wallStore.getState().connected && nsp.sockets.size === 1, 10_000, 'the reconnection');
        // a few frame ticks: anything asked for would have arrived
        await t.app.feeds.afterTicks(3);
        snapshotsPerConnection.push(snapshots - before);
      }
      expect(resyncs).toBe(0);
      for (const n of snapshotsPerConnection) expect(n).toBeLessThanOrEqual(1);
      expect(wallStore.getState().error).toBeNull();
    } finally {
      unsubscribe();
      wall.close();
    }
  });
});
