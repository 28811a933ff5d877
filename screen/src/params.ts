// Kiosk URL parameters: ?region=CODE&theme=SECONDS&lang=en&token=T&skin=command-blue&room=NAME
// (the token leaves the address bar once read: takeTokenFromUrl)
import { ROOM_NAME_RE } from '../../server/contract/control.ts';

export type Lang = 'zh' | 'en';
export type Skin = 'party-red' | 'command-blue';

export interface WallParams {
  region: string;
  /** map theme rotation period in seconds; 0 = no rotation */
  rotationS: number;
  lang: Lang;
  token: string | undefined;
  skin: Skin;
  /** the room this wall follows (issue 11), or null: the wall is on its own */
  room: string | null;
}

/** the demo area's city: what parseParams answers when the address names no region (main.tsx asks
 * the server for its area then: regionFromUrl) */
export const DEFAULT_REGION = '610100';
export const DEFAULT_ROTATION_S = 30;
const REGION_RE = /^(\d{6}|\d{9}|\d{12})$/;

/** the region the address names (?region=), or null: the wall shows the server's area */
export function regionFromUrl(search: string): string | null {
  const region = new URLSearchParams(search).get('region') ?? '';
  return REGION_RE.test(region) ? region : null;
}

export function parseParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const region = q.get('region') ?? '';
  const theme = q.get('theme');
  const rotation = theme === null || theme === '' ? DEFAULT_ROTATION_S : Number(theme);
  const token = q.get('token');
  return {
    region: REGION_RE.test(region) ? region : DEFAULT_REGION,
    rotationS: Number.isFinite(rotation) && rotation >= 0 ? rotation : DEFAULT_ROTATION_S,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
    token: token === null || token === '' ? undefined : token,
    skin: q.get('skin') === 'command-blue' ? 'command-blue' : 'party-red',
    room: ROOM_NAME_RE.test(q.get('room') ?? '') ? q.get('room') : null,
  };
}

/** sessionStorage key of the wall's token once it left the address bar */
export const TOKEN_STORAGE_KEY = 'zhdj.wall.token';
/** the console's operator token: its own key, so that a wall opened from the console in this tab
 * never presents an operator's token, nor the console a wall's */
export const CONSOLE_TOKEN_STORAGE_KEY = 'zhdj.console.token';
/** the control page's token (an operator's, or a paired tablet's session): its own key too */
export const CONTROL_TOKEN_STORAGE_KEY = 'zhdj.control.token';

/** this tab's sessionStorage, or undefined where storage is disabled (privacy modes) */
export function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** What takeTokenFromUrl needs of `window` (tests pass their own). */
export interface UrlHost {
  location: Pick<Location, 'href' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The wall's parameters, with ?token= taken out of the address bar (history.replaceState): the
 * token stays in memory for the socket's reconnections and in this tab's sessionStorage for a
 * reload, so it does not sit in the address bar, in bookmarks, screenshots or the history.
 */
export function takeTokenFromUrl(win: UrlHost, storageKey: string = TOKEN_STORAGE_KEY): WallParams {
  const params = parseParams(win.location.search);
  const storage = (() => {
    try {
      return win.sessionStorage;
    } catch {
      return undefined; // storage disabled: the token lives in memory only
    }
  })();
  const url = new URL(win.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    if (params.token !== undefined) {
      try {
        storage?.setItem(storageKey, params.token);
      } catch {
        // quota or privacy mode: memory only
      }
    }
    return params;
  }
  let stored: string | null;
  try {
    stored = storage?.getItem(storageKey) ?? null;
  } catch {
    stored = null;
  }
  return stored ? { ...params, token: stored } : params;
}
