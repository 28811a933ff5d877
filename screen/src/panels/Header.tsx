// Clock and date (Beijing time whatever the machine's zone), the title, the live indicator and
// 数据截至 (the last instant the server confirmed this region's state current).
import { clockParts } from '../format.ts';
import { t } from '../i18n.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import type { Lang } from '../params.ts';
import { rectStyle } from './Panel.tsx';
import { useNow } from '../useNow.ts';
import { useWall } from '../state/store.ts';
import { replayTimeAt, type RoomReplay } from '../../../server/contract/control.ts';

const WEEKDAYS: Record<Lang, string[]> = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

interface Props {
  layout: WallLayout;
  lang: Lang;
  regionName: string | null;
  live: boolean;
  connecting: boolean;
  scopeNote: string | null;
  /** a room's replay on screen: the clock shows the replayed time and the badge 回放 */
  replay?: RoomReplay | null;
  /** a note beside the badge (the room link lost, nothing recorded) */
  roomNote?: string | null;
}

export function Header({ layout, lang, regionName, live, connecting, scopeNote, replay = null, roomNote }: Props) {
  const title = `${regionName ?? ''}${t(lang, 'titleSuffix')}`.trim();
  return (
    <>
      <div className="hdr hdr-clock" style={rectStyle(layout.header.clock)}>
        <Clock lang={lang} replay={replay} />
      </div>
      <div className="hdr hdr-title" style={rectStyle(layout.header.title)}>
        <h1 data-title>{title}</h1>
      </div>
      <div className="hdr hdr-live" style={rectStyle(layout.header.live)}>
        {scopeNote ? <span className="scope-note">{scopeNote}</span> : null}
        {roomNote ? <span className="scope-note room-note">{roomNote}</span> : null}
        {replay ? (
          <ReplayBadge lang={lang} replay={replay} />
        ) : (
          <LiveBadge lang={lang} live={live} connecting={connecting} />
        )}
      </div>
    </>
  );
}

/** Live: 「● 实时」 and 数据截至 beside it, plain. Not live: the badge itself reads 数据截至 (in
 * the warning colour), or 正在连接…/暂无数据 before any data. A leaf of its own: heartbeats move
 * `confirmedAsOf` each second and must render this, not the wall. */
function LiveBadge({ lang, live, connecting }: { lang: Lang; live: boolean; connecting: boolean }) {
  const asOf = useWall((s) => s.confirmedAsOf);
  const asOfText = asOf === null ? null : `${t(lang, 'asOf')} ${clockParts(asOf).time}`;
  if (live)
    return (
      <>
        {asOfText !== null ? (
          <span className="as-of" data-asof={asOf}>
            {asOfText}
          </span>
        ) : null}
        <span className="live live-on" data-live="true">
          <i className="live-dot" />
          {t(lang, 'live')}
        </span>
      </>
    );
  return (
    <span className="live live-off" data-live="false">
      <i className="live-dot" />
      {asOfText !== null ? (
        <span data-asof={asOf}>{asOfText}</span>
      ) : connecting ? (
        t(lang, 'connecting')
      ) : (
        t(lang, 'noData')
      )}
    </span>
  );
}

/** A replay: 「回放」 and the replayed date and time, in the replay colour, where 实时 stands
 * live — never the live dot. data-live is "false": a replay is not live data. */
function ReplayBadge({ lang, replay }: { lang: Lang; replay: RoomReplay }) {
  const at = replayTimeAt(replay, useNow(250));
  const c = clockParts(at);
  return (
    <span className="live live-replay" data-live="false" data-replay-at={Math.floor(at)}>
      <b className="replay-word">{t(lang, 'replay')}</b>
      <span className="replay-when">
        {c.date.slice(5)} {c.time}
      </span>
      <span className="replay-speed">{replay.playing ? `${replay.speed}×` : '❚❚'}</span>
    </span>
  );
}

/** the one part of the wall that renders every second (four times a second in a replay, where
 * it shows the replayed time) */
function Clock({ lang, replay }: { lang: Lang; replay: RoomReplay | null }) {
  const now = useNow(replay ? 250 : 1000);
  const clock = clockParts(replay ? replayTimeAt(replay, now) : now);
  return (
    <>
      <span className={replay ? 'clock-time clock-replay' : 'clock-time'} data-clock>
        {clock.time}
      </span>
      <span className="clock-date">
        {clock.date} {WEEKDAYS[lang][clock.weekday] ?? ''}
      </span>
    </>
  );
}
