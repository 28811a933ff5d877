// Clock and date (Beijing time whatever the machine's zone), the title, the live indicator and
// 数据截至 (the last instant the server confirmed this region's state current).
import { clockParts } from '../format.ts';
import { t } from '../i18n.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import type { Lang } from '../params.ts';
import { rectStyle } from './Panel.tsx';
import { useNow } from '../useNow.ts';
import { useWall } from '../state/store.ts';

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
}

export function Header({ layout, lang, regionName, live, connecting, scopeNote }: Props) {
  const title = `${regionName ?? ''}${t(lang, 'titleSuffix')}`.trim();
  return (
    <>
      <div className="hdr hdr-clock" style={rectStyle(layout.header.clock)}>
        <Clock lang={lang} />
      </div>
      <div className="hdr hdr-title" style={rectStyle(layout.header.title)}>
        <h1 data-title>{title}</h1>
      </div>
      <div className="hdr hdr-live" style={rectStyle(layout.header.live)}>
        {scopeNote ? <span className="scope-note">{scopeNote}</span> : null}
        <LiveBadge lang={lang} live={live} connecting={connecting} />
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

/** the one part of the wall that renders every second */
function Clock({ lang }: { lang: Lang }) {
  const clock = clockParts(useNow());
  return (
    <>
      <span className="clock-time" data-clock>
        {clock.time}
      </span>
      <span className="clock-date">
        {clock.date} {WEEKDAYS[lang][clock.weekday] ?? ''}
      </span>
    </>
  );
}
