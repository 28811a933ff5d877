// The early-warning center's contract (issue 10, SPEC 10): what walls are shown of the alerts
// (the snapshot's `alerting`), what the alerts API and the console's namespace carry.
// Field names here are contracts: the console, the wall and other programs read them.

export type AlertSeverity = 'red' | 'orange' | 'yellow';
export type AlertStateName = 'pending' | 'firing' | 'resolved' | 'nodata';

export interface AlertMessage {
  zh: string;
  en: string;
}

/** One alert as a wall shows it: firing or nodata, neither silenced nor inhibited. No comment
 * (free text an operator typed) and no token reach a wall: only who acknowledged and when. */
export interface WallAlert {
  fingerprint: string;
  rule: string;
  region: string;
  regionName: string;
  state: 'firing' | 'nodata';
  severity: AlertSeverity;
  /** firing since (ms); null for a nodata alert that never fired */
  startsAt: number | null;
  lastEvalAt: number;
  value: number | null;
  threshold: number | null;
  /** more than 4 transitions in 60 min: the wall does not animate it */
  flapping: boolean;
  ack: { by: string; at: number } | null;
  message: AlertMessage;
}

/** Storm mode: more than 20 firing on one wall collapse into one line per parent region. */
export interface AlertSummary {
  region: string;
  regionName: string;
  count: number;
  bySeverity: Record<AlertSeverity, number>;
  severity: AlertSeverity;
  rules: string[];
}

/** The snapshot's `alerting`: the alert lifecycle as this wall's region sees it. */
export interface AlertPanel {
  /** the last evaluation the panel reflects (ms); 0 before the first one (a snapshot holds no
   * null outside arrays: a frame is a merge patch, where null removes a key) */
  evaluatedAt: number;
  storm: boolean;
  /** firing alerts shown on this wall (storm mode too) */
  firing: number;
  /** not in storm mode: every alert shown, worst first (red, unacknowledged, oldest) */
  alerts: WallAlert[];
  /** storm mode: one line per parent region, worst first */
  summaries: AlertSummary[];
}

export const EMPTY_ALERT_PANEL: AlertPanel = { evaluatedAt: 0, storm: false, firing: 0, alerts: [], summaries: [] };

/** An alert as the API and the console see it (`GET /api/v1/alerts`). */
export interface ApiAlert {
  fingerprint: string;
  rule: string;
  region: string;
  regionName: string;
  /** source-silent: the upstream source's name; else null */
  subject: string | null;
  state: AlertStateName;
  severity: AlertSeverity;
  startsAt: number | null;
  endsAt: number | null;
  lastEvalAt: number;
  value: number | null;
  threshold: number | null;
  flapping: boolean;
  ack: { by: string; at: number; comment: string } | null;
  silencedBy: string[];
  /** the firing alert of the same rule above it that inhibits it; null when none */
  inhibitedBy: string | null;
  /** the wall at the alert's region */
  link: string;
  message: AlertMessage;
}

export interface SilenceMatchersBody {
  rule?: string;
  region: string;
  descendants: boolean;
}

/** A silence (`GET /api/v1/silences`, `POST /api/v1/silences` → 201). */
export interface ApiSilence {
  id: string;
  matchers: SilenceMatchersBody;
  comment: string;
  createdBy: string;
  createdAt: number;
  endsAt: number | null;
  untilResolved: boolean;
  endedAt: number | null;
  endedBy: string | null;
  /** in force now */
  active: boolean;
}

/** One entry of an alert's history: a state change or an operator's action. */
export interface AlertHistoryEntry {
  at: number;
  fingerprint: string;
  /** a transition: `firing`, `resolved`, …; an action: `ack`, `unack`, `silence`, `expire` */
  event: string;
  from?: AlertStateName | null;
  by?: string;
  comment?: string;
}

/** `GET /api/v1/audit` entries. */
export interface AuditEntryView {
  at: number;
  by: string;
  action: string;
  target: string;
  comment: string;
  result: string;
}

export const CONSOLE_NAMESPACE = '/console';

export interface ConsoleAuth {
  token?: string;
}

/** Everything the console shows of its operator's region; sent on connect and on each change. */
export interface ConsoleState {
  /** the operator: name and region (the console shows who is signed in) */
  operator: { name: string; region: string; regionName: string };
  /** the alert state's version: increases with every change */
  version: number;
  evaluatedAt: number | null;
  alerts: ApiAlert[];
  silences: ApiSilence[];
}

export interface ConsoleError {
  reason: 'unauthorized' | 'unavailable';
  message: string;
}

export interface ServerToConsole {
  state: (s: ConsoleState) => void;
  error: (e: ConsoleError) => void;
}
