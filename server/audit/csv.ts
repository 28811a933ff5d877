// The audit as CSV (RFC 4180: CRLF line ends; a field with a comma, a quote, CR or LF is quoted
// and its quotes doubled). Times are ISO 8601 in the configured zone, with its offset.
import type { ZonedClock } from '../aggregate/period.ts';
import type { AuditRecord } from './types.ts';

export const CSV_HEADER = [
  'time',
  'until',
  'kind',
  'action',
  'actor',
  'address',
  'status',
  'result',
  'count',
  'detail',
];

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const csvLine = (fields: string[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** `2026-12-01T10:00:00.000+08:00` */
export function zonedIso(clock: ZonedClock, ts: number): string {
  const off = clock.offsetMs(ts);
  const local = new Date(ts + off).toISOString().slice(0, -1);
  const sign = off < 0 ? '-' : '+';
  const m = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function csvRow(clock: ZonedClock, r: AuditRecord): string {
  return csvLine([
    zonedIso(clock, r.ts),
    r.until === undefined ? '' : zonedIso(clock, r.until),
    r.kind,
    r.action,
    r.actor,
    r.address ?? '',
    r.status === undefined ? '' : String(r.status),
    r.result,
    String(r.count),
    r.detail === undefined ? '' : JSON.stringify(r.detail),
  ]);
}
