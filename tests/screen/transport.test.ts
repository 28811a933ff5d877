// The wall's transport against a real Socket.IO server: the handshake of each (re)connection
// carries the seq the wall holds, a reconnection asks for no resync (the server answers the
// handshake), a heartbeat ahead of the wall's seq does, and heartbeats reach the store.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import type { ScreenAuth, ScreenToServer, ServerToScreen } from '../../server/contract/index.ts';
import { SCREEN_NAMESPACE } from '../../server/contract/index.ts';
import { fixture } from './helpers.ts';

// the store drains on an animation frame (with a timer fallback): node has none
globalThis.requestAnimationFrame ??= (cb: FrameRequestCallback) =>
  setTimeout(() => cb(performance.now()), 0) as unknown as number;
globalThis.cancelAnimationFrame ??= (id: number) => clearTimeout(id);

const { connect, handshakeAuth, unavailableRetryMs } = await import('../../screen/src/transport.ts');
const { resetStore, wallStore } = await import('../../screen/src/state/store.ts');
const { isLive } = await import('../../screen/src/state/apply.ts');

type ServerSocket = Socket<ScreenToServer, ServerToScreen>;

let http: HttpServer;
let io: Server<ScreenToServer, ServerToScreen>;
let origin: string;
/** every handshake seen, and the resyncs each connection asked for */
let joins: { auth: ScreenAuth; socket: ServerSocket; resyncs: number }[] = [];
let onJoin: (socket: ServerSocket, n: number) => void = () => undefined;

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { serveClient: false });
  io.of(SCREEN_NAMESPACE).on('connection', (socket: ServerSocket) => {
    const join = { auth: socket.handshake.auth as ScreenAuth, socket, resyncs: 0 };
    joins.push(join);
    socket.on('resync', () => join.resyncs++);
    onJoin(socket, joins.length);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await io.close();
});

afterEach(() => {
  joins = [];
  onJoin = () => undefined;
});

describe('handshakeAuth', () => {
  const snap = fixture();
  it('sends the seq held only when the state held is of the region asked for', () => {
    expect(handshakeAuth('610100', undefined, { snapshot: null, seq: 0 })).toEqual({ region: '610100' });
    expect(handshakeAuth('610100', 't', { snapshot: snap, seq: 42 })).toEqual({
      region: '610100',
      token: 't',
      seq: 42,
    });
    // a drill-down: the old region's seq means nothing to the new region's feed
    expect(handshakeAuth('610113', undefined, { snapshot: snap, seq: 42 })).toEqual({ region: '610113' });
  });
});

describe('connect (real Socket.IO server)', () => {
  it('reconnects with the seq it holds, asks no resync for it, and resyncs on a beat ahead of it', async () => {
    resetStore('610100');
    const asOf = fixture().asOf;
    onJoin = (socket, n) => {
      if (n === 1) socket.emit('snapshot', { seq: 10, snapshot: fixture() });
    };
    const t = connect('610100', 'tok', origin);
    try {
      await until('the snapshot', () => wallStore.getState().seq === 10);
      expect(joins[0]!.auth).toEqual({ region: '610100', token: 'tok' });
      expect(wallStore.getState().connected).toBe(true);

      // a heartbeat reaches the store: confirmed, the snapshot object untouched
      const held = wallStore.getState().snapshot;
      joins[0]!.socket.emit('beat', { region: '610100', seq: 10, asOf: asOf + 1000 });
      await until('the beat', () => wallStore.getState().confirmedAsOf === asOf + 1000);
      expect(wallStore.getState().snapshot).toBe(held);

      // the connection drops (not a server-side disconnect): socket.io-client reconnects, and
      // the handshake is evaluated again with what the wall now holds
      joins[0]!.socket.conn.close();
      await until('the reconnection', () => joins.length === 2 && wallStore.getState().connected);
      expect(joins[1]!.auth).toEqual({ region: '610100', token: 'tok', seq: 10 });
      await new Promise((r) => setTimeout(r, 500));
      expect(joins[1]!.resyncs).toBe(0);
      expect(wallStore.getState().snapshot).toBe(held); // the picture stays meanwhile

      // frames the server replays after seq 10 apply in order
      joins[1]!.socket.emit('frame', { seq: 11, region: '610100', asOf: asOf + 2000, patch: {}, ticker: [] });
      await until('the replayed frame', () => wallStore.getState().seq === 11);

      // a beat ahead of the seq held: a frame was missed → one resync
      joins[1]!.socket.emit('beat', { region: '610100', seq: 13, asOf: asOf + 3000 });
      await until('the resync', () => joins[1]!.resyncs === 1);
      expect(wallStore.getState().needsResync).toBe(false);
      expect(wallStore.getState().confirmedAsOf).toBe(asOf + 2000);
    } finally {
      t.close();
    }
  });

  it('a second gap within the resync spacing is asked for once the spacing has passed', async () => {
    resetStore('610100');
    onJoin = (socket) => socket.emit('snapshot', { seq: 10, snapshot: fixture() });
    const t = connect('610100', undefined, origin);
    try {
      await until('the snapshot', () => wallStore.getState().seq === 10);
      const s = joins[0]!.socket;
      s.emit('beat', { region: '610100', seq: 12, asOf: 1 });
      await until('the first resync', () => joins[0]!.resyncs === 1);
      // the server's snapshot is lost; the next beat still shows the gap
      s.emit('beat', { region: '610100', seq: 12, asOf: 2 });
      await until('the second resync', () => joins[0]!.resyncs === 2, 5000);
    } finally {
      t.close();
    }
  });
});

describe('an `unavailable` refusal', () => {
  it('the retry delay follows the hint within the backoff bounds, spread ±30 %', () => {
    expect(unavailableRetryMs(2000, () => 0.5)).toBe(2000);
    expect(unavailableRetryMs(2000, () => 0)).toBe(1400);
    expect(unavailableRetryMs(2000, () => 1)).toBe(2600);
    expect(unavailableRetryMs(60_000, () => 0.5)).toBe(5000);
    expect(unavailableRetryMs(1, () => 0.5)).toBe(500);
    expect(unavailableRetryMs(undefined, () => 0.5)).toBe(2000);
  });

  it('keeps the picture (stale), connects again after the hint by itself, and is live on the next snapshot', async () => {
    resetStore('610100');
    onJoin = (socket, n) => {
      if (n === 1) socket.emit('snapshot', { seq: 10, snapshot: fixture() });
      // the store went away: refused as the server does, then disconnected
      else if (n === 2) {
        socket.emit('error', { reason: 'unavailable', message: 'retry shortly', retryAfterMs: 600 });
        socket.disconnect(true);
      } else socket.emit('snapshot', { seq: 30, snapshot: fixture() });
    };
    const t = connect('610100', undefined, origin);
    try {
      await until('the snapshot', () => wallStore.getState().seq === 10);
      const held = wallStore.getState().snapshot;
      joins[0]!.socket.conn.close();
      await until('the refusal', () => wallStore.getState().error?.reason === 'unavailable');
      const refusedAt = Date.now();
      expect(wallStore.getState().snapshot).toBe(held);
      expect(wallStore.getState().region).toBe('610100');
      // the hint (600 ms ± 30 %), not the 5 s after a refusal of what the wall asked
      await until('the connection after the hint', () => joins.length === 3, 3000);
      expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(300);
      expect(joins[2]!.auth).toEqual({ region: '610100', seq: 10 });
      await until('the new snapshot', () => wallStore.getState().seq === 30);
      expect(wallStore.getState().error).toBeNull();
      expect(isLive(wallStore.getState(), Date.now())).toBe(true);
    } finally {
      t.close();
    }
  });
});
