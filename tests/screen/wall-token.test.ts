// The wall's ?token= leaves the address bar once read (issue 9): history.replaceState without it,
// the token kept for reconnections and, in sessionStorage, for a reload of the tab.
import { describe, expect, it } from 'vitest';
import {
  CONSOLE_TOKEN_STORAGE_KEY,
  TOKEN_STORAGE_KEY,
  takeTokenFromUrl,
  type UrlHost,
} from '../../screen/src/params.ts';

function fakeWindow(href: string, stored: Record<string, string> = {}, storageThrows = false) {
  const calls: string[] = [];
  const store = new Map(Object.entries(stored));
  const location = { href, search: new URL(href).search };
  const win: UrlHost = {
    location,
    history: {
      state: { kept: true },
      replaceState: (state: unknown, _unused: string, url?: string | URL | null) => {
        expect(state).toEqual({ kept: true });
        calls.push(String(url));
        location.href = new URL(String(url), href).href;
        location.search = new URL(location.href).search;
      },
    },
    get sessionStorage() {
      if (storageThrows) throw new Error('SecurityError');
      return { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    },
  };
  return { win, calls, store, location };
}

describe('takeTokenFromUrl', () => {
  it('removes the token from the URL, keeps the other parameters and the hash, remembers the token', () => {
    const w = fakeWindow('http://wall.local:8080/?region=610113&token=s3cret-wall-token&lang=en#x');
    const params = takeTokenFromUrl(w.win);
    expect(params.token).toBe('s3cret-wall-token');
    expect(params.region).toBe('610113');
    expect(params.lang).toBe('en');
    expect(w.calls).toEqual(['/?region=610113&lang=en#x']);
    expect(w.location.href).not.toContain('s3cret');
    expect(w.store.get(TOKEN_STORAGE_KEY)).toBe('s3cret-wall-token');
  });

  it('a reload (no token in the URL) takes the token from sessionStorage, and touches no history', () => {
    const w = fakeWindow('http://wall.local/?region=610113', { [TOKEN_STORAGE_KEY]: 'remembered-token' });
    expect(takeTokenFromUrl(w.win).token).toBe('remembered-token');
    expect(w.calls).toEqual([]);
  });

  it('a token in the URL wins over the remembered one', () => {
    const w = fakeWindow('http://wall.local/?token=new-token', { [TOKEN_STORAGE_KEY]: 'old-token' });
    expect(takeTokenFromUrl(w.win).token).toBe('new-token');
    expect(w.store.get(TOKEN_STORAGE_KEY)).toBe('new-token');
  });

  it('without storage the token still leaves the address bar and lives in memory', () => {
    const w = fakeWindow('http://wall.local/console?token=abc', {}, true);
    expect(takeTokenFromUrl(w.win).token).toBe('abc');
    expect(w.calls).toEqual(['/console']);
  });

  it('no token anywhere: nothing replaced, token undefined', () => {
    const w = fakeWindow('http://wall.local/?region=610100');
    expect(takeTokenFromUrl(w.win).token).toBeUndefined();
    expect(w.calls).toEqual([]);
  });

  it('the console keeps its operator token under its own key, apart from a wall token', () => {
    const w = fakeWindow('http://wall.local:8080/console?token=op-s3cret&lang=en', { [TOKEN_STORAGE_KEY]: 'wall-t' });
    const params = takeTokenFromUrl(w.win, CONSOLE_TOKEN_STORAGE_KEY);
    expect(params.token).toBe('op-s3cret');
    expect(w.calls).toEqual(['/console?lang=en']);
    expect(w.store.get(CONSOLE_TOKEN_STORAGE_KEY)).toBe('op-s3cret');
    expect(w.store.get(TOKEN_STORAGE_KEY)).toBe('wall-t');
    // a reload of the console takes the operator's, never the wall's
    const again = fakeWindow('http://wall.local:8080/console', { [TOKEN_STORAGE_KEY]: 'wall-t' });
    expect(takeTokenFromUrl(again.win, CONSOLE_TOKEN_STORAGE_KEY).token).toBeUndefined();
  });
});
