// The control page's REST calls (issue 11): scenes, tours, rooms, pairing, the session's renewal,
// the alerts of a window and the city's regions. Every call carries the page's token and speaks
// JSON to this page's own host; a failure throws a ControlApiError with what the server said.
import type { ApiAlert } from '../../../../server/contract/alerts.ts';
import type { PairResult, RoomState, Scene, Tour } from '../../../../server/contract/control.ts';

export class ControlApiError extends Error {
  /** the HTTP status; 0 when no answer came */
  readonly status: number;
  /** seconds to wait (a 429's Retry-After) */
  readonly retryAfterS: number | null;
  constructor(status: number, message: string, retryAfterS: number | null = null) {
    super(message);
    this.name = 'ControlApiError';
    this.status = status;
    this.retryAfterS = retryAfterS;
  }
}

export interface RegionOption {
  code: string;
  name: string;
}

export interface ControlApi {
  scenes(): Promise<Scene[]>;
  putScene(scene: Scene): Promise<Scene>;
  deleteScene(id: string): Promise<void>;
  tours(): Promise<Tour[]>;
  putTour(tour: Tour): Promise<Tour>;
  deleteTour(id: string): Promise<void>;
  rooms(): Promise<RoomState[]>;
  renew(): Promise<{ room: string; expiresAt: number }>;
  alerts(q?: { from?: number; to?: number }): Promise<ApiAlert[]>;
  /** a region and its children (the snapshot's `region` and `children`) */
  regions(region: string): Promise<RegionOption[]>;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
const defaultFetch: Fetch = (i, init) => fetch(i, init);

async function failure(res: Response): Promise<ControlApiError> {
  let message = '';
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      message = text.trim().slice(0, 300);
    }
  } catch {
    // unreadable body: the status says enough
  }
  if (message === '') message = `HTTP ${res.status}`;
  const retry = Number(res.headers.get('retry-after'));
  return new ControlApiError(res.status, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

async function request<T>(fetchFn: Fetch, url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    throw new ControlApiError(0, e instanceof Error && e.message ? e.message : 'network error');
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ControlApiError(res.status, `HTTP ${res.status}: the answer is not JSON`);
  }
}

/** POST /api/v1/control/pair { code }: no token yet */
export function pair(code: string, origin = '', fetchFn: Fetch = defaultFetch): Promise<PairResult> {
  return request<PairResult>(fetchFn, `${origin}/api/v1/control/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ code }),
  });
}

export function createControlApi(token: string, origin = '', fetchFn: Fetch = defaultFetch): ControlApi {
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request<T>(fetchFn, `${origin}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  };
  const enc = encodeURIComponent;
  return {
    scenes: () => call<Scene[]>('GET', '/api/v1/control/scenes'),
    putScene: ({ id, ...body }) => call<Scene>('PUT', `/api/v1/control/scenes/${enc(id)}`, body),
    deleteScene: (id) => call<void>('DELETE', `/api/v1/control/scenes/${enc(id)}`),
    tours: () => call<Tour[]>('GET', '/api/v1/control/tours'),
    putTour: ({ id, ...body }) => call<Tour>('PUT', `/api/v1/control/tours/${enc(id)}`, body),
    deleteTour: (id) => call<void>('DELETE', `/api/v1/control/tours/${enc(id)}`),
    rooms: () => call<RoomState[]>('GET', '/api/v1/control/rooms'),
    renew: () => call<{ room: string; expiresAt: number }>('POST', '/api/v1/control/session'),
    alerts: async (q = {}) => {
      const search = new URLSearchParams();
      if (q.from !== undefined) search.set('from', String(Math.floor(q.from)));
      if (q.to !== undefined) search.set('to', String(Math.floor(q.to)));
      const qs = search.toString();
      return (await call<{ alerts: ApiAlert[] }>('GET', `/api/v1/alerts${qs ? `?${qs}` : ''}`)).alerts;
    },
    regions: async (region) => {
      const s = await call<{ region: RegionOption; children: Record<string, RegionOption> }>(
        'GET',
        `/api/v1/snapshot?region=${enc(region)}`,
      );
      const kids = Object.values(s.children)
        .map((c) => ({ code: c.code, name: c.name }))
        .sort((a, b) => a.code.localeCompare(b.code));
      return [{ code: s.region.code, name: s.region.name }, ...kids];
    },
  };
}
