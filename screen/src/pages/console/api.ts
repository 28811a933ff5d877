// The console's REST actions (issue 10): every call carries the operator's token, speaks JSON to
// this page's own host and answers the parsed body, or throws a ConsoleApiError whose `message`
// is what the server said (its `{ statusCode, error, message }`), shown to the operator as is.
import type {
  AlertHistoryEntry,
  ApiAlert,
  ApiSilence,
  AuditEntryView,
  SilenceMatchersBody,
} from '../../../../server/contract/alerts.ts';
import type { RoomState } from '../../../../server/contract/control.ts';

export class ConsoleApiError extends Error {
  /** the HTTP status; 0 when no answer came (network down, server gone) */
  readonly status: number;
  /** the server's short error name (`Forbidden`, `Conflict`, …) when it gave one */
  readonly error: string | undefined;
  constructor(status: number, message: string, error?: string) {
    super(message);
    this.name = 'ConsoleApiError';
    this.status = status;
    this.error = error;
  }
}

export interface SilenceRequest {
  matchers: SilenceMatchersBody;
  endsAt?: number;
  untilResolved?: true;
  comment: string;
}

export interface AuditQuery {
  region?: string;
  from?: number;
  to?: number;
}

export interface ConsoleApi {
  ack(fingerprint: string, comment: string): Promise<ApiAlert>;
  unack(fingerprint: string): Promise<ApiAlert>;
  silence(body: SilenceRequest): Promise<ApiSilence>;
  expire(id: string): Promise<ApiSilence>;
  history(fingerprint: string): Promise<AlertHistoryEntry[]>;
  audit(q: AuditQuery): Promise<AuditEntryView[]>;
  /** the rooms (issue 11) and the pairing codes shown on their walls */
  rooms(): Promise<RoomState[]>;
  showPairing(room: string): Promise<PairingShown>;
  hidePairing(room: string): Promise<void>;
}

/** POST /api/v1/control/pairing → this: the code on the walls now, rotating until `until` */
export interface PairingShown {
  room: string;
  code: string;
  expiresAt: number;
  until: number;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** what a failed answer says: its JSON `message`, else its status line */
async function failure(res: Response): Promise<ConsoleApiError> {
  let message = '';
  let error: string | undefined;
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { message?: unknown; error?: unknown };
      if (typeof body.message === 'string') message = body.message;
      if (typeof body.error === 'string') error = body.error;
    } catch {
      message = text.trim().slice(0, 300);
    }
  } catch {
    // the body could not be read: the status says enough
  }
  if (message === '') message = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return new ConsoleApiError(res.status, message, error);
}

/** `origin` empty: the page's own host (the console makes no request off it) */
export function createConsoleApi(token: string, origin = '', fetchFn: Fetch = (i, init) => fetch(i, init)): ConsoleApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchFn(`${origin}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new ConsoleApiError(0, e instanceof Error && e.message ? e.message : 'network error');
    }
    if (!res.ok) throw await failure(res);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw new ConsoleApiError(res.status, `HTTP ${res.status}: the answer is not JSON`);
    }
  }
  const alert = (fp: string) => `/api/v1/alerts/${encodeURIComponent(fp)}`;
  return {
    ack: (fp, comment) => call<ApiAlert>('POST', `${alert(fp)}/ack`, { comment }),
    unack: (fp) => call<ApiAlert>('DELETE', `${alert(fp)}/ack`),
    silence: (body) => call<ApiSilence>('POST', '/api/v1/silences', body),
    expire: (id) => call<ApiSilence>('DELETE', `/api/v1/silences/${encodeURIComponent(id)}`),
    history: async (fp) => (await call<{ entries: AlertHistoryEntry[] }>('GET', `${alert(fp)}/history`)).entries,
    audit: async (q) => {
      const search = new URLSearchParams();
      if (q.region !== undefined) search.set('region', q.region);
      if (q.from !== undefined) search.set('from', String(q.from));
      if (q.to !== undefined) search.set('to', String(q.to));
      const qs = search.toString();
      return (await call<{ entries: AuditEntryView[] }>('GET', `/api/v1/audit${qs ? `?${qs}` : ''}`)).entries;
    },
    rooms: () => call<RoomState[]>('GET', '/api/v1/control/rooms'),
    showPairing: (room) => call<PairingShown>('POST', '/api/v1/control/pairing', { room }),
    hidePairing: (room) => call<void>('DELETE', `/api/v1/control/pairing/${encodeURIComponent(room)}`),
  };
}
