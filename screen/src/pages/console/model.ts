// What the console shows of its ConsoleState, pure: each alert's group (one per alert), the
// filters, ages, and the history with a flapping alert's run of transitions folded into one line.
import type { AlertHistoryEntry, AlertSeverity, ApiAlert } from '../../../../server/contract/alerts.ts';
import { containsCode, isRegionCode } from '../../../../geo/codes.ts';
import type { Lang } from '../../params.ts';

/** One group per alert: resolved first of all (an acknowledgement or silence of a resolved alert
 * is history), then silenced (silencedBy non-empty), acknowledged (ack !== null), else its state. */
export type AlertGroup = 'firing' | 'acknowledged' | 'silenced' | 'pending' | 'nodata' | 'resolved';
export const GROUPS: readonly AlertGroup[] = ['firing', 'nodata', 'pending', 'acknowledged', 'silenced', 'resolved'];
export const SEVERITIES: readonly AlertSeverity[] = ['red', 'orange', 'yellow'];

export function groupOf(a: ApiAlert): AlertGroup {
  if (a.state === 'resolved') return 'resolved';
  if (a.silencedBy.length > 0) return 'silenced';
  if (a.ack !== null) return 'acknowledged';
  return a.state;
}

export interface Filters {
  group: AlertGroup | 'all';
  severity: AlertSeverity | 'all';
  /** a region code: the alerts at it or below it; '' for all */
  region: string;
  /** show alerts inhibited by the same rule's firing alert above them (hidden by default: the
   * alert above is the one to act on, as on the wall) */
  inhibited: boolean;
}

export const NO_FILTERS: Filters = { group: 'all', severity: 'all', region: '', inhibited: false };

/** alerts hidden because an alert above inhibits them (under the other filters) */
export function inhibitedCount(alerts: readonly ApiAlert[], f: Filters): number {
  return alerts.filter((a) => a.inhibitedBy !== null && matchesBut(a, { ...f, inhibited: true })).length;
}

/** the alert's region is `region` or lies below it; a partly typed code matches as a prefix */
export function inRegion(code: string, region: string): boolean {
  if (region === '') return true;
  return isRegionCode(region) ? containsCode(region, code) : code.startsWith(region);
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { red: 0, orange: 1, yellow: 2 };

/** worst first: red before orange before yellow, then the oldest (the longest firing) */
export function byWorst(a: ApiAlert, b: ApiAlert): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.startsAt ?? a.lastEvalAt) - (b.startsAt ?? b.lastEvalAt) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** the alerts the filters keep, worst first (group not applied: see `applyFilters`) */
function matchesBut(a: ApiAlert, f: Filters): boolean {
  return (
    (f.severity === 'all' || a.severity === f.severity) &&
    inRegion(a.region, f.region.trim()) &&
    (f.inhibited || a.inhibitedBy === null)
  );
}

export function applyFilters(alerts: readonly ApiAlert[], f: Filters): ApiAlert[] {
  return alerts.filter((a) => matchesBut(a, f) && (f.group === 'all' || groupOf(a) === f.group)).sort(byWorst);
}

/** each group's count under the other filters (what the group tabs say) */
export function groupCounts(alerts: readonly ApiAlert[], f: Filters): Record<AlertGroup | 'all', number> {
  const out = { all: 0, firing: 0, acknowledged: 0, silenced: 0, pending: 0, nodata: 0, resolved: 0 };
  for (const a of alerts) {
    if (!matchesBut(a, f)) continue;
    out.all++;
    out[groupOf(a)]++;
  }
  return out;
}

/** the regions the alerts name, by code, for the region select */
export function regionsOf(alerts: readonly ApiAlert[]): { code: string; name: string }[] {
  const m = new Map<string, string>();
  for (const a of alerts) m.set(a.region, a.regionName);
  return [...m].map(([code, name]) => ({ code, name })).sort((x, y) => x.code.localeCompare(y.code));
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** a duration in words: "2 小时" / "2 h" */
export function duration(ms: number, lang: Lang): string {
  const zh = lang === 'zh';
  if (ms < MIN) return zh ? '不到 1 分钟' : '< 1 min';
  if (ms < HOUR) return `${Math.floor(ms / MIN)} ${zh ? '分钟' : 'min'}`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} ${zh ? '小时' : 'h'}`;
  return `${Math.floor(ms / DAY)} ${zh ? '天' : 'd'}`;
}

/** "已持续 2 小时" / "for 2 h" from startsAt (to endsAt once resolved); null when it never fired */
export function age(a: Pick<ApiAlert, 'startsAt' | 'endsAt' | 'state'>, now: number, lang: Lang): string | null {
  if (a.startsAt === null) return null;
  const end = a.state === 'resolved' && a.endsAt !== null ? a.endsAt : now;
  const d = duration(Math.max(0, end - a.startsAt), lang);
  if (a.state === 'resolved') return lang === 'zh' ? `持续了 ${d}` : `lasted ${d}`;
  return lang === 'zh' ? `已持续 ${d}` : `for ${d}`;
}

const NUM: Record<Lang, Intl.NumberFormat> = {
  zh: new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
};

export function formatValue(v: number | null, lang: Lang): string {
  return v === null || !Number.isFinite(v) ? '—' : NUM[lang].format(v);
}

const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** Beijing time (the wall's zone, whatever the tablet's): "05-14 09:30:12", or "09:30:12" */
export function formatTime(ms: number, _lang: Lang, withDate = true): string {
  const p: Record<string, string> = {};
  for (const part of TIME.formatToParts(ms)) p[part.type] = part.value;
  const time = `${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second}`;
  return withDate ? `${p.month}-${p.day} ${time}` : time;
}

/** the state changes (an evaluation's), not an operator's actions */
export const ACTIONS: ReadonlySet<string> = new Set(['ack', 'unack', 'silence', 'expire']);

export type HistoryLine =
  | { kind: 'entry'; entry: AlertHistoryEntry }
  /** a run of more than FOLD_RUN transitions with no action between: a flapping episode */
  | { kind: 'flapping'; entries: AlertHistoryEntry[]; from: number; to: number };

/** more transitions in a row than this fold into one line (the engine's flapping threshold) */
export const FOLD_RUN = 4;

/** newest first; a run of transitions longer than FOLD_RUN becomes one line */
export function historyLines(entries: readonly AlertHistoryEntry[]): HistoryLine[] {
  const sorted = [...entries].sort((a, b) => b.at - a.at);
  const out: HistoryLine[] = [];
  let run: AlertHistoryEntry[] = [];
  const flush = () => {
    if (run.length > FOLD_RUN) {
      out.push({ kind: 'flapping', entries: run, from: run[run.length - 1]!.at, to: run[0]!.at });
    } else for (const entry of run) out.push({ kind: 'entry', entry });
    run = [];
  };
  for (const e of sorted) {
    if (ACTIONS.has(e.event)) {
      flush();
      out.push({ kind: 'entry', entry: e });
    } else run.push(e);
  }
  flush();
  return out;
}
