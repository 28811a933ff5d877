// KPI and number formatting. A missing rate is "no data", never 0 % or NaN.
import type { KpiName } from '../../server/contract/index.ts';
import type { Lang } from './params.ts';

export const RATE_KPIS: ReadonlySet<KpiName> = new Set<KpiName>([
  'studyRateToday',
  'studyRateMonth',
  'examPassRateToday',
  'meetingComplianceMonth',
  'attendanceRateMonth',
  'duesRateMonth',
]);

export function isRate(name: KpiName): boolean {
  return RATE_KPIS.has(name);
}

export const NO_DATA: Record<Lang, string> = { zh: '暂无数据', en: 'no data' };

export interface FormattedKpi {
  /** the big number, or the no-data text */
  text: string;
  unit: string;
  empty: boolean;
}

// Intl formatters are costly to build: one per language/zone, reused (the roll calls these
// every animation frame)
const NUMBER_FORMATS: Record<Lang, Intl.NumberFormat> = {
  zh: new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
};
const CLOCK_FORMATS = new Map<string, Intl.DateTimeFormat>();

export function formatNumber(value: number, lang: Lang): string {
  return NUMBER_FORMATS[lang].format(Math.round(value));
}

/** rate in 0…1 → "62.5" (unit "%") */
export function formatRate(rate: number): string {
  return (Math.round(rate * 1000) / 10).toFixed(1);
}

/** a count that fits a KPI card: to a million as is, above in 万 (zh) or M (en): 2,211,156 → 221.1万 */
export const BIG_COUNT = 1_000_000;
export function formatCount(value: number, lang: Lang): { text: string; unit: string } {
  if (Math.abs(value) < BIG_COUNT) return { text: formatNumber(value, lang), unit: '' };
  return { text: bigCountDigits(value, lang), unit: lang === 'zh' ? '万' : 'M' };
}

/** the digits of a big count in 万 (zh) or M (en), whatever its size (for a roll towards a big count) */
export function bigCountDigits(value: number, lang: Lang): string {
  return lang === 'zh' ? (value / 10_000).toFixed(1) : (value / 1_000_000).toFixed(2);
}

export function formatKpi(name: KpiName, value: number | null | undefined, lang: Lang): FormattedKpi {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { text: NO_DATA[lang], unit: '', empty: true };
  }
  if (isRate(name)) return { text: formatRate(value), unit: '%', empty: false };
  return { ...formatCount(value, lang), empty: false };
}

/** yuan in few characters: 699.1万 / ¥6.99M (the wall shows the order of magnitude, the API the cents) */
export function formatYuan(yuan: number, lang: Lang): { text: string; unit: string } {
  if (lang === 'zh') {
    if (Math.abs(yuan) >= 100_000_000) return { text: (yuan / 100_000_000).toFixed(2), unit: '亿元' };
    if (Math.abs(yuan) >= 10_000) return { text: (yuan / 10_000).toFixed(1), unit: '万元' };
    return { text: formatNumber(yuan, lang), unit: '元' };
  }
  if (Math.abs(yuan) >= 1_000_000) return { text: `¥${(yuan / 1_000_000).toFixed(2)}`, unit: 'M' };
  if (Math.abs(yuan) >= 10_000) return { text: `¥${(yuan / 1_000).toFixed(1)}`, unit: 'k' };
  return { text: `¥${formatNumber(yuan, lang)}`, unit: '' };
}

/** the value written to data-value: the raw number as received, "" for null */
export function rawValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/** HH:MM:SS and YYYY-MM-DD in a fixed time zone, whatever the machine's zone */
export function clockParts(
  epochMs: number,
  timeZone = 'Asia/Shanghai',
): { time: string; date: string; weekday: number } {
  let fmt = CLOCK_FORMATS.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    CLOCK_FORMATS.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(new Date(epochMs));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return {
    time: `${get('hour')}:${get('minute')}:${get('second')}`,
    date: `${get('year')}-${get('month')}-${get('day')}`,
    weekday,
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** how long something has lasted, in its largest whole unit: 已持续 2 小时 / for 2 h (a start in
 * the future, a wall clock behind the server's, reads as just now; never negative or NaN) */
export function formatAge(sinceMs: number, nowMs: number, lang: Lang): string {
  const ms = Number.isFinite(sinceMs) && Number.isFinite(nowMs) ? Math.max(0, nowMs - sinceMs) : 0;
  if (ms < MINUTE_MS) return lang === 'zh' ? '刚刚发生' : 'just now';
  if (ms < HOUR_MS) {
    const m = Math.floor(ms / MINUTE_MS);
    return lang === 'zh' ? `已持续 ${m} 分钟` : `for ${m} min`;
  }
  if (ms < DAY_MS) {
    const h = Math.floor(ms / HOUR_MS);
    return lang === 'zh' ? `已持续 ${h} 小时` : `for ${h} h`;
  }
  const d = Math.floor(ms / DAY_MS);
  return lang === 'zh' ? `已持续 ${d} 天` : `for ${d} d`;
}
