// What the control page shows of a room, pure: the replay clock (the contract's replayTimeAt, the
// one rule of the server and the walls), countdowns, the tour's position, a day's window in
// Beijing time, the scrubber's alert marks, the ?room= and ?code= parameters.
import {
  CONTROL_SESSION_TTL_MS,
  ROOM_NAME_RE,
  type RoomState,
  type Scene,
  type Tour,
} from '../../../../server/contract/control.ts';
import type { ApiAlert } from '../../../../server/contract/alerts.ts';
import type { Lang } from '../../params.ts';

/** the contract's replay clock (the server's and the walls' own) */
export { replayTimeAt } from '../../../../server/contract/control.ts';

/** `?code=` (a pairing code from the walls' QR code), else '' */
export function codeFromSearch(search: string): string {
  const code = new URLSearchParams(search).get('code') ?? '';
  return /^\d{6}$/.test(code) ? code : '';
}

/** `?room=` when it is a room name, else null */
export function roomFromSearch(search: string): string | null {
  const room = new URLSearchParams(search).get('room');
  return room !== null && ROOM_NAME_RE.test(room) ? room : null;
}

/** a countdown "m:ss" (never negative) */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface TourPosition {
  tour: Tour | null;
  /** 1-based */
  step: number;
  steps: number;
  scene: Scene | null;
  /** the current step's dwell left, ms */
  leftMs: number;
  playing: boolean;
  pausedBy: NonNullable<RoomState['tour']>['pausedBy'];
}

export function tourPosition(
  room: RoomState,
  tours: readonly Tour[],
  scenes: readonly Scene[],
  now: number,
): TourPosition | null {
  const t = room.tour;
  if (!t) return null;
  const tour = tours.find((x) => x.id === t.id) ?? null;
  const stepScene = tour?.steps[t.index]?.scene;
  return {
    tour,
    step: t.index + 1,
    steps: tour?.steps.length ?? 0,
    scene: scenes.find((s) => s.id === stepScene) ?? null,
    leftMs: t.playing && t.endsAt !== null ? Math.max(0, t.endsAt - now) : t.remainingMs,
    playing: t.playing,
    pausedBy: t.pausedBy,
  };
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** a Beijing calendar day "YYYY-MM-DD" as [from, to) epoch ms; null when not a date */
export function dayWindow(day: string): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - BEIJING_OFFSET_MS;
  return Number.isFinite(from) ? { from, to: from + DAY_MS } : null;
}

/** the Beijing calendar day of an instant, "YYYY-MM-DD" */
export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** Beijing time "HH:MM:SS", or "MM-DD HH:MM:SS" */
export function beijingTime(ms: number, withDate = false): string {
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}

export interface AlertMark {
  fingerprint: string;
  severity: ApiAlert['severity'];
  /** 0…1 along the window */
  pos: number;
  at: number;
  label: string;
}

/** the alerts that started within [from, to], as positions along the scrubber */
export function alertMarks(alerts: readonly ApiAlert[], from: number, to: number, lang: Lang = 'zh'): AlertMark[] {
  const span = to - from;
  if (!(span > 0)) return [];
  return alerts
    .filter((a) => a.startsAt !== null && a.startsAt >= from && a.startsAt <= to)
    .map((a) => ({
      fingerprint: a.fingerprint,
      severity: a.severity,
      pos: (a.startsAt! - from) / span,
      at: a.startsAt!,
      label: `${a.regionName} · ${a.message[lang]}`,
    }))
    .sort((x, y) => x.at - y.at);
}

/** renew a paired session when less than this is left (the server grants CONTROL_SESSION_TTL_MS) */
export const RENEW_BEFORE_MS = Math.floor(CONTROL_SESSION_TTL_MS / 3);

export function needsRenewal(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt - now < RENEW_BEFORE_MS;
}

/** a new scene's or tour's id (the server takes [A-Za-z0-9_-]{1,40}) */
export function newId(prefix: string, now: number): string {
  return `${prefix}-${now.toString(36)}`;
}

/** a wall's id, short */
export const shortId = (id: string): string => (id.length > 8 ? id.slice(0, 8) : id);
