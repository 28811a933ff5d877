// Clock and date (Beijing time whatever the machine's zone), the title, the live indicator.
import { clockParts } from '../format.ts';
import { t } from '../i18n.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import type { Lang } from '../params.ts';
import { rectStyle } from './Panel.tsx';
import { useNow } from '../useNow.ts';

const WEEKDAYS: Record<Lang, string[]> = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

interface Props {
  layout: WallLayout;
  lang: Lang;
  regionName: string | null;
  live: boolean;
  asOf: number | null;
  connecting: boolean;
  scopeNote: string | null;
}

export function Header({ layout, lang, regionName, live, asOf, connecting, scopeNote }: Props) {
  const title = `${regionName ?? ''}${t(lang, 'titleSuffix')}`.trim();
  const stale = asOf === null ? null : clockParts(asOf).time;
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
        <span className={live ? 'live live-on' : 'live live-off'} data-live={live ? 'true' : 'false'}>
          <i className="live-dot" />
          {live
            ? t(lang, 'live')
            : stale !== null
              ? `${t(lang, 'asOf')} ${stale}`
              : connecting
                ? t(lang, 'connecting')
                : t(lang, 'noData')}
        </span>
      </div>
    </>
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
