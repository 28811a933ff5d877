// Socket.IO transport, and nothing else: connects to /screen (WebSocket only) with
// { region, token, seq }, reconnects forever with backoff, forwards every event to the store as
// a message and emits `resync` when the store asks for one (a frame or heartbeat ahead of the
// seq it holds). A reconnection needs no resync: the handshake says which seq the wall holds, and
// the server answers with what it missed (Socket.IO's recovery, the frames after that seq, or a
// snapshot).
import { io, type Socket } from 'socket.io-client';
import type { ScreenAuth, ScreenError, ScreenToServer, ServerToScreen } from '../../server/contract/index.ts';
import type { WallState } from './state/apply.ts';
import { dispatch, wallStore } from './state/store.ts';

const NAMESPACE = '/screen';
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 5000;
const RESYNC_MIN_GAP_MS = 2000;

type WallSocket = Socket<ServerToScreen, ScreenToServer>;

export interface Transport {
  close(): void;
}

/** The handshake of each (re)connection: the seq held, when the state held is this region's. */
export function handshakeAuth(
  region: string,
  token: string | undefined,
  state: Pick<WallState, 'snapshot' | 'seq'> & { replayed?: boolean },
): ScreenAuth {
  const auth: ScreenAuth = { region };
  if (token !== undefined) auth.token = token;
  // a replayed picture is no live state to continue from: the server sends a snapshot
  if (state.snapshot !== null && state.snapshot.region.code === region && state.replayed !== true) auth.seq = state.seq;
  return auth;
}

/** When to connect again after the server refused with `unavailable`: its hint, kept within
 * the reconnection backoff's bounds, ±30 % so that a crowd of walls refused together does not
 * come back together. */
export function unavailableRetryMs(hintMs: number | undefined, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_DELAY_MAX_MS, Math.max(RECONNECT_DELAY_MS, hintMs ?? RECONNECT_DELAY_MS * 4));
  return Math.round(base * (0.7 + 0.6 * random()));
}

/** `origin` empty: the page's own host (tests pass a server's URL) */
export function connect(region: string, token: string | undefined, origin = ''): Transport {
  const socket: WallSocket = io(`${origin}${NAMESPACE}`, {
    // a function: evaluated at every (re)connection, so a reconnecting wall says what it holds
    auth: (cb) => cb(handshakeAuth(region, token, wallStore.getState())),
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.3,
  });
  let lastResyncAt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** the next connection after a server-side disconnect */
  let reconnect: ReturnType<typeof setTimeout> | undefined;
  /** set by an `unavailable` refusal: reconnect after this, not after the refusal delay */
  let unavailableMs: number | undefined;
  const resync = () => {
    const now = Date.now();
    const wait = lastResyncAt + RESYNC_MIN_GAP_MS - now;
    if (wait > 0) {
      // asked again too soon: ask once the gap has passed if it is still needed (a gap beat
      // changes no state a second time, so nothing else would ask again)
      retry ??= setTimeout(() => {
        retry = undefined;
        if (wallStore.getState().needsResync && socket.connected) resync();
      }, wait);
      return;
    }
    lastResyncAt = now;
    socket.emit('resync');
    dispatch({ kind: 'resyncRequested', at: now });
  };

  socket.on('connect', () => {
    // socket.recovered: Socket.IO replays what was missed; otherwise the server sends the frames
    // after auth.seq or a snapshot. Either way the state held stays on screen meanwhile.
    dispatch({ kind: 'connected', at: Date.now() });
    if (wallStore.getState().needsResync) resync();
  });
  socket.on('disconnect', (reason) => {
    dispatch({ kind: 'disconnected', at: Date.now() });
    // the server dropped us on purpose (a refusal, or `unavailable`: the store is down):
    // socket.io will not retry by itself. Either way the wall keeps trying; what it shows stays
    // (stale), and `unavailable` is retried sooner, as the server asked.
    if (reason === 'io server disconnect') {
      const delay = unavailableMs ?? RECONNECT_DELAY_MAX_MS;
      unavailableMs = undefined;
      if (reconnect !== undefined) clearTimeout(reconnect);
      reconnect = setTimeout(() => {
        reconnect = undefined;
        socket.connect();
      }, delay);
    }
  });
  socket.on('snapshot', (msg) => dispatch({ kind: 'snapshot', msg, at: Date.now() }));
  socket.on('frame', (frame) => dispatch({ kind: 'frame', frame, at: Date.now() }));
  socket.on('beat', (beat) => dispatch({ kind: 'beat', beat, at: Date.now() }));
  socket.on('error', (error) => {
    if (error.reason === 'unavailable') unavailableMs = unavailableRetryMs(error.retryAfterMs);
    dispatch({ kind: 'error', error, at: Date.now() });
  });
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
      if (retry !== undefined) clearTimeout(retry);
      if (reconnect !== undefined) clearTimeout(reconnect);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
