// Real socket.io-client walls for tests and benchmarks.
import { io, type Socket } from 'socket.io-client';
import type {
  Frame,
  Heartbeat,
  ScreenAuth,
  ScreenError,
  ScreenToServer,
  ServerToScreen,
  SnapshotMessage,
} from '../../../server/contract/index.ts';

export type WallSocket = Socket<ServerToScreen, ScreenToServer>;

export interface Wall {
  socket: WallSocket;
  snapshots: SnapshotMessage[];
  frames: Frame[];
  beats: Heartbeat[];
  errors: ScreenError[];
  /** every payload received, as JSON text */
  raw: string[];
  disconnected: Promise<string>;
  /** Date.now() of the latest snapshot, frame or heartbeat */
  lastAt: number | null;
}

/** `reconnect`: socket.io-client reconnects by itself (the handshake auth is re-read each time,
 * so a function can carry the seq the wall holds). */
export function connectWall(
  url: string,
  auth: ScreenAuth | (() => ScreenAuth),
  opts: { reconnect?: boolean; /** false: keep no payloads (a long soak), only lastAt */ record?: boolean } = {},
): Wall {
  const socket: WallSocket = io(`${url}/screen`, {
    auth: typeof auth === 'function' ? (cb) => cb(auth()) : auth,
    transports: ['websocket'],
    reconnection: opts.reconnect ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
  const wall: Wall = {
    socket,
    snapshots: [],
    frames: [],
    beats: [],
    errors: [],
    raw: [],
    disconnected: new Promise((resolve) => socket.on('disconnect', (reason) => resolve(reason))),
    lastAt: null,
  };
  const keep = opts.record ?? true;
  const on =
    <T>(list: T[]) =>
    (m: T) => {
      wall.lastAt = Date.now();
      if (!keep) return;
      list.push(m);
      wall.raw.push(JSON.stringify(m));
    };
  socket.on('snapshot', on(wall.snapshots));
  socket.on('frame', on(wall.frames));
  socket.on('beat', on(wall.beats));
  socket.on('error', (e) => {
    wall.errors.push(e);
    wall.raw.push(JSON.stringify(e));
  });
  return wall;
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the server run two whole frame ticks (at least one began after this call), then makes
 * sure each wall has read everything they sent: a resync's snapshot travels on the same
 * connection behind any frame emitted before it. Check that no frame arrived after this,
 * not after a sleep. Each wall receives one more snapshot. */
export async function settled(feeds: { afterTicks(n: number): Promise<void> }, ...walls: Wall[]): Promise<void> {
  await feeds.afterTicks(2);
  await Promise.all(
    walls.map(async (w) => {
      const n = w.snapshots.length;
      w.socket.emit('resync');
      await until(() => w.snapshots.length === n + 1, 5000, 'resync snapshot');
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
