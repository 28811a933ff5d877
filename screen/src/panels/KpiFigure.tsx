// A KPI shown inside a panel (not in the KPI grid), under the same contract as the grid's cards:
// data-kpi names the SPEC 5 figure, data-value carries the raw number last received ("" for
// null), and the visible number rolls to it. Null reads 暂无数据, never 0 % or NaN.
import { useEffect, useRef } from 'react';
import type { KpiName } from '../../../server/contract/index.ts';
import { formatNumber, formatRate, formatYuan, isRate, NO_DATA, rawValue } from '../format.ts';
import { KPI_LABELS } from '../i18n.ts';
import type { Lang } from '../params.ts';
import { rollTo, stopRoll } from '../tween.ts';

/** the digits and the unit of a KPI value: rates in %, yuan in 万元 / ¥…M, counts grouped */
export function kpiParts(name: KpiName, value: number, lang: Lang): { text: string; unit: string } {
  if (isRate(name)) return { text: formatRate(value), unit: '%' };
  if (name === 'duesAmountMonth') return formatYuan(value, lang);
  return { text: formatNumber(value, lang), unit: '' };
}

interface Props {
  name: KpiName;
  value: number | null | undefined;
  lang: Lang;
  /** big: the panel's headline number (≥ 48 design px); small: a secondary figure; inline: in a
   * title bar, label and number on one line */
  size: 'big' | 'small' | 'inline';
  /** red when the figure asks for action (e.g. overdue > 0) */
  alert?: boolean;
  /** a label other than the KPI's own (a shorter one where the panel title says the rest) */
  label?: string;
}

export function KpiFigure({ name, value, lang, size, alert = false, label }: Props) {
  const numRef = useRef<HTMLSpanElement>(null);
  const shown = useRef<number | null>(null);
  const empty = value === null || value === undefined || !Number.isFinite(value);
  const unit = empty ? '' : kpiParts(name, value, lang).unit;

  useEffect(() => {
    const el = numRef.current;
    if (!el) return;
    if (value === null || value === undefined || !Number.isFinite(value)) {
      stopRoll(el);
      el.textContent = '';
      shown.current = null;
      return;
    }
    const fmt = (v: number) => kpiParts(name, v, lang).text;
    if (shown.current === null) {
      stopRoll(el);
      el.textContent = fmt(value);
    } else {
      rollTo(el, shown.current, value, fmt);
    }
    shown.current = value;
  }, [value, name, lang]);

  const cls = ['pfig', `pfig-${size}`, empty ? 'pfig-empty' : '', alert && !empty ? 'pfig-alert' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-kpi={name} data-value={rawValue(value)}>
      <div className="pfig-label">{label ?? KPI_LABELS[name][lang]}</div>
      <div className="pfig-num">
        <span ref={numRef} className="pfig-digits" />
        {empty ? <span className="pfig-nodata">{NO_DATA[lang]}</span> : null}
        {unit ? <span className="pfig-unit">{unit}</span> : null}
      </div>
    </div>
  );
}
