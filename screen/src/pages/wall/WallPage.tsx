// The wall page: region (drill-down), transport, theme rotation and layout; panels are pure views.
// Loaded as its own chunk (main.tsx): the map stack (maplibre, deck.gl, echarts) lives behind it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RegionRef } from '../../../../server/contract/index.ts';
import { DEFAULT_FRAME_INTERVAL_MS, isRefusal } from '../../state/apply.ts';
import { dispatch, useLive, useWall } from '../../state/store.ts';
import { connect } from '../../transport.ts';
import { computeLayout, focusLayout, FOCUS_SCALE } from './layout.ts';
import type { WallParams } from '../../params.ts';
import { PALETTES } from '../../palette.ts';
import { t } from '../../i18n.ts';
import { useConfig, useOrgs, useWindowSize } from '../../useData.ts';
import { Header } from '../../panels/Header.tsx';
import { KpiGrid } from '../../panels/KpiGrid.tsx';
import { Panel } from '../../panels/Panel.tsx';
import { Ticker } from '../../panels/Ticker.tsx';
import { AlertPanel } from '../../panels/AlertPanel.tsx';
import { StudyPanels } from '../../panels/StudyPanels.tsx';
import { OrgPanels } from '../../panels/OrgPanels.tsx';
import { PartyPanels } from '../../panels/PartyPanels.tsx';
import { PagedSlotContext } from '../../panels/pagedSlot.ts';
import { usePager } from '../../panels/pager.ts';
import { MapPanel } from '../../map/MapPanel.tsx';
import { THEMES, type MapTheme } from '../../map/themes.ts';
import { loadChildren, loadChina } from '../../map/geo.ts';
import { containsCode } from '../../../../geo/browser.ts';
import { replayTimeAt } from '../../../../server/contract/control.ts';
import { useRoom, useRoomLink, useStatusOnChange } from '../../room/useRoom.ts';
import { useReplay } from '../../room/useReplay.ts';
import { RoomOverlays } from '../../room/RoomOverlays.tsx';
import type { WallRoomStatus } from '../../room/client.ts';

export function WallPage({ params }: { params: WallParams }) {
  const { token } = params;
  const [region, setRegion] = useState(params.region);
  /** regions the server refused (out of this wall's scope): hidden from the breadcrumb */
  const [refused, setRefused] = useState<string[]>([]);
  const [ownTheme, setTheme] = useState<MapTheme>('study');
  // a room (?room=) drives region, theme, language, a full-screen panel, standby and replay;
  // what it leaves null stays the wall's own
  const status = useRef<WallRoomStatus | null>(null);
  const { state: room, client: roomClient } = useRoom(params.room, token, () => status.current!);
  const roomLinked = useRoomLink((s) => s.connected);
  const view = room?.view ?? null;
  const lang = room?.langOverride ?? view?.lang ?? params.lang;
  const theme = view?.theme ?? ownTheme;
  const replay = room?.replay ?? null;
  const replaying = replay !== null;
  const size = useWindowSize();
  const baseLayout = useMemo(() => computeLayout(size.w, size.h), [size]);
  const focus = view?.panel ?? null;
  const layout = useMemo(() => (focus ? focusLayout(baseLayout, focus) : baseLayout), [baseLayout, focus]);
  const pal = PALETTES[params.skin];
  const panelU = focus ? layout.u * FOCUS_SCALE : layout.u;
  const ctx = useMemo(() => ({ lang, pal, u: panelU }), [lang, pal, panelU]);
  const replaceKey = `${lang}:${layout.width}x${layout.height}`;
  const config = useConfig();
  const orgs = useOrgs(region, token);
  // 16:9: the party affairs panels and the floating destinations take turns in one slot
  const page = usePager(layout.pages, params.rotationS);
  const slot = useMemo(() => ({ page, pages: layout.pages }), [page, layout.pages]);

  const snap = useWall((s) => s.snapshot);
  const connected = useWall((s) => s.connected);
  const replayedShown = useWall((s) => s.replayed);
  const error = useWall((s) => s.error);
  // renders the page only when liveness flips (heartbeats move the store each second)
  const live = useLive(config?.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS);

  // the room's region, at every change of the room (the room drives its walls); reset: the wall's own
  const roomRegion = view?.region ?? null;
  const roomV = room?.v;
  useEffect(() => {
    if (roomV !== undefined) setRegion(roomRegion ?? params.region);
  }, [roomRegion, roomV, params.region]);
  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  }, [lang]);

  // live data; while the room replays, the recorded pictures (useReplay) and the live messages
  // set aside — the connection stays open, so leaving the replay is one snapshot away (asked for
  // by the store: never frames on a replayed picture)
  useEffect(() => {
    dispatch({ kind: 'region', region, at: Date.now() });
    const transport = connect(region, token);
    return () => transport.close();
  }, [region, token]);
  useEffect(() => {
    dispatch({ kind: 'replay', on: replaying, at: Date.now() });
  }, [replaying]);
  const replayNote = useReplay(replay, region, token, config?.replayIntervalMs);

  // a refused drill (out of scope, unknown) goes back to the region on screen; `unavailable`
  // (the server cannot read it now) is no refusal: the transport retries the same region
  useEffect(() => {
    if (!isRefusal(error) || !snap || snap.region.code === region) return;
    setRefused((r) => (r.includes(region) ? r : [...r, region]));
    setRegion(snap.region.code);
  }, [error, snap, region]);

  const pinned = view?.theme != null;
  useEffect(() => {
    if (params.rotationS <= 0 || pinned) return;
    const id = setInterval(
      () => setTheme((th) => THEMES[(THEMES.indexOf(th) + 1) % THEMES.length]!),
      params.rotationS * 1000,
    );
    return () => clearInterval(id);
  }, [params.rotationS, ownTheme, pinned]);

  // fetch the boundaries while the map is still starting
  const snapCode = snap?.region.code;
  const snapLevel = snap?.region.level;
  useEffect(() => {
    if (snapCode && snapLevel) loadChildren(snapCode, snapLevel).catch(() => undefined);
    loadChina().catch(() => undefined);
  }, [snapCode, snapLevel]);

  // a child drills in; so does a region below a child where the map draws past a level the
  // snapshot lists (a municipality's map shows its districts, its snapshot the 市辖区/县 groupings)
  const drill = useCallback(
    (code: string) => {
      if (snap && (code in snap.children || Object.keys(snap.children).some((c) => containsCode(c, code))))
        setRegion(code);
    },
    [snap],
  );

  const crumbs = useMemo<RegionRef[]>(() => {
    if (!snap) return [];
    const all = [...snap.region.ancestors, snap.region];
    const cut = all.reduce((at, c, i) => (refused.includes(c.code) ? i + 1 : at), 0);
    return all.slice(cut);
  }, [snap, refused]);

  const p = layout.panels;
  const ultra = layout.mode === 'ultrawide';
  const stale = snap !== null && !live && !replaying;
  // a replay shows only recorded pictures: before the first, in a gap of the record or when it
  // cannot be read, the panels show no data (never the live picture, nor an older record, under
  // the replayed clock)
  const shown = replaying && (!replayedShown || replayNote === 'none' || replayNote === 'error') ? null : snap;
  const scopeNote =
    error && (error.reason === 'out_of_scope' || error.reason === 'unauthorized') ? t(lang, 'scopeLimited') : null;
  // the map (WebGL setup is the heaviest start-up work) starts as soon as the config says which
  // style to use: its set-up overlaps the socket handshake and the snapshot instead of following them
  const mapReady = config !== null;

  status.current = {
    region: snap?.region.code ?? region,
    theme,
    lang,
    live: live && !replaying,
    replayAt: replay ? Math.floor(replayTimeAt(replay, Date.now())) : null,
    v: room?.v ?? 0,
    width: layout.width,
    height: layout.height,
  };
  useStatusOnChange(
    roomClient,
    `${status.current.region}|${theme}|${lang}|${status.current.live}|${replaying}|${room?.v}|${layout.width}`,
    () => status.current!,
  );
  const roomNote =
    params.room !== null && !roomLinked
      ? t(lang, 'roomLost')
      : replayNote === 'none'
        ? t(lang, 'replayNone')
        : replayNote === 'error'
          ? t(lang, 'replayError')
          : replayNote === 'loading' || (replaying && !replayedShown)
            ? t(lang, 'replayLoading')
            : null;

  return (
    <div
      className={`wall wall-${layout.mode}${stale ? ' wall-stale' : ''}`}
      style={{ width: layout.width, height: layout.height, ['--u' as string]: `${layout.u}px` }}
      data-mode={layout.mode}
      data-page={page ?? undefined}
      data-room={params.room ?? undefined}
      data-room-v={room?.v}
      data-focus={focus ?? undefined}
      data-replayed-asof={replayedShown && snap ? snap.asOf : undefined}
    >
      <Header
        layout={layout}
        lang={lang}
        regionName={snap?.region.name ?? null}
        live={live}
        connecting={!connected && snap === null}
        scopeNote={scopeNote}
        replay={replay}
        roomNote={roomNote}
      />
      <div className="wall-body">
        {p.kpis ? (
          <Panel id="kpis" rect={p.kpis} title={t(lang, 'panelKpi')} subtitle={undefined} untitled>
            <KpiGrid kpi={shown?.kpi ?? null} lang={lang} grid={layout.kpiGrid} />
          </Panel>
        ) : null}
        <PagedSlotContext.Provider value={slot}>
          <StudyPanels snap={shown} layout={layout} ctx={ctx} replaceKey={replaceKey} />
          <OrgPanels snap={shown} layout={layout} ctx={ctx} replaceKey={replaceKey} />
          <PartyPanels snap={shown} layout={layout} ctx={ctx} replaceKey={replaceKey} page={page} />
        </PagedSlotContext.Provider>
        {p.map && mapReady ? (
          <MapPanel
            id="map"
            rect={p.map}
            u={layout.u}
            lang={lang}
            pal={pal}
            snap={shown}
            orgs={orgs}
            view={!ultra && theme === 'floating' ? 'national' : 'city'}
            theme={theme}
            onTheme={setTheme}
            crumbs={crumbs}
            onCrumb={setRegion}
            onDrill={drill}
            styleUrl={config?.mapStyleUrl}
          />
        ) : null}
        {p.mapNational && mapReady ? (
          <MapPanel
            id="mapNational"
            rect={p.mapNational}
            u={layout.u}
            lang={lang}
            pal={pal}
            snap={shown}
            orgs={orgs}
            view="national"
            theme="floating"
            onDrill={drill}
            styleUrl={config?.mapStyleUrl}
          />
        ) : null}
        {p.ticker ? (
          <Panel id="ticker" rect={p.ticker} title={t(lang, 'panelTicker')} subtitle={undefined}>
            <TickerFeed lang={lang} />
          </Panel>
        ) : null}
        {p.alerts ? (
          <div
            className="alerts-slot"
            style={{ left: p.alerts.x, top: p.alerts.y, width: p.alerts.w, height: p.alerts.h }}
          >
            <AlertPanel panel={shown?.alerting} lang={lang} vertical={ultra} />
          </div>
        ) : null}
      </div>
      {room ? <RoomOverlays room={room} lang={lang} layout={layout} snap={snap} /> : null}
    </div>
  );
}

function TickerFeed({ lang }: { lang: WallParams['lang'] }) {
  const items = useWall((s) => s.ticker);
  const base = useWall((s) => s.tickerBaseTs);
  return <Ticker items={items} lang={lang} animateFrom={base} />;
}
