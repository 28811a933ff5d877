// Small fetches outside the socket: server config and organisation points.
import { useEffect, useState } from 'react';
import type { OrgPoint } from '../../server/contract/index.ts';
import { serverConfig, type ServerConfig } from './config.ts';

export type WallConfig = Pick<ServerConfig, 'mapStyleUrl' | 'frameIntervalMs' | 'replayIntervalMs'>;

/** null until answered (or timed out / failed: then {}); the page's one config answer (config.ts) */
export function useConfig(): WallConfig | null {
  const [config, setConfig] = useState<WallConfig | null>(null);
  useEffect(() => {
    let gone = false;
    serverConfig().then((c) => {
      if (!gone) setConfig(c);
    });
    return () => {
      gone = true;
    };
  }, []);
  return config;
}

/** how long to wait before asking again for the org points after a failure: the server's
 * Retry-After when it gave one (a 503 under load or during an outage), else 2, 4, 8 … s; at
 * most 60 s. A wall on a wall for days must not keep an empty map after one refused fetch. */
export function orgsRetryMs(attempt: number, retryAfter: string | null): number {
  const s = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : 2 ** (attempt + 1);
  return Math.min(60_000, Math.max(1000, s * 1000));
}

export function useOrgs(region: string, token: string | undefined): OrgPoint[] {
  const [orgs, setOrgs] = useState<OrgPoint[]>([]);
  useEffect(() => {
    const ctl = new AbortController();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (attempt: number) => {
      const again = (retryAfter: string | null) => {
        if (!ctl.signal.aborted) timer = setTimeout(() => load(attempt + 1), orgsRetryMs(attempt, retryAfter));
      };
      fetch(`/api/v1/orgs?region=${encodeURIComponent(region)}`, { signal: ctl.signal, headers })
        .then(async (r) => {
          // 4xx (a bad region, a token outside its scope) will not get better by asking again
          if (!r.ok) return r.status >= 500 || r.status === 429 ? again(r.headers.get('retry-after')) : undefined;
          const body = (await r.json()) as unknown;
          const list = Array.isArray(body)
            ? body
            : Array.isArray((body as { orgs?: unknown }).orgs)
              ? (body as { orgs: unknown[] }).orgs
              : [];
          setOrgs((list as OrgPoint[]).filter((o) => Number.isFinite(o.lng) && Number.isFinite(o.lat)));
        })
        .catch(() => again(null));
    };
    load(0);
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [region, token]);
  return orgs;
}

export function useWindowSize(): { w: number; h: number } {
  const [size, setSize] = useState(() => ({ w: window.innerWidth, h: window.innerHeight }));
  useEffect(() => {
    const on = () => setSize({ w: window.innerWidth, h: window.innerHeight });
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}
