// The early-warning panel (issue 10): the snapshot's `alerting` — firing and no-data alerts,
// worst first as the server sends them, who acknowledged them, storm summaries. A strip under
// the map on 16:9 walls, a column on ultra-wide ones. Before the server's first evaluation it
// claims nothing: no all-clear until an evaluation said so.
import type { AlertPanel as Alerting, AlertSummary, WallAlert } from '../../../server/contract/index.ts';
import { formatAge } from '../format.ts';
import { SEVERITY_LABELS, t } from '../i18n.ts';
import type { Lang } from '../params.ts';
import { useNow } from '../useNow.ts';

export const SHOWN_ALERTS_STRIP = 2;
export const SHOWN_ALERTS_COLUMN = 4;
/** ages are shown in minutes: a re-render every 10 s keeps them at most that late */
const AGE_TICK_MS = 10_000;

interface Props {
  /** absent in a snapshot from a server before issue 10: shown as not evaluated yet */
  panel: Alerting | null | undefined;
  lang: Lang;
  vertical: boolean;
}

/** an unacknowledged red alert that fires: the one kind the panel highlights */
export function isHot(a: WallAlert): boolean {
  return a.severity === 'red' && a.state === 'firing' && a.ack === null;
}

export function AlertPanel({ panel, lang, vertical }: Props) {
  const max = vertical ? SHOWN_ALERTS_COLUMN : SHOWN_ALERTS_STRIP;
  const evaluated = panel != null && panel.evaluatedAt > 0;
  const storm = evaluated && panel.storm;
  const rows = !evaluated ? [] : storm ? panel.summaries : panel.alerts;
  const total = !evaluated ? 0 : storm ? panel.firing : panel.alerts.length;
  const shown = rows.slice(0, max);
  const more = rows.length - shown.length;
  const hot = evaluated && !storm && panel.alerts.some(isHot);
  const headOn = storm || hot || total > 0;
  const cls = ['alerts', vertical ? 'alerts-v' : '', storm ? 'alerts-storm' : ''].filter(Boolean).join(' ');

  const head = (
    <span className={headOn ? 'alerts-head alerts-head-on' : 'alerts-head'}>
      {storm
        ? lang === 'zh'
          ? `${t(lang, 'alertStorm')}：${total} 条`
          : `${t(lang, 'alertStorm')}: ${total}`
        : `${t(lang, 'alertsTitle')}${total > 0 ? ` ${total}` : ''}`}
    </span>
  );
  const moreLine =
    more > 0 ? (
      <span className="al-more" data-alerts-more={more}>
        {storm
          ? lang === 'zh'
            ? `另有 ${more} 个地区`
            : `+${more} more regions`
          : lang === 'zh'
            ? `另有 ${more} 条`
            : `+${more} more`}
      </span>
    ) : null;

  return (
    <div className={cls} data-alerts={total} data-evaluated={evaluated} data-storm={storm || undefined}>
      {vertical ? (
        // the column: the overflow count beside the title, where it is never cut off
        <div className="alerts-top">
          {head}
          {moreLine}
        </div>
      ) : (
        head
      )}
      {!evaluated ? (
        <span className="al al-waiting" data-alerts-waiting>
          {t(lang, 'alertsPending')}
        </span>
      ) : shown.length === 0 ? (
        <span className="al al-ok">{t(lang, 'noAlerts')}</span>
      ) : storm ? (
        (shown as AlertSummary[]).map((s) => <SummaryRow key={s.region} s={s} lang={lang} />)
      ) : (
        (shown as WallAlert[]).map((a) => <AlertRow key={a.fingerprint} a={a} lang={lang} vertical={vertical} />)
      )}
      {vertical ? null : moreLine}
    </div>
  );
}

function AlertRow({ a, lang, vertical }: { a: WallAlert; lang: Lang; vertical: boolean }) {
  const nodata = a.state === 'nodata';
  const cls = ['al', `al-${a.severity}`, nodata ? 'al-nodata' : '', a.ack ? 'al-acked' : '', isHot(a) ? 'al-hot' : '']
    .filter(Boolean)
    .join(' ');
  // the strip has room for one fact beside the message: no data, who handles it, or how long
  const age = vertical || (!nodata && !a.ack) ? a.startsAt : null;
  return (
    <div
      className={cls}
      data-alert={a.fingerprint}
      data-severity={a.severity}
      data-state={a.state}
      data-acked={a.ack?.by}
    >
      <span className="al-sev">{SEVERITY_LABELS[a.severity][lang]}</span>
      <span className="al-msg">{a.message[lang]}</span>
      <span className="al-meta">
        {nodata ? <span className="al-tag-nodata">{t(lang, 'alertNoData')}</span> : null}
        {a.ack ? (
          <span className="al-ack" data-ack-by={a.ack.by}>
            {lang === 'zh' ? `${t(lang, 'alertAcked')} · ${a.ack.by}` : `${t(lang, 'alertAcked')} ${a.ack.by}`}
          </span>
        ) : null}
        {age !== null ? <Age since={age} lang={lang} /> : null}
      </span>
    </div>
  );
}

function SummaryRow({ s, lang }: { s: AlertSummary; lang: Lang }) {
  const counts = (['red', 'orange', 'yellow'] as const).filter((k) => s.bySeverity[k] > 0);
  return (
    <div className={`al al-summary al-${s.severity}`} data-alert-summary={s.region} data-severity={s.severity}>
      <span className="al-sev">{SEVERITY_LABELS[s.severity][lang]}</span>
      <span className="al-msg">{lang === 'zh' ? `${s.regionName} ${s.count} 条` : `${s.regionName}: ${s.count}`}</span>
      <span className="al-meta">
        {counts.map((k) => (
          <span key={k} className={`al-count al-count-${k}`} data-count={k}>
            {SEVERITY_LABELS[k][lang]} {s.bySeverity[k]}
          </span>
        ))}
      </span>
    </div>
  );
}

/** the one part of a row that follows the clock */
function Age({ since, lang }: { since: number; lang: Lang }) {
  const now = useNow(AGE_TICK_MS);
  return <span className="al-age">{formatAge(since, now, lang)}</span>;
}
