// The presenter's control page (issue 11, `/control`, tablet-first): sign in with a wall's 6-digit
// pairing code or an operator token, pick the room (?room=), then drive it over Socket.IO
// /control. A paired session is renewed while the page is open. Its own chunk: no map stack
// (tests/e2e/chunks.test.ts); the console's stylesheet gives it the same look.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ROOM_NAME_RE, type RoomState } from '../../../../server/contract/control.ts';
import { CONTROL_TOKEN_STORAGE_KEY, tabStorage, type Lang, type WallParams } from '../../params.ts';
import { ControlApiError, createControlApi, pair, type ControlApi } from './api.ts';
import { ControlView } from './ControlView.tsx';
import { codeFromSearch, needsRenewal, roomFromSearch } from './model.ts';
import { useControlStore } from './store.ts';
import { tt } from './strings.ts';
import { useControl } from './useControl.ts';
import '../console/console.css';
import './control.css';

const RENEW_CHECK_MS = 15_000;

function setQuery(name: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

export function ControlPage({ params }: { params: WallParams }) {
  const [lang, setLang] = useState<Lang>(params.lang);
  const [token, setToken] = useState<string | undefined>(params.token);
  const [room, setRoom] = useState<string | null>(() => roomFromSearch(window.location.search));
  const actions = useControl(room, token);
  const state = useControlStore();
  const api = useMemo(() => (token === undefined ? null : createControlApi(token)), [token]);
  useRenewal(api, state.session, state.set);

  const toggleLang = useCallback(() => {
    const next: Lang = lang === 'zh' ? 'en' : 'zh';
    setLang(next);
    document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
    setQuery('lang', next === 'en' ? 'en' : null);
  }, [lang]);
  const signIn = useCallback((t: string, r: string | null) => {
    try {
      tabStorage()?.setItem(CONTROL_TOKEN_STORAGE_KEY, t);
    } catch {
      // quota or privacy mode: memory only
    }
    setToken(t);
    if (r !== null) {
      setRoom(r);
      setQuery('room', r);
    }
  }, []);
  const signOut = useCallback(() => {
    try {
      tabStorage()?.removeItem(CONTROL_TOKEN_STORAGE_KEY);
    } catch {
      // nothing stored
    }
    setToken(undefined);
  }, []);
  const pickRoom = useCallback((r: string) => {
    setRoom(r);
    setQuery('room', r);
  }, []);

  if (token === undefined || api === null || state.status === 'unauthorized') {
    return (
      <SignIn
        lang={lang}
        onLang={toggleLang}
        room={room}
        onSignIn={signIn}
        refusal={state.status === 'unauthorized' ? (state.error?.message ?? '') : null}
      />
    );
  }
  if (room === null) return <RoomPicker api={api} lang={lang} onPick={pickRoom} onSignOut={signOut} />;
  return (
    <ControlView
      state={state}
      actions={actions}
      api={api}
      lang={lang}
      onLang={toggleLang}
      onSignOut={signOut}
      city={params.region}
    />
  );
}

/** a paired session: renewed (POST /api/v1/control/session) once less than a third of it is left */
function useRenewal(
  api: ControlApi | null,
  session: ReturnType<typeof useControlStore.getState>['session'],
  set: ReturnType<typeof useControlStore.getState>['set'],
): void {
  const expiresAt = session?.via === 'pairing' ? session.expiresAt : null;
  useEffect(() => {
    if (api === null || expiresAt === null) return;
    let gone = false;
    const check = () => {
      if (!needsRenewal(expiresAt, Date.now())) return;
      api.renew().then(
        (r) => !gone && set((s) => (s.session ? { ...s, session: { ...s.session, expiresAt: r.expiresAt } } : s)),
        (e: unknown) =>
          !gone &&
          set((s) => ({
            ...s,
            error: { reason: 'expired', message: `${e instanceof Error ? e.message : String(e)}` },
          })),
      );
    };
    check();
    const id = setInterval(check, RENEW_CHECK_MS);
    return () => {
      gone = true;
      clearInterval(id);
    };
  }, [api, expiresAt, set]);
}

function pairError(lang: Lang, e: unknown): string {
  if (e instanceof ControlApiError) {
    if (e.status === 429)
      return `${tt(lang, 'lockedOut')}${e.retryAfterS !== null ? ` (${e.retryAfterS} ${tt(lang, 'retryIn')})` : ''}`;
    if (e.status === 401) return tt(lang, 'wrongCode');
    return e.status > 0 ? `${e.message} (HTTP ${e.status})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function SignIn({
  lang,
  onLang,
  room,
  onSignIn,
  refusal,
  pairFn = pair,
}: {
  lang: Lang;
  onLang: () => void;
  room: string | null;
  onSignIn: (token: string, room: string | null) => void;
  refusal: string | null;
  pairFn?: typeof pair;
}) {
  // the walls' QR code carries the code: typed in for the presenter, and out of the address bar
  const [code, setCode] = useState(() => {
    const c = codeFromSearch(window.location.search);
    if (c) setQuery('code', null);
    return c;
  });
  const [token, setToken] = useState('');
  const [roomName, setRoomName] = useState(room ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submitCode = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await pairFn(code);
      onSignIn(r.token, r.room);
    } catch (err) {
      setError(pairError(lang, err));
    } finally {
      setBusy(false);
    }
  };
  const roomOk = roomName === '' || ROOM_NAME_RE.test(roomName);
  const submitToken = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim() !== '' && roomOk) onSignIn(token.trim(), roomName === '' ? null : roomName);
  };
  return (
    <div className="console control console-signin-page">
      <div className="console-signin ctl-signin" data-signin>
        <div className="console-signin-head">
          <h1>{tt(lang, 'title')}</h1>
          <button type="button" className="c-btn c-btn-ghost" onClick={onLang}>
            {tt(lang, 'language')}
          </button>
        </div>
        {refusal !== null && (
          <p className="c-error" role="alert">
            <strong>{tt(lang, 'refused')}</strong>
            {refusal ? <span className="c-error-msg">{refusal}</span> : null}
          </p>
        )}
        <form onSubmit={(e) => void submitCode(e)} className="ctl-pair" data-pair>
          <p className="console-dim">{tt(lang, 'pairHint')}</p>
          <label className="c-field">
            <span>{tt(lang, 'pairCode')}</span>
            <input
              className="ctl-code-input"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
              name="code"
              autoFocus
            />
          </label>
          {error !== null && (
            <p className="c-error" role="alert" data-pair-error>
              <span className="c-error-msg">{error}</span>
            </p>
          )}
          <button type="submit" className="c-btn c-btn-primary" disabled={busy || !/^\d{6}$/.test(code)}>
            {tt(lang, busy ? 'working' : 'pair')}
          </button>
        </form>
        <details className="ctl-token">
          <summary>{tt(lang, 'orToken')}</summary>
          <form onSubmit={submitToken} className="ctl-pair" data-token-form>
            <label className="c-field">
              <span>{tt(lang, 'tokenLabel')}</span>
              <input
                type="password"
                autoComplete="off"
                value={token}
                onChange={(e) => setToken(e.target.value)}
                name="token"
              />
            </label>
            <label className="c-field">
              <span>
                {tt(lang, 'roomLabel')} <span className="console-dim">· {tt(lang, 'roomHint')}</span>
              </span>
              <input
                value={roomName}
                onChange={(e) => setRoomName(e.target.value.trim())}
                maxLength={32}
                name="room"
                aria-invalid={!roomOk}
              />
            </label>
            <button type="submit" className="c-btn" disabled={token.trim() === '' || !roomOk}>
              {tt(lang, 'signIn')}
            </button>
          </form>
        </details>
      </div>
    </div>
  );
}

function RoomPicker({
  api,
  lang,
  onPick,
  onSignOut,
}: {
  api: ControlApi;
  lang: Lang;
  onPick: (room: string) => void;
  onSignOut: () => void;
}) {
  const [rooms, setRooms] = useState<RoomState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  useEffect(() => {
    let gone = false;
    api.rooms().then(
      (r) => !gone && setRooms(r),
      (e: unknown) => !gone && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      gone = true;
    };
  }, [api]);
  const ok = ROOM_NAME_RE.test(name);
  return (
    <div className="console control console-signin-page">
      <div className="console-signin ctl-signin" data-room-picker>
        <div className="console-signin-head">
          <h1>{tt(lang, 'chooseRoom')}</h1>
          <button type="button" className="c-btn c-btn-ghost" onClick={onSignOut}>
            {tt(lang, 'signOut')}
          </button>
        </div>
        {error !== null && (
          <p className="c-error" role="alert">
            <span className="c-error-msg">{error}</span>
          </p>
        )}
        {rooms !== null && rooms.length === 0 && <p className="console-dim">{tt(lang, 'noRooms')}</p>}
        {rooms !== null && rooms.length > 0 && (
          <div className="ctl-chips">
            {rooms.map((r) => (
              <button key={r.room} type="button" className="c-chip" onClick={() => onPick(r.room)} data-room={r.room}>
                {r.room} <span className="console-dim">v{r.v}</span>
              </button>
            ))}
          </div>
        )}
        <form
          className="ctl-pair"
          onSubmit={(e) => {
            e.preventDefault();
            if (ok) onPick(name);
          }}
        >
          <label className="c-field">
            <span>
              {tt(lang, 'roomLabel')} <span className="console-dim">· {tt(lang, 'roomHint')}</span>
            </span>
            <input value={name} onChange={(e) => setName(e.target.value.trim())} maxLength={32} name="room" />
          </label>
          <button type="submit" className="c-btn c-btn-primary" disabled={!ok}>
            {tt(lang, 'open')}
          </button>
        </form>
      </div>
    </div>
  );
}
