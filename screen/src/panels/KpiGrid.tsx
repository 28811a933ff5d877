// The KPI cards. data-value carries the raw number last received ("" for null); the visible
// number rolls to it.
import { useEffect, useRef } from 'react';
import type { Kpi, KpiName } from '../../../server/contract/index.ts';
import { BIG_COUNT, bigCountDigits, formatKpi, formatNumber, formatRate, isRate, rawValue } from '../format.ts';
import { KPI_LABELS } from '../i18n.ts';
import type { Lang } from '../params.ts';
import { rollTo, stopRoll } from '../tween.ts';

export const WALL_KPIS: readonly KpiName[] = [
  'orgs',
  'members',
  'onlineNow',
  'learnersToday',
  'studyRateToday',
  'examsToday',
  'examPassRateToday',
  'floatingMembers',
  'transfersOpen',
  'meetingComplianceMonth',
];

interface CardProps {
  name: KpiName;
  value: number | null | undefined;
  lang: Lang;
}

function KpiCard({ name, value, lang }: CardProps) {
  const numRef = useRef<HTMLSpanElement>(null);
  const shown = useRef<number | null>(null);
  const f = formatKpi(name, value, lang);
  const rate = isRate(name);

  useEffect(() => {
    const el = numRef.current;
    if (!el) return;
    if (value === null || value === undefined || !Number.isFinite(value)) {
      stopRoll(el);
      el.textContent = '';
      shown.current = null;
      return;
    }
    // the unit (%, 万) is React's; a count rolls in the unit its target is shown in
    const big = !rate && Math.abs(value) >= BIG_COUNT;
    const fmt = rate
      ? (v: number) => formatRate(v)
      : big
        ? (v: number) => bigCountDigits(v, lang)
        : (v: number) => formatNumber(v, lang);
    if (shown.current === null) {
      stopRoll(el);
      el.textContent = fmt(value);
    } else {
      rollTo(el, shown.current, value, fmt);
    }
    shown.current = value;
  }, [value, rate, lang]);

  const long = f.text.length > 7;
  return (
    <div className={f.empty ? 'kpi kpi-empty' : 'kpi'} data-kpi={name} data-value={rawValue(value)}>
      <div className="kpi-label">{KPI_LABELS[name][lang]}</div>
      <div className={long ? 'kpi-num kpi-num-long' : 'kpi-num'}>
        {/* the roll writes the digits; React writes only the no-data text */}
        <span ref={numRef} className="kpi-digits" />
        {f.empty ? <span className="kpi-nodata">{f.text}</span> : null}
        {f.unit ? <span className="kpi-unit">{f.unit}</span> : null}
      </div>
    </div>
  );
}

export function KpiGrid({ kpi, lang, grid }: { kpi: Kpi | null; lang: Lang; grid: [number, number] }) {
  const [cols, rows] = grid;
  return (
    <div
      className="kpi-grid"
      style={{ gridTemplateColumns: `repeat(${cols}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` }}
    >
      {WALL_KPIS.map((name) => (
        <KpiCard key={name} name={name} value={kpi ? kpi[name] : undefined} lang={lang} />
      ))}
    </div>
  );
}
