// The alert service (issue 10): the engine's state kept in a store and changed only through a
// compare-and-set on its version, so that several processes (and a restart) continue one
// state; the API views of it (AlertsApi). The durable stores are store-files.ts and
// store-redis.ts (chosen by store.ts). Not wired into the app yet: the interval that feeds it
// KPIs and the routes come next.
import { containsCode } from '../../geo/codes.ts';
import type {
  AlertHistoryEntry,
  AlertMessage,
  AlertPanel,
  ApiAlert,
  ApiSilence,
  WallAlert,
} from '../contract/alerts.ts';
import type { AlertQuery, AlertsApi, SilenceInput } from './api.ts';
import { AlertEngine, type AlertView, type EngineState, type RuleEvaluation, type Transition } from './lifecycle.ts';
import type { AlertRule } from './rules.ts';
import { wallAlerts } from './wall.ts';

/** What the store holds: the engine's state and the version every change increases. */
export interface AlertStateDoc {
  version: number;
  /** the last evaluation, ms (0: none yet) */
  evaluatedAt: number;
  engine: EngineState;
}

export interface AlertStateStore {
  load(): Promise<AlertStateDoc | null>;
  /** stores `doc` only while the stored version is `expected` (null: nothing stored); false otherwise */
  save(doc: AlertStateDoc, expected: number | null): Promise<boolean>;
  appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void>;
  /** an alert's entries at or after `fromMs`, oldest first */
  history(fingerprint: string, fromMs: number): Promise<AlertHistoryEntry[]>;
  /** the stored version without the document (cheap); absent: load() is the only way */
  version?(): Promise<number | null>;
  /** releases a connection or file handles (the durable stores, store.ts) */
  close?(): Promise<void>;
}

/** One process, nothing on disk: tests, and the contract the durable stores meet. */
export class MemoryAlertStateStore implements AlertStateStore {
  #doc: AlertStateDoc | null = null;
  readonly #history: AlertHistoryEntry[] = [];

  async load(): Promise<AlertStateDoc | null> {
    return this.#doc && structuredClone(this.#doc);
  }

  async save(doc: AlertStateDoc, expected: number | null): Promise<boolean> {
    if ((this.#doc?.version ?? null) !== expected) return false;
    this.#doc = structuredClone(doc);
    return true;
  }

  async appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    this.#history.push(...structuredClone(entries));
  }

  async history(fingerprint: string, fromMs: number): Promise<AlertHistoryEntry[]> {
    return structuredClone(this.#history.filter((e) => e.fingerprint === fingerprint && e.at >= fromMs));
  }
}

/** A change lost to another process more often than this in a row: the store is contended or broken. */
const MAX_CAS_RETRIES = 5;

export class AlertConflictError extends Error {
  constructor() {
    super(`alert state: another process changed it ${MAX_CAS_RETRIES} times in a row; retry`);
    this.name = 'AlertConflictError';
  }
}

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** A line for a wall and the console, from the rule, the region's name and the value. */
export function messageOf(v: Pick<AlertView, 'rule' | 'value' | 'subject' | 'state'>, name: string): AlertMessage {
  if (v.state === 'nodata') return { zh: `${name}：数据暂缺，无法判断`, en: `${name}: no data to judge` };
  const n = v.value ?? 0;
  switch (v.rule) {
    case 'transfers-overdue':
      return { zh: `${name}有${n}件组织关系转接超期未办结`, en: `${name}: ${n} transfer${n === 1 ? '' : 's'} overdue` };
    case 'out-of-contact':
      return {
        zh: `${name}流动党员失联占${pct(v.value)}`,
        en: `${name}: ${pct(v.value)} of floating members out of contact`,
      };
    case 'study-rate-low':
      return {
        zh: `${name}本月学习率${pct(v.value)}，低于同级`,
        en: `${name}: study rate ${pct(v.value)}, below peers`,
      };
    case 'compliance-low':
      return { zh: `${name}“三会一课”落实率${pct(v.value)}`, en: `${name}: meeting compliance ${pct(v.value)}` };
    case 'dues-low':
      return { zh: `${name}本月党费收缴率${pct(v.value)}`, en: `${name}: dues collected ${pct(v.value)}` };
    case 'probation-overdue':
      return { zh: `${name}有${n}名预备党员超期未转正`, en: `${name}: ${n} probation${n === 1 ? '' : 's'} overdue` };
    case 'source-silent':
      return {
        zh: `上游系统 ${v.subject ?? ''} 已 ${n} 分钟无数据`,
        en: `upstream ${v.subject ?? ''}: no data for ${n} min`,
      };
    case 'study-anomaly':
      return {
        zh: `${name}学习量骤降，为近日同时段的${pct(v.value)}`,
        en: `${name}: study down to ${pct(v.value)} of the usual for this hour`,
      };
    default:
      return { zh: `${name}：${v.rule}`, en: `${name}: ${v.rule}` };
  }
}

export interface AlertServiceOptions {
  rules: readonly AlertRule[];
  clock: () => number;
  store: AlertStateStore;
  /** a region's name for messages ('610113' → '长安区'); the code when unknown */
  regionName: (code: string) => string;
  /** resolved alerts, ended silences and history older than this are forgotten (90 days) */
  retentionMs: number;
}

export class AlertService implements AlertsApi {
  readonly #opts: AlertServiceOptions;
  #engine: AlertEngine;
  #version = 0;
  #wallVersion = 0;
  #content = '';
  #evaluatedAt = 0;
  readonly #listeners = new Set<() => void>();

  constructor(opts: AlertServiceOptions) {
    this.#opts = opts;
    this.#engine = new AlertEngine({ rules: opts.rules, clock: opts.clock });
  }

  get version(): number {
    return this.#version;
  }

  get evaluatedAt(): number | null {
    return this.#evaluatedAt === 0 ? null : this.#evaluatedAt;
  }

  /** Continues from the stored state (a restart, another process's changes). With `cheap`, the
   * document is read only when the store's version differs from this one's. */
  async reload(cheap = false): Promise<boolean> {
    if (cheap && this.#opts.store.version && (await this.#opts.store.version()) === this.#version) return false;
    const doc = await this.#opts.store.load();
    if (!doc || doc.version === this.#version) return false;
    this.#adopt(doc);
    return true;
  }

  #adopt(doc: AlertStateDoc): void {
    this.#engine = AlertEngine.fromJSON(doc.engine, { rules: this.#opts.rules, clock: this.#opts.clock });
    this.#version = doc.version;
    this.#evaluatedAt = doc.evaluatedAt;
    // what walls show, but the evaluation times: an evaluation that changed nothing else sends
    // no frame (a quiet wall stays on heartbeats); the first evaluation does (the panel stops
    // saying it awaits one)
    const content = JSON.stringify([
      doc.evaluatedAt > 0,
      this.#engine.list().map((v) => ({ ...v, lastEvalAt: 0 })),
      this.#engine.listSilences(),
    ]);
    if (content !== this.#content) {
      this.#content = content;
      this.#wallVersion = doc.version;
    }
    for (const l of this.#listeners) l();
  }

  /** the version at which what walls are shown last changed (evaluation times aside) */
  get wallVersion(): number {
    return this.#wallVersion;
  }

  /**
   * Applies `change` to the latest stored state and stores it (compare-and-set on the version;
   * lost to another process: reload and apply again). A refusal (AlertRefusedError) stores
   * nothing. Answers what `change` answered once it is durable.
   */
  async #mutate<T>(
    change: (
      engine: AlertEngine,
      stored: AlertStateDoc | null,
    ) => { result: T; history: AlertHistoryEntry[]; evaluated?: boolean; unchanged?: boolean },
  ): Promise<T> {
    for (let i = 0; i < MAX_CAS_RETRIES; i++) {
      const doc = await this.#opts.store.load();
      const engine = doc
        ? AlertEngine.fromJSON(doc.engine, { rules: this.#opts.rules, clock: this.#opts.clock })
        : new AlertEngine({ rules: this.#opts.rules, clock: this.#opts.clock });
      const { result, history, evaluated, unchanged } = change(engine, doc);
      if (unchanged) {
        if (doc && doc.version !== this.#version) this.#adopt(doc);
        return result;
      }
      const next: AlertStateDoc = {
        version: (doc?.version ?? 0) + 1,
        evaluatedAt: evaluated ? this.#opts.clock() : (doc?.evaluatedAt ?? 0),
        engine: engine.toJSON(),
      };
      if (!(await this.#opts.store.save(next, doc?.version ?? null))) continue;
      if (history.length > 0) await this.#opts.store.appendHistory(history);
      this.#adopt(next);
      return result;
    }
    throw new AlertConflictError();
  }

  /** One interval: the rules' samples applied, old records pruned. With `minGapMs`, nothing is
   * done (null) when the stored state was evaluated less than that long ago — by another process
   * of the fleet: the rules are evaluated once per interval, not once per process. */
  async evaluate(
    evaluations: readonly RuleEvaluation[],
    opts: { minGapMs?: number } = {},
  ): Promise<Transition[] | null> {
    return this.#mutate((engine, stored) => {
      if (opts.minGapMs !== undefined && stored && this.#opts.clock() - stored.evaluatedAt < opts.minGapMs) {
        return { result: null, history: [], unchanged: true };
      }
      const transitions = engine.evaluate(evaluations);
      engine.prune(this.#opts.retentionMs);
      const history = transitions.map((t): AlertHistoryEntry => ({
        at: t.at,
        fingerprint: t.fingerprint,
        event: t.to ?? 'dropped',
        from: t.from,
      }));
      return { result: transitions, history, evaluated: true };
    });
  }

  #api(v: AlertView): ApiAlert {
    const regionName = this.#opts.regionName(v.region);
    return {
      fingerprint: v.fingerprint,
      rule: v.rule,
      region: v.region,
      regionName,
      subject: v.subject,
      state: v.state,
      severity: v.severity,
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      lastEvalAt: v.lastEvalAt,
      value: v.value,
      threshold: v.threshold,
      flapping: v.flapping,
      ack: v.ack,
      silencedBy: v.silencedBy,
      inhibitedBy: v.inhibitedBy,
      link: v.link,
      message: messageOf(v, regionName),
    };
  }

  list(q: AlertQuery = {}): ApiAlert[] {
    return this.#engine
      .list()
      .filter(
        (v) =>
          (q.state === undefined || v.state === q.state) &&
          (q.severity === undefined || v.severity === q.severity) &&
          (q.region === undefined || containsCode(q.region, v.region)) &&
          (q.to === undefined || (v.activeAt ?? v.lastEvalAt) < q.to) &&
          (q.from === undefined || v.endsAt === null || v.endsAt >= q.from),
      )
      .map((v) => this.#api(v));
  }

  get(fingerprint: string): ApiAlert | undefined {
    const v = this.#engine.get(fingerprint);
    return v && this.#api(v);
  }

  async ack(fingerprint: string, by: string, comment: string): Promise<ApiAlert> {
    return this.#mutate((e) => {
      const v = e.ack(fingerprint, by, comment);
      return { result: this.#api(v), history: [{ at: v.ack!.at, fingerprint, event: 'ack', by, comment }] };
    });
  }

  async unack(fingerprint: string, by: string): Promise<ApiAlert> {
    return this.#mutate((e) => {
      const v = e.unack(fingerprint);
      return { result: this.#api(v), history: [{ at: this.#opts.clock(), fingerprint, event: 'unack', by }] };
    });
  }

  silences(): ApiSilence[] {
    return this.#engine.listSilences();
  }

  async silence(input: SilenceInput, by: string): Promise<ApiSilence> {
    return this.#mutate((e) => {
      const s = e.silence({ ...input, by });
      const covered = e.list().filter((v) => v.silencedBy.includes(s.id));
      const history = covered.map((v): AlertHistoryEntry => ({
        at: s.createdAt,
        fingerprint: v.fingerprint,
        event: 'silence',
        by,
        comment: s.comment,
      }));
      return { result: { ...s, active: true }, history };
    });
  }

  async expireSilence(id: string, by: string): Promise<ApiSilence> {
    return this.#mutate((e) => {
      const covered = e.list().filter((v) => v.silencedBy.includes(id));
      const s = e.expireSilence(id, by);
      const history = covered.map((v): AlertHistoryEntry => ({
        at: s.endedAt!,
        fingerprint: v.fingerprint,
        event: 'expire',
        by,
      }));
      return { result: { ...s, active: false }, history };
    });
  }

  async history(fingerprint: string): Promise<AlertHistoryEntry[]> {
    return this.#opts.store.history(fingerprint, this.#opts.clock() - this.#opts.retentionMs);
  }

  panel(region: string): AlertPanel {
    const shown = wallAlerts(this.#engine.list(), region);
    if (shown.storm) {
      return {
        evaluatedAt: this.#evaluatedAt,
        storm: true,
        firing: shown.firing,
        alerts: [],
        summaries: shown.summaries.map((s) => ({ ...s, regionName: this.#opts.regionName(s.region) })),
      };
    }
    return {
      evaluatedAt: this.#evaluatedAt,
      storm: false,
      firing: shown.alerts.filter((v) => v.state === 'firing').length,
      alerts: shown.alerts.map((v): WallAlert => {
        const regionName = this.#opts.regionName(v.region);
        return {
          fingerprint: v.fingerprint,
          rule: v.rule,
          region: v.region,
          regionName,
          state: v.state as WallAlert['state'],
          severity: v.severity,
          startsAt: v.startsAt,
          lastEvalAt: v.lastEvalAt,
          value: v.value,
          threshold: v.threshold,
          flapping: v.flapping,
          // who and when; the comment stays in the console
          ack: v.ack && { by: v.ack.by, at: v.ack.at },
          message: messageOf(v, regionName),
        };
      }),
      summaries: [],
    };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
