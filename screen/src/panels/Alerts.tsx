// The alerts strip: conditions that need an operator's action, worst first.
import type { Alert } from '../../../server/contract/index.ts';
import { t } from '../i18n.ts';
import type { Lang } from '../params.ts';

const ORDER: Record<Alert['level'], number> = { critical: 0, warn: 1, info: 2 };
const SHOWN_ALERTS = 6;

export function Alerts({ alerts, lang, vertical }: { alerts: Alert[]; lang: Lang; vertical: boolean }) {
  const sorted = [...alerts].sort((a, b) => ORDER[a.level] - ORDER[b.level]).slice(0, SHOWN_ALERTS);
  return (
    <div className={vertical ? 'alerts alerts-v' : 'alerts'} data-alerts={alerts.length}>
      <span className="alerts-head">{lang === 'zh' ? '预警' : 'Alerts'}</span>
      {sorted.length === 0 ? (
        <span className="alert alert-ok">{t(lang, 'noAlerts')}</span>
      ) : (
        sorted.map((a) => (
          <span key={a.id} className={`alert alert-${a.level}`} data-alert={a.id}>
            {a.message[lang]}
          </span>
        ))
      )}
    </div>
  );
}
