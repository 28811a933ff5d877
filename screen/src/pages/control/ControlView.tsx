// The signed-in control page: a header (room, connection, session, who controls the room), the
// room's mirror and walls on the left, and the controls on the right in tabs (view, scenes, tours,
// replay). A pure function of the store's state and the actions; the library (scenes, tours,
// regions, alerts) is fetched here.
import { useCallback, useEffect, useMemo, useState, type DependencyList } from 'react';
import type { ApiAlert } from '../../../../server/contract/alerts.ts';
import type { RoomState, Scene, Tour } from '../../../../server/contract/control.ts';
import { DEFAULT_REGION, type Lang } from '../../params.ts';
import { useNow } from '../../useNow.ts';
import { Brand, ConnectionBadge, DisconnectedBanner, HeaderTools, type Words } from '../chrome.tsx';
import type { ControlApi, RegionOption } from './api.ts';
import { countdown } from './model.ts';
import { Mirror, Walls } from './Mirror.tsx';
import { Replay } from './Replay.tsx';
import { Scenes } from './Scenes.tsx';
import { inControl, wallList, type ControlState } from './store.ts';
import { tt } from './strings.ts';
import { Tours } from './Tours.tsx';
import { useRun, type LibraryProps } from './ui.tsx';
import type { ControlActions } from './useControl.ts';
import { ViewControls } from './ViewControls.tsx';

const TICK_MS = 250;
const ALERTS_EVERY_MS = 30_000;
/** a handover stays on the page this long */
const HANDOVER_SHOWN_MS = 8_000;

type Tab = 'view' | 'scenes' | 'tours' | 'replay';
const TABS: { id: Tab; key: 'controls' | 'scenes' | 'tours' | 'replayTitle' }[] = [
  { id: 'view', key: 'controls' },
  { id: 'scenes', key: 'scenes' },
  { id: 'tours', key: 'tours' },
  { id: 'replay', key: 'replayTitle' },
];

export interface ControlViewProps {
  state: ControlState;
  actions: ControlActions;
  api: ControlApi;
  lang: Lang;
  onLang?: () => void;
  onSignOut?: () => void;
  /** the region whose children the region picker offers, and a scene's region when the room names
   * none: the deployment's area (main.tsx) */
  city?: string;
}

/** what `load` answers, asked again when `deps` change and every `everyMs` if given; a failure
 * keeps what was there */
function useLoaded<T>(load: () => Promise<T>, deps: DependencyList, initial: T, everyMs?: number): T {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    let gone = false;
    const ask = () =>
      void load().then(
        (v) => !gone && setValue(v),
        () => undefined,
      );
    ask();
    const id = everyMs === undefined ? undefined : setInterval(ask, everyMs);
    return () => {
      gone = true;
      clearInterval(id);
    };
    // `deps`: what `load` reads, as useEffect takes them
  }, [...deps, everyMs]);
  return value;
}

function useLibrary(api: ControlApi, city: string) {
  const [asked, setAsked] = useState(0);
  // `asked`: a reload asks again
  const scenes = useLoaded(() => api.scenes(), [api, asked], [] as Scene[]);
  const tours = useLoaded(() => api.tours(), [api, asked], [] as Tour[]);
  const regions = useLoaded(() => api.regions(city), [api, city], [] as RegionOption[]);
  const alerts = useLoaded(() => api.alerts(), [api], [] as ApiAlert[], ALERTS_EVERY_MS);
  return { scenes, tours, regions, alerts, reload: useCallback(() => setAsked((n) => n + 1), []) };
}

export function ControlView({ state, actions, api, lang, onLang, onSignOut, city = DEFAULT_REGION }: ControlViewProps) {
  const [tab, setTab] = useState<Tab>('view');
  const now = useNow(TICK_MS);
  const words: Words = (k) => tt(lang, k);
  const lib = useLibrary(api, city);
  const { run, busy, refusal, clear, refuse } = useRun(actions.command);
  const [libError, setLibError] = useState<string | null>(null);
  const { room, status, session } = state;
  const walls = useMemo(() => wallList(state), [state]);
  const mine = inControl(state);
  const live = status === 'live';
  // the picker's regions: the city's, else the codes the room knows of (a paired tablet may not read the city)
  const regions = useMemo(() => {
    if (lib.regions.length > 0) return lib.regions;
    const codes = new Set<string>([city]);
    if (room?.view.region) codes.add(room.view.region);
    for (const w of walls) codes.add(w.region);
    for (const s of lib.scenes) codes.add(s.region);
    return [...codes].sort().map((code) => ({ code, name: code }));
  }, [lib.regions, lib.scenes, room, walls, city]);

  const take = async () => {
    const r = await actions.takeControl();
    refuse(r.ok ? null : { ...r, command: 'takeControl' });
  };
  const release = async () => {
    const r = await actions.release();
    refuse(r.ok ? null : { ...r, command: 'release' });
  };
  const library = (r: RoomState): LibraryProps => ({
    room: r,
    api,
    lang,
    run,
    busy,
    onChanged: lib.reload,
    onError: setLibError,
  });
  const controller = room?.controller ?? null;
  const handover = room?.handover && now - room.handover.at < HANDOVER_SHOWN_MS ? room.handover : null;
  const leftMs = session?.expiresAt != null ? session.expiresAt - now : null;

  return (
    <div className={`console control${live ? '' : ' console-not-live'}`} data-status={status}>
      <header className="console-header">
        <Brand t={words} />
        <div className="console-who" data-room>
          <span className="console-dim">{tt(lang, 'roomLabel')}</span> <strong>{room?.room ?? '—'}</strong>
        </div>
        <div className="console-conn">
          <ConnectionBadge status={status} t={words} />
          {session && (
            <span className="ctl-session" data-session={session.via}>
              <span className="console-dim">{tt(lang, session.via === 'operator' ? 'operator' : 'paired')}</span>{' '}
              <strong>{session.name}</strong>
              {leftMs !== null && (
                <span className={leftMs < 120_000 ? 'ctl-warn' : 'console-dim'} data-session-left>
                  {' '}
                  · {tt(lang, 'session')} {countdown(leftMs)}
                </span>
              )}
            </span>
          )}
        </div>
        <HeaderTools t={words} onLang={onLang} onSignOut={onSignOut} />
      </header>
      <DisconnectedBanner status={status} t={words}>
        {state.error?.message ? <span className="console-dim"> — {state.error.message}</span> : null}
      </DisconnectedBanner>
      <div className={`ctl-control-bar${mine ? ' is-mine' : ''}`} data-controller={controller?.id ?? ''}>
        <span className="console-dim">{tt(lang, 'controller')}</span>
        <strong>
          {controller ? controller.name : tt(lang, 'nobody')}
          {mine ? tt(lang, 'you') : ''}
        </strong>
        {controller && !mine && (
          <button type="button" className="c-btn c-btn-primary" onClick={() => void take()} data-take-control>
            {tt(lang, 'takeControl')}
          </button>
        )}
        {mine && (
          <button type="button" className="c-btn c-btn-ghost c-btn-small" onClick={() => void release()}>
            {tt(lang, 'release')}
          </button>
        )}
        {handover && (
          <span className="ctl-handover" role="status" data-handover>
            {tt(lang, 'handover')}: {handover.from} → {handover.to}
          </span>
        )}
      </div>
      {(refusal || libError) && (
        <div className="c-error ctl-refusal" role="alert" data-refusal={refusal?.reason ?? 'api'}>
          <strong>{tt(lang, 'commandFailed')}</strong>
          <span className="c-error-msg">{refusal?.message ?? libError}</span>
          {refusal?.reason === 'not_controller' && (
            <button type="button" className="c-btn c-btn-primary" onClick={() => void take()} data-take-control>
              {tt(lang, 'takeControl')}
            </button>
          )}
          <button
            type="button"
            className="c-btn c-btn-ghost c-btn-small"
            onClick={() => {
              clear();
              setLibError(null);
            }}
          >
            {tt(lang, 'dismiss')}
          </button>
        </div>
      )}
      {room === null ? (
        <p className="console-empty">{tt(lang, status === 'connecting' ? 'connecting' : 'disconnected')}</p>
      ) : (
        <div className="ctl-layout">
          <aside className="ctl-side">
            <Mirror room={room} scenes={lib.scenes} tours={lib.tours} regions={regions} lang={lang} now={now} />
            <Walls walls={walls} room={room} regions={regions} lang={lang} />
          </aside>
          <main className="ctl-main">
            <nav className="console-tabs ctl-tabs" role="tablist">
              {TABS.map((t) => (
                <button
                  key={t.id}
                  type="button"
                  role="tab"
                  aria-selected={tab === t.id}
                  className={`c-tab${tab === t.id ? ' is-on' : ''}`}
                  onClick={() => setTab(t.id)}
                  data-tab={t.id}
                >
                  {tt(lang, t.key)}
                  {t.id === 'scenes' ? <span className="c-count">{lib.scenes.length}</span> : null}
                  {t.id === 'tours' ? <span className="c-count">{lib.tours.length}</span> : null}
                </button>
              ))}
            </nav>
            <div className="ctl-panel">
              {tab === 'view' ? (
                <ViewControls room={room} regions={regions} alerts={lib.alerts} lang={lang} run={run} busy={busy} />
              ) : tab === 'scenes' ? (
                <Scenes {...library(room)} scenes={lib.scenes} regions={regions} home={city} />
              ) : tab === 'tours' ? (
                <Tours {...library(room)} tours={lib.tours} scenes={lib.scenes} />
              ) : (
                <Replay room={room} api={api} lang={lang} run={run} busy={busy} now={now} />
              )}
            </div>
          </main>
        </div>
      )}
    </div>
  );
}
