// Small fetches outside the socket: server config and organisation points.
import { useEffect, useState } from 'react';
import type { OrgPoint } from '../../server/contract/index.ts';

export interface WallConfig {
  mapStyleUrl?: string;
  frameIntervalMs?: number;
}

const CONFIG_TIMEOUT_MS = 1500;

/** null until answered (or timed out / failed: then {}) */
export function useConfig(): WallConfig | null {
  const [config, setConfig] = useState<WallConfig | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), CONFIG_TIMEOUT_MS);
    fetch('/api/v1/config', { signal: ctl.signal })
      .then((r) => (r.ok ? (r.json() as Promise<{ mapStyleUrl?: unknown; frameIntervalMs?: unknown } | null>) : null))
      .then((c) => {
        const out: WallConfig = {};
        if (typeof c?.mapStyleUrl === 'string' && c.mapStyleUrl !== '') out.mapStyleUrl = c.mapStyleUrl;
        if (typeof c?.frameIntervalMs === 'number' && c.frameIntervalMs > 0) out.frameIntervalMs = c.frameIntervalMs;
        setConfig(out);
      })
      .catch(() => setConfig({}))
      .finally(() => clearTimeout(timer));
    return () => ctl.abort();
  }, []);
  return config;
}

export function useOrgs(region: string, token: string | undefined): OrgPoint[] {
  const [orgs, setOrgs] = useState<OrgPoint[]>([]);
  useEffect(() => {
    const ctl = new AbortController();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    fetch(`/api/v1/orgs?region=${encodeURIComponent(region)}`, { signal: ctl.signal, headers })
      .then((r) => (r.ok ? (r.json() as Promise<unknown>) : []))
      .then((body) => {
        const list = Array.isArray(body)
          ? body
          : Array.isArray((body as { orgs?: unknown }).orgs)
            ? (body as { orgs: unknown[] }).orgs
            : [];
        setOrgs((list as OrgPoint[]).filter((o) => Number.isFinite(o.lng) && Number.isFinite(o.lat)));
      })
      .catch(() => undefined);
    return () => ctl.abort();
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
