// A wall's link to its room (issue 11): connects to /room with { room, wallId, token }, hands
// every room state to `onState`, and sends what the wall committed (`applied`) and what it shows
// (`status`). No DOM: `npm run bench:control` drives twenty of these from Node.
import { io, type Socket } from 'socket.io-client';
import {
  ROOM_NAMESPACE,
  type RoomAuth,
  type RoomState,
  type ServerToWall,
  type WallStatus,
  type WallToServer,
} from '../../../server/contract/control.ts';

export type WallRoomStatus = Omit<WallStatus, 'seenAt' | 'wallId'>;

export interface RoomClientOptions {
  room: string;
  wallId: string;
  token?: string | undefined;
  /** empty: the page's own host */
  origin?: string;
  onState: (state: RoomState) => void;
  /** connected to the room or not (a wall out of its room shows its own picture, marked) */
  onConnection?: (connected: boolean) => void;
  /** a control page asks for the wall's status now */
  onReport?: () => void;
  onError?: (err: { reason: string; message: string }) => void;
}

export interface RoomClient {
  applied(v: number, at?: number): void;
  status(status: WallRoomStatus): void;
  close(): void;
}

export function connectRoom(o: RoomClientOptions): RoomClient {
  const auth: RoomAuth = { room: o.room, wallId: o.wallId };
  if (o.token !== undefined) auth.token = o.token;
  const socket: Socket<ServerToWall, WallToServer> = io(`${o.origin ?? ''}${ROOM_NAMESPACE}`, {
    auth,
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.3,
  });
  let reconnect: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect', () => o.onConnection?.(true));
  socket.on('disconnect', (reason) => {
    o.onConnection?.(false);
    // the server dropped the wall (a restart's close, a refusal): socket.io would not retry
    if (reason === 'io server disconnect') {
      if (reconnect !== undefined) clearTimeout(reconnect);
      reconnect = setTimeout(() => {
        reconnect = undefined;
        socket.connect();
      }, 2000);
    }
  });
  // the current state comes at once on every (re)connection, then each change
  socket.on('room', (state) => o.onState(state));
  socket.on('report', () => o.onReport?.());
  socket.on('error', (err) => o.onError?.(err));
  socket.on('connect_error', (err: Error & { data?: unknown }) => {
    const data = err.data as { reason?: unknown; message?: unknown } | undefined;
    if (data && typeof data.reason === 'string') o.onError?.({ reason: data.reason, message: String(data.message) });
  });
  return {
    applied(v, at = Date.now()) {
      if (socket.connected) socket.emit('applied', { v, at });
    },
    status(status) {
      if (socket.connected) socket.emit('status', status);
    },
    close() {
      if (reconnect !== undefined) clearTimeout(reconnect);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

/** a wall's id: stable for the tab (sessionStorage), new for a new tab */
export function wallIdFor(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, random = Math.random): string {
  const KEY = 'zhdj.wall.id';
  try {
    const held = storage?.getItem(KEY);
    if (held) return held;
  } catch {
    // storage disabled: a new id per load
  }
  const id = `w-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
  try {
    storage?.setItem(KEY, id);
  } catch {
    // memory only
  }
  return id;
}
