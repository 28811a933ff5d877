// Socket.IO transport, and nothing else: connects to /screen with { region, token },
// reconnects forever with backoff, forwards every event to the store as a message and emits
// `resync` when the store asks for one (seq gap) or after a reconnect.
import { io, type Socket } from 'socket.io-client';
import type { ScreenError, ScreenToServer, ServerToScreen } from '../../server/contract/index.ts';
import { dispatch, wallStore } from './state/store.ts';

const NAMESPACE = '/screen';
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 5000;
const RESYNC_MIN_GAP_MS = 2000;

type WallSocket = Socket<ServerToScreen, ScreenToServer>;

export interface Transport {
  close(): void;
}

export function connect(region: string, token: string | undefined): Transport {
  const socket: WallSocket = io(NAMESPACE, {
    auth: token === undefined ? { region } : { region, token },
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.3,
  });
  let everConnected = false;
  let lastResyncAt = 0;
  const resync = () => {
    const now = Date.now();
    if (now - lastResyncAt < RESYNC_MIN_GAP_MS) return;
    lastResyncAt = now;
    socket.emit('resync');
    dispatch({ kind: 'resyncRequested', at: now });
  };

  socket.on('connect', () => {
    dispatch({ kind: 'connected', at: Date.now() });
    if (everConnected) resync();
    everConnected = true;
  });
  socket.on('disconnect', (reason) => {
    dispatch({ kind: 'disconnected', at: Date.now() });
    // the server dropped us on purpose (e.g. scope error): socket.io will not retry by itself
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), RECONNECT_DELAY_MAX_MS);
  });
  socket.on('snapshot', (msg) => dispatch({ kind: 'snapshot', msg, at: Date.now() }));
  socket.on('frame', (frame) => dispatch({ kind: 'frame', frame, at: Date.now() }));
  socket.on('error', (error) => dispatch({ kind: 'error', error, at: Date.now() }));
  socket.on('connect_error', (err: Error & { data?: unknown }) => {
    const data = err.data as { reason?: unknown; message?: unknown } | undefined;
    if (data && typeof data.reason === 'string') {
      dispatch({
        kind: 'error',
        error: { reason: data.reason as ScreenError['reason'], message: String(data.message ?? '') },
        at: Date.now(),
      });
    }
  });

  const unsubscribe = wallStore.subscribe((s) => {
    if (s.needsResync && socket.connected) resync();
  });
  return {
    close() {
      unsubscribe();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
