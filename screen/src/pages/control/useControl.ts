// The control page's transport (issue 11): Socket.IO /control (WebSocket only) with {room, token};
// every message goes through the pure reducers of store.ts. A refused token stops the retries
// (the page asks for another); anything else reconnects. Commands go out with an ack and a
// timeout, answered as a CommandResult either way.
import { useCallback, useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import {
  CONTROL_NAMESPACE,
  type CommandResult,
  type ControlAuth,
  type ControlCommand,
  type ControlToServer,
  type ServerToControl,
} from '../../../../server/contract/control.ts';
import { connectWebSocket, keepTrying } from '../socket.ts';
import {
  INITIAL,
  onApplied,
  onRoom,
  onSession,
  onWall,
  onWallGone,
  pruneWalls,
  useControlStore,
  type ControlState,
} from './store.ts';

export type ControlSocket = Socket<ServerToControl, ControlToServer>;
export type ConnectFn = (url: string, auth: ControlAuth) => ControlSocket;

const ACK_TIMEOUT_MS = 8_000;
const PRUNE_EVERY_MS = 1_000;

const defaultConnect: ConnectFn = (url, auth) => connectWebSocket(url, auth) as ControlSocket;

export interface ControlActions {
  command: (cmd: ControlCommand) => Promise<CommandResult>;
  takeControl: () => Promise<CommandResult>;
  release: () => Promise<CommandResult>;
}

const NOT_CONNECTED: CommandResult = {
  ok: false,
  reason: 'unavailable',
  message: 'not connected to the server',
};

/** connects while `room` and `token` are set; the state lives in useControlStore */
export function useControl(
  room: string | null,
  token: string | undefined,
  origin = '',
  connectFn: ConnectFn = defaultConnect,
): ControlActions {
  const socketRef = useRef<ControlSocket | null>(null);
  const connectRef = useRef(connectFn);
  connectRef.current = connectFn;

  useEffect(() => {
    const { set, reset } = useControlStore.getState();
    reset();
    if (room === null || token === undefined) return;
    const update = (f: (s: ControlState) => ControlState) => set(f);
    const socket = connectRef.current(`${origin}${CONTROL_NAMESPACE}`, { room, token });
    socketRef.current = socket;
    const retries = keepTrying<{ reason: string; message: string }>(socket, {
      handshake: (reason = 'unavailable', message) => ({
        error: { reason, message },
        refused: reason === 'unauthorized' || reason === 'forbidden' || reason === 'bad_request',
      }),
      refused: (error) => update((s) => ({ ...s, status: 'unauthorized', error })),
      dropped: (error) =>
        update((s) => (error ? { ...s, status: 'disconnected', error } : { ...s, status: 'disconnected' })),
    });
    socket.on('connect', () => update((s) => ({ ...s, error: null })));
    socket.on('room', (r) => update((s) => onRoom(s, r)));
    socket.on('wall', (w) => update((s) => onWall(s, w, Date.now())));
    socket.on('wallGone', ({ wallId }) => update((s) => onWallGone(s, wallId)));
    socket.on('applied', (msg) => update((s) => onApplied(s, msg, Date.now())));
    socket.on('session', (x) => update((s) => onSession(s, x)));
    socket.on('error', (e) => {
      if (e.reason === 'unauthorized' || e.reason === 'expired') retries.refuse(e);
      else update((s) => ({ ...s, error: e }));
    });
    const prune = setInterval(() => update((s) => pruneWalls(s, Date.now())), PRUNE_EVERY_MS);
    return () => {
      clearInterval(prune);
      retries.stop();
      socketRef.current = null;
      set(() => INITIAL);
    };
  }, [room, token, origin]);

  const ask = useCallback(
    (emit: (s: ControlSocket, ack: (err: Error | null, r: CommandResult) => void) => void) =>
      new Promise<CommandResult>((resolve) => {
        const s = socketRef.current;
        if (!s || !s.connected) return resolve(NOT_CONNECTED);
        emit(s, (err, r) =>
          resolve(err ? { ok: false, reason: 'unavailable', message: 'no answer from the server (timeout)' } : r),
        );
      }),
    [],
  );
  const command = useCallback(
    (cmd: ControlCommand) => ask((s, ack) => s.timeout(ACK_TIMEOUT_MS).emit('command', cmd, ack)),
    [ask],
  );
  const takeControl = useCallback(() => ask((s, ack) => s.timeout(ACK_TIMEOUT_MS).emit('takeControl', ack)), [ask]);
  const release = useCallback(() => ask((s, ack) => s.timeout(ACK_TIMEOUT_MS).emit('release', ack)), [ask]);
  return { command, takeControl, release };
}
