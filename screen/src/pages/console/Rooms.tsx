// The console's rooms (issue 11): each room of walls, who controls it, and the pairing code an
// operator shows on its walls for a tablet (POST /api/v1/control/pairing) or hides again. The code
// rotates every minute, so the list is read again every few seconds while this tab is open.
import { useCallback, useEffect, useState } from 'react';
import type { RoomState } from '../../../../server/contract/control.ts';
import type { Lang } from '../../params.ts';
import { ConsoleApiError, type ConsoleApi } from './api.ts';
import { formatTime } from './model.ts';
import { ct } from './strings.ts';

const ROOMS_EVERY_MS = 5_000;

const errorText = (e: unknown): string =>
  e instanceof ConsoleApiError && e.status > 0
    ? `${e.message} (HTTP ${e.status})`
    : e instanceof Error
      ? e.message
      : String(e);

export function RoomsTab({ api, lang }: { api: ConsoleApi; lang: Lang }) {
  const [rooms, setRooms] = useState<RoomState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api.rooms().then(
        (r) => (setRooms([...r].sort((a, b) => a.room.localeCompare(b.room))), setError(null)),
        (e: unknown) => setError(errorText(e)),
      ),
    [api],
  );
  useEffect(() => {
    void load();
    const id = setInterval(() => void load(), ROOMS_EVERY_MS);
    return () => clearInterval(id);
  }, [load]);
  const act = async (room: string, f: () => Promise<unknown>) => {
    setBusy(room);
    try {
      await f();
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const now = Date.now();
  return (
    <section className="console-rooms" data-rooms>
      <h2 className="c-group-title">{ct(lang, 'roomsTitle')}</h2>
      {error !== null && (
        <div className="c-error" role="alert" data-action-error>
          <strong>{ct(lang, 'actionFailed')}</strong>
          <span className="c-error-msg">{error}</span>
        </div>
      )}
      {rooms === null ? (
        <p className="console-empty">{ct(lang, 'roomsLoading')}</p>
      ) : rooms.length === 0 ? (
        <p className="console-empty">{ct(lang, 'roomsEmpty')}</p>
      ) : (
        <ul className="console-list">
          {rooms.map((r) => {
            const p = r.pairing && r.pairing.until > now ? r.pairing : null;
            return (
              <li key={r.room} className="c-silence" data-room={r.room}>
                <div className="c-alert-body">
                  <div className="c-alert-msg">
                    {r.room} <span className="console-code">v{r.v}</span>
                  </div>
                  <div className="c-alert-meta">
                    <span>
                      {ct(lang, 'controller')} <strong>{r.controller?.name ?? '—'}</strong>
                    </span>
                    <a
                      className="c-btn-link"
                      href={`/control?room=${encodeURIComponent(r.room)}${lang === 'en' ? '&lang=en' : ''}`}
                      target="_blank"
                      rel="noopener noreferrer"
                    >
                      {ct(lang, 'openControl')} ↗
                    </a>
                  </div>
                  {p && (
                    <div className="c-pairing" data-pairing-code>
                      <span className="console-dim">{ct(lang, 'pairingCode')}</span>
                      <strong className="c-pairing-code">{p.code || '——'}</strong>
                      <span className="console-dim">
                        {ct(lang, 'pairingExpires')} {formatTime(p.expiresAt, lang, false)}
                      </span>
                      <span className="console-dim">
                        {ct(lang, 'pairingUntil')} {formatTime(p.until, lang, false)}
                      </span>
                      <span className="console-dim">{ct(lang, 'pairingNote')}</span>
                    </div>
                  )}
                </div>
                <div className="c-silence-actions">
                  {p ? (
                    <button
                      type="button"
                      className="c-btn"
                      disabled={busy === r.room}
                      onClick={() => void act(r.room, () => api.hidePairing(r.room))}
                      data-action="hide-pairing"
                    >
                      {ct(lang, 'hidePairing')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="c-btn c-btn-primary"
                      disabled={busy === r.room}
                      onClick={() => void act(r.room, () => api.showPairing(r.room))}
                      data-action="show-pairing"
                    >
                      {ct(lang, 'showPairing')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
