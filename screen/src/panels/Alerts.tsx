// The alerts strip: conditions that need an operator's action, worst first.
import type { Alert } from '../../../server/contract/index.ts';
import { t } from '../i18n.ts';
import type { Lang } from '../params.ts';

const ORDER: Record<Alert['level'], number> = { critical: 0, warn: 1, info: 2 };
const SHOWN_ALERTS_STRIP = 2;
const SHOWN_ALERTS_COLUMN = 4;

export function Alerts({ alerts, lang, vertical }: { alerts: Alert[]; lang: Lang; vertical: boolean }) {
  const sorted = [...alerts]
    .sort((a, b) => ORDER[a.level] - ORDER[b.level])
    .slice(0, vertical ? SHOWN_ALERTS_COLUMN : SHOWN_ALERTS_STRIP);
  const more = alerts.length - sorted.length;
  return (
    <div className={vertical ? 'alerts alerts-v' : 'alerts'} data-alerts={alerts.length}>
      <span className="alerts-head">
        {lang === 'zh' ? '预警' : 'Alerts'}
        {alerts.length > 0 ? ` ${alerts.length}` : ''}
      </span>
      {sorted.length === 0 ? (
        <span className="alert alert-ok">{t(lang, 'noAlerts')}</span>
      ) : (
        sorted.map((a) => (
          <span key={a.id} className={`alert alert-${a.level}`} data-alert={a.id}>
            {a.message[lang]}
          </span>
        ))
      )}
      {more > 0 ? <span className="alert-more">{lang === 'zh' ? `另有 ${more} 条` : `+${more} more`}</span> : null}
    </div>
  );
}
