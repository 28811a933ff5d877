// The console's and the control page's Socket.IO connection: WebSocket only, socket.io's own
// reconnection, and a try of our own where socket.io gives up (a handshake refused by the
// server's middleware, a drop by the server). Refused credentials stop the tries: the page asks
// for others.
import { io, type Socket } from 'socket.io-client';

/** the longest wait between two tries */
export const RETRY_MS = 5_000;

export function connectWebSocket(url: string, auth: object): Socket {
  return io(url, {
    auth,
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: RETRY_MS,
    randomizationFactor: 0.3,
  });
}

export interface Retries<E> {
  /** the credentials refused (an `error` from the server saying so): no more tries */
  refuse(error: E): void;
  /** the page is done with the socket */
  stop(): void;
}

/** keeps `socket` trying until refused or stopped; the hooks say what a failure means to the page */
export function keepTrying<E>(
  socket: Socket,
  on: {
    /** a failed handshake, as the server's middleware worded it (or not): the error to keep, and
     * whether it refuses the credentials */
    handshake(reason: string | undefined, message: string, err: Error): { error: E; refused: boolean };
    /** the credentials refused */
    refused(error: E): void;
    /** not connected (`error`: the handshake's, when that is why); tries again */
    dropped(error?: E): void;
  },
): Retries<E> {
  let refused = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const refuse = (error: E) => {
    refused = true;
    on.refused(error);
    socket.disconnect();
  };
  const retryLater = () => {
    if (retry !== undefined) clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      if (!refused) socket.connect();
    }, RETRY_MS);
  };
  socket.on('connect_error', (err: Error & { data?: unknown }) => {
    const data = err.data as { reason?: unknown; message?: unknown } | undefined;
    const reason = typeof data?.reason === 'string' ? data.reason : undefined;
    const message = typeof data?.message === 'string' ? data.message : err.message;
    const h = on.handshake(reason, message, err);
    if (h.refused) {
      refuse(h.error);
      return;
    }
    on.dropped(h.error);
    // refused by the server's middleware: socket.io does not retry by itself
    if (!socket.active) retryLater();
  });
  socket.on('disconnect', (reason) => {
    if (refused) return;
    on.dropped();
    // dropped on purpose by the server (`unavailable`): socket.io does not retry by itself
    if (reason === 'io server disconnect') retryLater();
  });
  return {
    refuse,
    stop() {
      if (retry !== undefined) clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
