// The console's live state (issue 10): Socket.IO /console (WebSocket only) with the operator's
// token; the server sends `state` on connect and on every change, so nothing here polls. A
// refused token (`error` unauthorized, or a connect_error saying so) stops the retries: the page
// asks for another token. Anything else reconnects, and meanwhile the state held is shown as
// disconnected, never as live.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import {
  CONSOLE_NAMESPACE,
  type ApiAlert,
  type ApiSilence,
  type ConsoleAuth,
  type ConsoleError,
  type ConsoleState,
  type ServerToConsole,
} from '../../../../server/contract/alerts.ts';
import { connectWebSocket, keepTrying } from '../socket.ts';

export type ConsoleSocket = Socket<ServerToConsole, Record<string, never>>;
export type ConnectFn = (url: string, auth: ConsoleAuth) => ConsoleSocket;

/** connecting: no answer yet; live: connected and a state received on this connection */
export type ConnectionStatus = 'connecting' | 'live' | 'disconnected' | 'unauthorized';

export interface ConsoleConnection {
  state: ConsoleState | null;
  status: ConnectionStatus;
  /** the server's last word on why it refused or dropped us */
  error: ConsoleError | null;
  /** when the state held arrived (ms) */
  receivedAt: number | null;
  /** an action's answer, shown until the next state (which the server sends after the change) */
  patchAlert(a: ApiAlert): void;
  patchSilence(s: ApiSilence): void;
}

const defaultConnect: ConnectFn = (url, auth) => connectWebSocket(url, auth) as ConsoleSocket;

/** `token` undefined: not signed in, nothing connects. `origin` empty: the page's own host. */
export function useConsole(
  token: string | undefined,
  origin = '',
  connectFn: ConnectFn = defaultConnect,
): ConsoleConnection {
  const [state, setState] = useState<ConsoleState | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [receivedAt, setReceivedAt] = useState<number | null>(null);
  // the factory as of the last render: a new function each render must not reconnect
  const connectRef = useRef(connectFn);
  connectRef.current = connectFn;

  useEffect(() => {
    setState(null);
    setError(null);
    setReceivedAt(null);
    setStatus('connecting');
    if (token === undefined) return;
    const socket = connectRef.current(`${origin}${CONSOLE_NAMESPACE}`, { token });
    const retries = keepTrying<ConsoleError>(socket, {
      handshake: (reason, message, err) =>
        reason === 'unauthorized' || /unauthori[sz]ed/i.test(err.message)
          ? { error: { reason: 'unauthorized', message }, refused: true }
          : { error: { reason: 'unavailable', message }, refused: false },
      refused: (e) => {
        setError(e);
        setStatus('unauthorized');
      },
      dropped: (e) => {
        if (e) setError(e);
        setStatus('disconnected');
      },
    });
    socket.on('connect', () => setError(null));
    socket.on('state', (s) => {
      setState(s);
      setReceivedAt(Date.now());
      setStatus('live');
    });
    socket.on('error', (e) => {
      if (e.reason === 'unauthorized') retries.refuse(e);
      else setError(e);
    });
    return () => retries.stop();
  }, [token, origin]);

  const patchAlert = useCallback((a: ApiAlert) => {
    setState((s) => (s ? { ...s, alerts: s.alerts.map((x) => (x.fingerprint === a.fingerprint ? a : x)) } : s));
  }, []);
  const patchSilence = useCallback((v: ApiSilence) => {
    setState((s) => {
      if (!s) return s;
      const known = s.silences.some((x) => x.id === v.id);
      return { ...s, silences: known ? s.silences.map((x) => (x.id === v.id ? v : x)) : [...s.silences, v] };
    });
  }, []);

  return { state, status, error, receivedAt, patchAlert, patchSilence };
}
