// What the routes and the console namespace use of the alert service (issue 10): reads are
// synchronous over the service's current state, actions are durable before they answer.
// Scope (an operator's region) is the caller's check; the service checks the lifecycle rules
// and throws AlertRefusedError (not_found → 404, resolved → 409, invalid → 400,
// silence_not_found → 404, silence_ended → 409).
import type {
  AlertHistoryEntry,
  AlertPanel,
  AlertSeverity,
  AlertStateName,
  ApiAlert,
  ApiSilence,
  SilenceMatchersBody,
} from '../contract/alerts.ts';

export interface AlertQuery {
  state?: AlertStateName;
  severity?: AlertSeverity;
  /** alerts at this region or below it */
  region?: string;
  /** ms: alerts whose episode overlaps [from, to) (active at some instant in it) */
  from?: number;
  to?: number;
}

export interface SilenceInput {
  matchers: SilenceMatchersBody;
  endsAt?: number;
  untilResolved?: boolean;
  comment: string;
}

export interface AlertsApi {
  /** the state's version: increases with every change (evaluation, action, a reload) */
  readonly version: number;
  /** the version at which what walls show last changed, evaluation times aside (the walls'
   * feed follows this one: an evaluation that changed nothing else sends no frame) */
  readonly wallVersion: number;
  /** the last evaluation (ms); null before the first */
  readonly evaluatedAt: number | null;
  list(q?: AlertQuery): ApiAlert[];
  get(fingerprint: string): ApiAlert | undefined;
  ack(fingerprint: string, by: string, comment: string): Promise<ApiAlert>;
  unack(fingerprint: string, by: string): Promise<ApiAlert>;
  silences(): ApiSilence[];
  silence(input: SilenceInput, by: string): Promise<ApiSilence>;
  expireSilence(id: string, by: string): Promise<ApiSilence>;
  /** an alert's transitions and the actions on it, oldest first (within the retention) */
  history(fingerprint: string): Promise<AlertHistoryEntry[]>;
  /** what a wall of `region` shows */
  panel(region: string): AlertPanel;
  /** called after every change of the state (on this process); answers the unsubscribe */
  onChange(listener: () => void): () => void;
}
