// The room as the walls show it (state, not video): the view, the tour's position, an alert's
// takeover, a replay, who controls the room, and each wall's own report.
import { WALL_STATUS_EVERY_MS, type RoomState, type Scene, type Tour } from '../../../../server/contract/control.ts';
import { useNow } from '../../useNow.ts';
import type { Lang } from '../../params.ts';
import { SEVERITY_LABELS } from '../../i18n.ts';
import { beijingTime, countdown, replayTimeAt, shortId, tourPosition } from './model.ts';
import type { RegionOption } from './api.ts';
import type { WallEntry } from './store.ts';
import { LANG_LABELS, panelLabel, themeLabel, tt } from './strings.ts';

export function regionName(code: string, regions: readonly RegionOption[]): string {
  return regions.find((r) => r.code === code)?.name ?? code;
}

export function Mirror({
  room,
  scenes,
  tours,
  regions,
  lang,
  now,
}: {
  room: RoomState;
  scenes: readonly Scene[];
  tours: readonly Tour[];
  regions: readonly RegionOption[];
  lang: Lang;
  now: number;
}) {
  const v = room.view;
  const own = tt(lang, 'wallsOwn');
  const scene = v.scene ? (scenes.find((s) => s.id === v.scene)?.name ?? v.scene) : null;
  const tour = tourPosition(room, tours, scenes, now);
  const tk = room.takeover;
  const replay = room.replay;
  return (
    <section className="ctl-mirror" data-mirror aria-label={tt(lang, 'nowShowing')}>
      <h2 className="c-group-title">
        {tt(lang, 'nowShowing')} <span className="console-code">v{room.v}</span>
      </h2>
      <dl className="ctl-view" data-view>
        <div>
          <dt>{tt(lang, 'region')}</dt>
          <dd data-view-region>{v.region ? regionName(v.region, regions) : own}</dd>
        </div>
        <div>
          <dt>{tt(lang, 'theme')}</dt>
          <dd data-view-theme>{v.theme ? themeLabel(lang, v.theme) : own}</dd>
        </div>
        <div>
          <dt>{tt(lang, 'lang')}</dt>
          <dd>{v.lang ? LANG_LABELS[v.lang] : own}</dd>
        </div>
        <div>
          <dt>{tt(lang, 'panel')}</dt>
          <dd data-view-panel>{v.panel ? panelLabel(lang, v.panel) : tt(lang, 'wholeWall')}</dd>
        </div>
        <div>
          <dt>{tt(lang, 'scene')}</dt>
          <dd data-view-scene>{scene ?? tt(lang, 'none')}</dd>
        </div>
        {v.standby && (
          <div>
            <dt>{tt(lang, 'standby')}</dt>
            <dd className="ctl-warn" data-view-standby>
              {tt(lang, 'standbyOn')}
            </dd>
          </div>
        )}
      </dl>
      {tour && (
        <div className="ctl-strip" data-tour-status>
          <strong>{tt(lang, 'tour')}</strong> {tour.tour?.name ?? room.tour?.id}
          <span data-tour-step>
            {lang === 'zh' ? `第 ${tour.step} / ${tour.steps} 步` : `step ${tour.step} / ${tour.steps}`}
          </span>
          {tour.scene && <span>{tour.scene.name}</span>}
          <span className="ctl-countdown" data-tour-left>
            {countdown(tour.leftMs)}
          </span>
          {!tour.playing && (
            <span className="c-badge ctl-badge-paused" data-tour-paused>
              {tt(lang, 'pausedBy')} ·{' '}
              {tt(
                lang,
                tour.pausedBy === 'takeover' ? 'byTakeover' : tour.pausedBy === 'manual' ? 'byManual' : 'byPresenter',
              )}
            </span>
          )}
        </div>
      )}
      {tk && (
        <div className={`ctl-strip ctl-strip-alert sev-${tk.severity}`} data-takeover>
          <strong>{tt(lang, 'takeover')}</strong>
          <span className="c-badge ctl-sev">{SEVERITY_LABELS[tk.severity][lang]}</span>
          <span>{tk.regionName}</span>
          <span className="console-code">{tk.rule}</span>
          <span className="ctl-countdown" data-takeover-left>
            {countdown(tk.until - now)}
          </span>
          {room.queue.length > 0 && (
            <span className="console-dim">
              +{room.queue.length} {tt(lang, 'queued')}
            </span>
          )}
        </div>
      )}
      {replay && (
        <div className="ctl-strip ctl-strip-replay" data-replay-status>
          <strong>{tt(lang, 'replay')}</strong>
          <span className="ctl-countdown">{beijingTime(replayTimeAt(replay, now), true)}</span>
          <span>{replay.speed}×</span>
          {!replay.playing && <span className="c-badge ctl-badge-paused">{tt(lang, 'pause')}</span>}
        </div>
      )}
      {room.pairing && room.pairing.until > now && (
        <div className="ctl-strip console-dim" data-pairing>
          {tt(lang, 'pairingShown')} · {countdown(room.pairing.until - now)}
        </div>
      )}
    </section>
  );
}

const BADGE = {
  wallLive: 'ctl-badge-live',
  wallReplaying: 'ctl-badge-replay',
  wallStale: 'ctl-badge-stale',
  wallSilent: 'ctl-badge-stale',
} as const;

export function Walls({
  walls,
  room,
  regions,
  lang,
}: {
  walls: readonly WallEntry[];
  room: RoomState;
  regions: readonly RegionOption[];
  lang: Lang;
}) {
  const now = useNow(1000);
  return (
    <section className="ctl-walls" aria-label={tt(lang, 'walls')}>
      <h2 className="c-group-title">
        {tt(lang, 'walls')} <span className="c-count">{walls.length}</span>
      </h2>
      {walls.length === 0 ? (
        <p className="console-dim">{tt(lang, 'noWalls')}</p>
      ) : (
        <ul className="ctl-wall-list" data-walls>
          {walls.map((w) => {
            const behind = w.appliedV < room.v;
            // what the wall says of itself, as of its last report: a wall not heard for two
            // report periods is no longer called live; a wall in the room's replay is replaying
            // (not stale), at the room's replayed time when it is at the room's version
            const silent = now - w.heardAt > 2 * WALL_STATUS_EVERY_MS;
            const replaying = w.replayAt !== null;
            const live = w.live && !silent;
            const state = silent ? 'wallSilent' : replaying ? 'wallReplaying' : live ? 'wallLive' : 'wallStale';
            const replayAt =
              replaying && room.replay && w.appliedV === room.v ? replayTimeAt(room.replay, now) : w.replayAt;
            return (
              <li
                key={w.wallId}
                className={`ctl-wall${live || (replaying && !silent) ? '' : ' is-stale'}`}
                data-wall={w.wallId}
              >
                <span className="console-code" title={w.wallId}>
                  {shortId(w.wallId)}
                </span>
                <span className="ctl-wall-region">{regionName(w.region, regions)}</span>
                <span>{themeLabel(lang, w.theme)}</span>
                <span className={`c-badge ${BADGE[state]}`} data-wall-live={live}>
                  {tt(lang, state)}
                </span>
                {replayAt !== null && (
                  <span className="c-badge ctl-badge-replay">
                    {tt(lang, 'replay')} {beijingTime(replayAt)}
                  </span>
                )}
                <span className="console-dim">
                  {w.width}×{w.height}
                </span>
                <span className={behind ? 'ctl-warn' : 'c-ok'} data-wall-v>
                  {tt(lang, 'applied')} v{w.appliedV} / v{room.v}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
