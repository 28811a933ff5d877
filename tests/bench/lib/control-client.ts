// A presenter's socket (namespace /control) for benches and tests: a command with its
// acknowledgement, and the walls' `applied` messages as they come.
import { io, type Socket } from 'socket.io-client';
import {
  CONTROL_NAMESPACE,
  type CommandResult,
  type ControlCommand,
  type ControlToServer,
  type RoomState,
  type ServerToControl,
  type WallStatus,
} from '../../../server/contract/control.ts';

export interface ControlClient {
  socket: Socket<ServerToControl, ControlToServer>;
  room(): RoomState | null;
  walls(): Map<string, WallStatus>;
  command(cmd: ControlCommand): Promise<CommandResult>;
  takeControl(): Promise<CommandResult>;
  onApplied(f: (m: { wallId: string; v: number; receivedAt: number }) => void): void;
  /** resolves with the first room state that passes `pred` */
  until(pred: (s: RoomState) => boolean, timeoutMs?: number): Promise<RoomState>;
  close(): void;
}

export async function connectControl(url: string, room: string, token: string): Promise<ControlClient> {
  const socket: Socket<ServerToControl, ControlToServer> = io(`${url}${CONTROL_NAMESPACE}`, {
    auth: { room, token },
    transports: ['websocket'],
  });
  let state: RoomState | null = null;
  const walls = new Map<string, WallStatus>();
  const waiters = new Set<() => void>();
  socket.on('room', (s) => {
    state = s;
    for (const w of waiters) w();
  });
  socket.on('wall', (w) => walls.set(w.wallId, w));
  socket.on('wallGone', ({ wallId }) => walls.delete(wallId));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return {
    socket,
    room: () => state,
    walls: () => walls,
    command: (cmd) => new Promise((resolve) => socket.emit('command', cmd, resolve)),
    takeControl: () => new Promise((resolve) => socket.emit('takeControl', resolve)),
    onApplied: (f) => socket.on('applied', f),
    until(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (state && pred(state)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(state);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`room state not reached in ${timeoutMs} ms (v ${state?.v})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
