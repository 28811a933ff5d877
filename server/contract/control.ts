// Rooms and remote control (大屏联动, issue 11, SPEC 11): what walls of a room, the presenter's
// control page and the control API carry. Field and event names here are contracts: the wall,
// the control page, `npm run bench:control` and other programs read them.
import type { AlertSeverity } from './alerts.ts';

/** walls of a room connect here (besides /screen for their region's data) */
export const ROOM_NAMESPACE = '/room';
/** the presenter's control page */
export const CONTROL_NAMESPACE = '/control';
/** a room's name in `?room=`: letters, digits, `-` and `_`, 1–32 characters */
export const ROOM_NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;

export const MAP_THEMES = ['study', 'floating', 'transfers'] as const;
export type RoomTheme = (typeof MAP_THEMES)[number];
export type RoomLang = 'zh' | 'en';
/** panels a presenter can show full screen */
export const FULL_PANELS = [
  'transfers',
  'meetings',
  'leaderboard',
  'floating',
  'ranking',
  'hourly',
  'daily',
  'exam',
  'dues',
  'development',
  'structure',
] as const;
export type FullPanel = (typeof FULL_PANELS)[number];

/** replay speeds: 1×, 4×, 16×, 60× and "a day in 5 minutes" */
export const REPLAY_SPEEDS = [1, 4, 16, 60, 288] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** Pairing: a code shown on request rotates this often; a session lasts this long (renewable). */
export const PAIRING_CODE_TTL_MS = 60_000;
export const CONTROL_SESSION_TTL_MS = 15 * 60_000;
/** how long a pairing request keeps codes on the walls (rotating) unless hidden earlier */
export const PAIRING_SHOW_MS = 5 * 60_000;
/** walls report their status this often; a control page forgets a wall silent 3 × this long */
export const WALL_STATUS_EVERY_MS = 5_000;

/** Takeover bounds (an alert takes the room for at least 20 s, at most 120 s) and the per-rule gap. */
export const TAKEOVER_MIN_MS = 20_000;
export const TAKEOVER_MAX_MS = 120_000;
export const TAKEOVER_RULE_GAP_MS = 5 * 60_000;

/** A saved picture (一键切换): applied to the room in one tap. */
export interface Scene {
  id: string;
  name: string;
  region: string;
  theme: RoomTheme;
  /** a panel full screen, or null for the whole wall */
  panel: FullPanel | null;
  lang: RoomLang;
}

export interface TourStep {
  scene: string;
  dwellS: number;
}

export interface Tour {
  id: string;
  name: string;
  steps: TourStep[];
  loop: boolean;
  /** opt-in: a newly firing red alert in the room's region may interrupt this tour */
  takeover: boolean;
  /** how long a takeover holds the room, seconds, within [20, 120] */
  takeoverS: number;
}

/** What the walls of a room show. null fields: the wall's own (its ?region=, its theme rotation,
 * its ?lang=) — a room nobody has driven looks like walls on their own. */
export interface RoomView {
  region: string | null;
  theme: RoomTheme | null;
  lang: RoomLang | null;
  panel: FullPanel | null;
  spotlight: { fingerprint: string; region: string } | null;
  standby: boolean;
  /** the scene this view came from, while nothing changed it since */
  scene: string | null;
}

export interface RoomTour {
  id: string;
  /** index into the tour's steps */
  index: number;
  playing: boolean;
  /** while playing: when the current step's dwell ends (epoch ms) */
  endsAt: number | null;
  /** while not playing: the dwell left of the current step, ms */
  remainingMs: number;
  /** why it is not playing: the presenter paused it, a manual command, an alert takeover */
  pausedBy: 'presenter' | 'manual' | 'takeover' | null;
}

export interface RoomTakeover {
  fingerprint: string;
  rule: string;
  region: string;
  regionName: string;
  severity: AlertSeverity;
  startedAt: number;
  /** the earliest end (acknowledged or resolved alerts end here) */
  minUntil: number;
  /** the latest end: the countdown badge counts down to it */
  until: number;
  /** the view the takeover replaced: restored when it ends */
  previous: RoomView;
}

export interface RoomReplay {
  /** the window replayed (epoch ms) */
  from: number;
  to: number;
  speed: ReplaySpeed;
  playing: boolean;
  /** replayed time at `anchorAt` (wall clock): now's replayed time is
   * at + (now − anchorAt) × speed while playing, clamped to [from, to] */
  at: number;
  anchorAt: number;
}

/** The replayed instant at wall-clock `now`: the one rule the server, the walls and the control
 * page share (a replay is an anchor and a speed, not a stream of ticks). */
export function replayTimeAt(replay: RoomReplay, now: number): number {
  const t = replay.playing ? replay.at + (now - replay.anchorAt) * replay.speed : replay.at;
  return Math.min(replay.to, Math.max(replay.from, t));
}

export interface RoomController {
  /** a short id of the controlling session (hash prefix), never a token */
  id: string;
  name: string;
  via: 'operator' | 'pairing';
  since: number;
}

export interface RoomState {
  room: string;
  /** increases with every change: walls acknowledge the version they committed */
  v: number;
  updatedAt: number;
  view: RoomView;
  tour: RoomTour | null;
  takeover: RoomTakeover | null;
  /** takeovers waiting for the current one to end, by severity then time */
  queue: Omit<RoomTakeover, 'startedAt' | 'minUntil' | 'until' | 'previous'>[];
  replay: RoomReplay | null;
  controller: RoomController | null;
  /** the last handover of control (shown on walls and control pages for a few seconds) */
  handover: { from: string; to: string; at: number } | null;
  /** a pairing code shown on the walls (on request from the console), or null; it rotates
   * every PAIRING_CODE_TTL_MS until `until`; `by` asked for it, `region` is the scope a paired
   * tablet gets (theirs) */
  pairing: { code: string; expiresAt: number; until: number; by: string; region: string } | null;
  /** the presenter's language for the room: wins over the scenes' own (a tour keeps playing) */
  langOverride: RoomLang | null;
  /** alerts that started firing before this instant never take over (set when a tour starts) */
  alertsSince: number;
  /** rule → when it last took the room over (one rule at most once per TAKEOVER_RULE_GAP_MS) */
  recentTakeovers: Record<string, number>;
}

/** What a wall reports of itself to the room (mirrored on the control page). */
export interface WallStatus {
  wallId: string;
  region: string;
  theme: RoomTheme;
  lang: RoomLang;
  /** connected to its data and a message within 3 frame intervals */
  live: boolean;
  /** replayed time on screen, ms, or null when live */
  replayAt: number | null;
  /** the room version it last committed */
  v: number;
  width: number;
  height: number;
  seenAt: number;
}

export type ControlCommand =
  | { type: 'region'; region: string }
  | { type: 'theme'; theme: RoomTheme }
  | { type: 'lang'; lang: RoomLang }
  | { type: 'spotlight'; fingerprint: string | null }
  | { type: 'panel'; panel: FullPanel | null }
  | { type: 'standby'; on: boolean }
  | { type: 'scene'; id: string }
  | { type: 'reset' }
  | { type: 'tour.play'; id: string }
  | { type: 'tour.pause' }
  | { type: 'tour.resume' }
  | { type: 'tour.next' }
  | { type: 'tour.prev' }
  | { type: 'tour.stop' }
  | { type: 'replay.start'; from: number; to: number; speed: ReplaySpeed }
  | { type: 'replay.speed'; speed: ReplaySpeed }
  | { type: 'replay.pause' }
  | { type: 'replay.resume' }
  | { type: 'replay.seek'; at: number }
  | { type: 'replay.stop' };

export type CommandResult =
  | { ok: true; v: number }
  | {
      ok: false;
      reason: 'not_controller' | 'forbidden' | 'invalid' | 'not_found' | 'unavailable' | 'expired';
      message: string;
    };

/** /room handshake auth */
export interface RoomAuth {
  room: string;
  /** the wall's id: stable for a tab (sessionStorage) */
  wallId: string;
  token?: string;
}

export interface ServerToWall {
  room: (state: RoomState) => void;
  /** a control page asks every wall of the room for its status now */
  report: () => void;
  error: (err: { reason: string; message: string }) => void;
}

export interface WallToServer {
  /** the wall committed room version `v` (for the tap → applied figure) */
  applied: (msg: { v: number; at: number }) => void;
  status: (status: Omit<WallStatus, 'seenAt' | 'wallId'>) => void;
}

/** /control handshake auth: an operator token or a pairing session token, and the room */
export interface ControlAuth {
  room: string;
  token: string;
}

export interface ServerToControl {
  room: (state: RoomState) => void;
  /** a wall's status (sent on a change, every WALL_STATUS_EVERY_MS and when asked) */
  wall: (status: WallStatus) => void;
  /** a wall left the room */
  wallGone: (msg: { wallId: string }) => void;
  /** a wall acknowledged version v (at: the wall's commit time; the server's receipt time) */
  applied: (msg: { wallId: string; v: number; receivedAt: number }) => void;
  /** who this control page is, and whether it drives the room now */
  session: (s: { id: string; name: string; via: 'operator' | 'pairing'; expiresAt: number | null }) => void;
  error: (err: { reason: string; message: string }) => void;
}

export interface ControlToServer {
  command: (cmd: ControlCommand, ack: (r: CommandResult) => void) => void;
  /** take control of the room from its current controller (a visible handover) */
  takeControl: (ack: (r: CommandResult) => void) => void;
  release: (ack: (r: CommandResult) => void) => void;
}

/** POST /api/v1/control/pair { code } → this */
export interface PairResult {
  token: string;
  room: string;
  expiresAt: number;
}
