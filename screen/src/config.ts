// The server's GET /api/v1/config, asked once per page and shared: main.tsx waits for it when the
// address names no region (a wall shows the deployment's area, AREA, which only the server knows),
// the wall's useConfig reads the same answer.

/** what the screen reads of the server's config (the fields it can use; others are dropped) */
export interface ServerConfig {
  /** the region a wall without ?region= shows: the deployment's area */
  defaultRegion?: string;
  area?: { code: string; name: string; level: string };
  mapStyleUrl?: string;
  frameIntervalMs?: number;
  /** the replay source's record interval (a room's replay fetches a picture per record) */
  replayIntervalMs?: number;
}

export const CONFIG_TIMEOUT_MS = 1500;
const AREA_RE = /^\d{6}$/;

/** the fields of a config answer the screen can use (pure) */
export function parseConfig(body: unknown): ServerConfig {
  const c = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const out: ServerConfig = {};
  if (typeof c.defaultRegion === 'string' && AREA_RE.test(c.defaultRegion)) out.defaultRegion = c.defaultRegion;
  const area = c.area as Record<string, unknown> | null | undefined;
  if (
    typeof area === 'object' &&
    area !== null &&
    typeof area.code === 'string' &&
    AREA_RE.test(area.code) &&
    typeof area.name === 'string' &&
    typeof area.level === 'string'
  )
    out.area = { code: area.code, name: area.name, level: area.level };
  if (typeof c.mapStyleUrl === 'string' && c.mapStyleUrl !== '') out.mapStyleUrl = c.mapStyleUrl;
  if (typeof c.frameIntervalMs === 'number' && c.frameIntervalMs > 0) out.frameIntervalMs = c.frameIntervalMs;
  if (typeof c.replayIntervalMs === 'number' && c.replayIntervalMs > 0) out.replayIntervalMs = c.replayIntervalMs;
  return out;
}

/** the ask in flight, or the answer got: shared by every caller */
let current: Promise<ServerConfig | null> | null = null;

/** one ask (CONFIG_TIMEOUT_MS at most); null when the server did not answer */
function ask(): Promise<ServerConfig | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), CONFIG_TIMEOUT_MS);
  return fetch('/api/v1/config', { signal: ctl.signal })
    .then((r) => (r.ok ? (r.json() as Promise<unknown>) : Promise.reject(new Error(String(r.status)))))
    .then(parseConfig, () => null)
    .finally(() => clearTimeout(timer));
}

/** the server's config: the page's one answer (an ask in flight is shared); {} when the ask failed
 * (the next call asks again) */
export function serverConfig(): Promise<ServerConfig> {
  if (!current) {
    const p = ask();
    current = p;
    void p.then((c) => {
      if (c === null && current === p) current = null;
    });
  }
  return current.then((c) => c ?? {});
}

/** how long to wait before asking again for the area: 1, 2, 4 … s, at most 10 s */
export function areaRetryMs(attempt: number): number {
  return Math.min(10_000, 1000 * 2 ** attempt);
}

/**
 * The deployment's area (the config's defaultRegion): asked until the server says, so that a wall
 * started while its server is away never connects to a region of another deployment first.
 */
export async function serverArea(wait: (ms: number) => Promise<void> = sleep): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const c = await serverConfig();
    const code = c.defaultRegion ?? c.area?.code;
    if (code !== undefined) return code;
    await wait(areaRetryMs(attempt));
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** for tests: forget the answer */
export function resetServerConfig(): void {
  current = null;
}
