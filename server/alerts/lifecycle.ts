// The alert lifecycle (issue 10, SPEC 10): instances keyed by fingerprint (rule + region) move
// pending → firing → resolved (and nodata) on each evaluation, with `for`, `keepFiringFor`,
// flapping, inhibition, silences and acknowledgements. Pure: the clock is injected, the state is
// plain data (toJSON/fromJSON) for a store to persist. No Fastify, Redis or socket here.
import { Value } from 'typebox/value';
import { isRegionCode, levelOf, parentCodeOf } from '../../geo/codes.ts';
import type { AlertRule, Severity } from './rules.ts';
import { matchesSilence, silenceActive } from './silences.ts';
import {
  EngineStateSchema,
  SilenceMatchersSchema,
  STATE_VERSION,
  type AlertInstance,
  type AlertState,
  type EngineState,
  type Silence,
  type SilenceMatchers,
} from './state.ts';

export type { Ack, AlertInstance, AlertState, EngineState, Silence, SilenceMatchers } from './state.ts';

export const FLAPPING_WINDOW_MS = 60 * 60_000;
/** more transitions than this within the window: flapping */
export const FLAPPING_MAX_TRANSITIONS = 4;

/** One region's result of one rule's evaluation. */
export interface Sample {
  region: string;
  /** a second key below the region (source-silent: the source's name) */
  subject?: string;
  /** null: the rule's input is missing (nodata) */
  value: number | null;
  /** the condition holds */
  active: boolean;
  threshold?: number | null;
  /** escalation (a red threshold in params); else the rule's severity */
  severity?: Severity;
}

/** A rule's samples of one interval. Instances of the rule absent from them: condition false. */
export interface RuleEvaluation {
  rule: string;
  samples: Sample[];
}

export interface Transition {
  fingerprint: string;
  at: number;
  from: AlertState | null;
  /** null: a pending alert whose condition cleared before it fired is dropped */
  to: AlertState | null;
}

export type RefusalCode = 'not_found' | 'resolved' | 'silence_not_found' | 'silence_ended' | 'invalid';

/** An operator's action the lifecycle refuses (a route answers 404 / 409 / 400). */
export class AlertRefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'AlertRefusedError';
  }
}

export interface AlertView extends AlertInstance {
  silencedBy: string[];
  /** the wall at the alert's region */
  link: string;
}

export interface EngineOptions {
  rules: readonly AlertRule[];
  /** epoch ms; the only source of time */
  clock: () => number;
}

export function fingerprintOf(rule: string, region: string, subject?: string | null): string {
  return subject ? `${rule}:${region}:${subject}` : `${rule}:${region}`;
}

const SUBJECT_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Who acts is part of the durable state; the state schema wants a name. */
function requireName(by: string): void {
  if (typeof by !== 'string' || by.length === 0) throw new AlertRefusedError('invalid', 'by: a name is required');
}

const ACTIVE: ReadonlySet<AlertState> = new Set(['pending', 'firing', 'nodata']);

export class AlertEngine {
  private readonly rules: Map<string, AlertRule>;
  private readonly clock: () => number;
  private readonly instances = new Map<string, AlertInstance>();
  private readonly silences = new Map<string, Silence>();
  private nextSilence = 1;

  constructor(opts: EngineOptions) {
    this.rules = new Map(opts.rules.map((r) => [r.id, r]));
    this.clock = opts.clock;
  }

  /** An engine that continues from a persisted state; throws when the state is not whole. */
  static fromJSON(state: unknown, opts: EngineOptions): AlertEngine {
    if (!Value.Check(EngineStateSchema, state)) {
      const e = [...Value.Errors(EngineStateSchema, state)][0];
      throw new Error(`alert state is not valid at ${e?.instancePath || '(root)'}: ${e?.message ?? 'invalid'}`);
    }
    const engine = new AlertEngine(opts);
    const copy = structuredClone(state);
    for (const i of copy.instances) engine.instances.set(i.fingerprint, i);
    for (const s of copy.silences) engine.silences.set(s.id, s);
    engine.nextSilence = copy.nextSilence;
    return engine;
  }

  toJSON(): EngineState {
    return structuredClone({
      version: STATE_VERSION,
      nextSilence: this.nextSilence,
      instances: [...this.instances.values()],
      silences: [...this.silences.values()],
    });
  }

  /** Applies one interval's evaluations; returns the state changes, in order. */
  evaluate(evaluations: readonly RuleEvaluation[]): Transition[] {
    const now = this.clock();
    const out: Transition[] = [];
    // all checked before anything is applied: a bad interval changes nothing
    const checked = evaluations.map((ev) => this.check(ev));
    for (const { rule, samples } of checked) {
      if (!rule.enabled) continue;
      for (const [fp, s] of samples) this.step(rule, fp, s, now, out);
      for (const inst of [...this.instances.values()]) {
        if (inst.rule === rule.id && !samples.has(inst.fingerprint)) this.step(rule, inst.fingerprint, null, now, out);
      }
    }
    // a rule removed or disabled (a new rules file and a restart): its alerts end
    for (const inst of [...this.instances.values()]) {
      if (this.rules.get(inst.rule)?.enabled || inst.state === 'resolved') continue;
      if (inst.state === 'pending') this.drop(inst, now, out);
      else this.resolve(inst, now, out);
    }
    this.inhibit();
    this.endResolvedSilences(now);
    return out;
  }

  private check(ev: RuleEvaluation): { rule: AlertRule; samples: Map<string, Sample> } {
    const rule = this.rules.get(ev.rule);
    if (!rule) throw new Error(`unknown alert rule ${JSON.stringify(ev.rule)}`);
    const samples = new Map<string, Sample>();
    for (const s of ev.samples) {
      if (!isRegionCode(s.region)) throw new Error(`${rule.id}: not a region code ${JSON.stringify(s.region)}`);
      if (!(rule.levels as string[]).includes(levelOf(s.region))) {
        throw new Error(`${rule.id}: level ${levelOf(s.region)} of ${s.region} is not one of the rule's levels`);
      }
      if (s.subject !== undefined && !SUBJECT_RE.test(s.subject)) {
        throw new Error(`${rule.id}: subject ${JSON.stringify(s.subject)} is not [A-Za-z0-9_.-]{1,64}`);
      }
      if (s.value !== null && !Number.isFinite(s.value)) throw new Error(`${rule.id}: ${s.region} value not finite`);
      const fp = fingerprintOf(rule.id, s.region, s.subject);
      if (samples.has(fp)) throw new Error(`${rule.id}: ${fp} evaluated twice in one interval`);
      samples.set(fp, s);
    }
    return { rule, samples };
  }

  private step(rule: AlertRule, fp: string, s: Sample | null, now: number, out: Transition[]): void {
    const inst = this.instances.get(fp);
    const cond = s === null ? false : s.value === null ? 'nodata' : s.active;
    if (!inst) {
      if (cond === false || s === null) return;
      const created: AlertInstance = {
        fingerprint: fp,
        rule: rule.id,
        region: s.region,
        subject: s.subject ?? null,
        state: 'pending',
        severity: s.severity ?? rule.severity,
        value: s.value,
        threshold: s.threshold ?? null,
        activeAt: null,
        startsAt: null,
        endsAt: null,
        lastEvalAt: now,
        resolvingSince: null,
        transitions: [],
        flapping: false,
        ack: null,
        inhibitedBy: null,
      };
      this.instances.set(fp, created);
      if (cond === 'nodata') this.move(created, 'nodata', now, out, true);
      else this.activate(rule, created, now, out, true);
      return;
    }
    inst.lastEvalAt = now;
    if (s) {
      inst.value = s.value;
      if (s.threshold !== undefined) inst.threshold = s.threshold;
      if (cond === true) inst.severity = s.severity ?? rule.severity;
    }
    if (cond === 'nodata') {
      if (inst.state === 'resolved') this.newEpisode(inst);
      if (inst.state !== 'nodata') this.move(inst, 'nodata', now, out);
      inst.resolvingSince = null;
    } else if (cond === true) {
      inst.resolvingSince = null;
      if (inst.state === 'resolved') this.newEpisode(inst);
      if (inst.state === 'nodata' && inst.startsAt !== null) this.move(inst, 'firing', now, out);
      else if (inst.state !== 'firing') this.activate(rule, inst, now, out);
    } else if (inst.state === 'pending') {
      this.drop(inst, now, out);
      return;
    } else if (inst.state === 'nodata') {
      this.resolve(inst, now, out);
    } else if (inst.state === 'firing') {
      inst.resolvingSince ??= now;
      if (now - inst.resolvingSince >= rule.keepFiringForMs) this.resolve(inst, now, out);
    }
    this.updateFlapping(inst, now);
  }

  /** condition true on a fresh instance, a pending one, a resolved one (a new episode) or nodata not fired */
  private activate(rule: AlertRule, inst: AlertInstance, now: number, out: Transition[], fresh = false): void {
    const wasPending = !fresh && inst.state === 'pending';
    if (!wasPending || inst.activeAt === null) inst.activeAt = now;
    if (now - inst.activeAt >= rule.forMs) {
      inst.startsAt = now;
      this.move(inst, 'firing', now, out, fresh);
    } else if (!wasPending) {
      this.move(inst, 'pending', now, out, fresh);
    }
  }

  /** a pending alert that never fired: no one saw it, nothing to resolve */
  private drop(inst: AlertInstance, now: number, out: Transition[]): void {
    this.instances.delete(inst.fingerprint);
    out.push({ fingerprint: inst.fingerprint, at: now, from: 'pending', to: null });
  }

  private newEpisode(inst: AlertInstance): void {
    inst.ack = null;
    inst.activeAt = null;
    inst.startsAt = null;
    inst.endsAt = null;
  }

  private resolve(inst: AlertInstance, now: number, out: Transition[]): void {
    inst.endsAt = now;
    inst.resolvingSince = null;
    this.move(inst, 'resolved', now, out);
    this.updateFlapping(inst, now);
  }

  private move(inst: AlertInstance, to: AlertState, now: number, out: Transition[], fresh = false): void {
    out.push({ fingerprint: inst.fingerprint, at: now, from: fresh ? null : inst.state, to });
    inst.state = to;
    inst.transitions.push(now);
  }

  private updateFlapping(inst: AlertInstance, now: number): void {
    inst.transitions = inst.transitions.filter((t) => t > now - FLAPPING_WINDOW_MS);
    inst.flapping = inst.transitions.length > FLAPPING_MAX_TRANSITIONS;
  }

  /** A firing alert inhibits the same rule's (and subject's) alerts below it: the nearest one names it. */
  private inhibit(): void {
    for (const inst of this.instances.values()) {
      inst.inhibitedBy = null;
      for (let code = parentCodeOf(inst.region); code !== null; code = parentCodeOf(code)) {
        const above = this.instances.get(fingerprintOf(inst.rule, code, inst.subject));
        if (above?.state === 'firing') {
          inst.inhibitedBy = above.fingerprint;
          break;
        }
      }
    }
  }

  private endResolvedSilences(now: number): void {
    for (const s of this.silences.values()) {
      if (!s.untilResolved || !silenceActive(s, now)) continue;
      const stillActive = [...this.instances.values()].some((i) => ACTIVE.has(i.state) && matchesSilence(s, i));
      if (!stillActive) s.endedAt = now;
    }
  }

  get(fingerprint: string): AlertView | undefined {
    const inst = this.instances.get(fingerprint);
    return inst && this.view(inst);
  }

  /** Every instance as the API shows it, silences resolved at the clock's now. */
  list(): AlertView[] {
    return [...this.instances.values()].map((i) => this.view(i));
  }

  private view(inst: AlertInstance): AlertView {
    const now = this.clock();
    const silencedBy = [...this.silences.values()]
      .filter((s) => silenceActive(s, now) && matchesSilence(s, inst))
      .map((s) => s.id);
    return { ...structuredClone(inst), silencedBy, link: `/?region=${inst.region}` };
  }

  private open(fingerprint: string): AlertInstance {
    const inst = this.instances.get(fingerprint);
    if (!inst) throw new AlertRefusedError('not_found', `no alert ${fingerprint}`);
    if (inst.state === 'resolved') throw new AlertRefusedError('resolved', `alert ${fingerprint} is resolved`);
    return inst;
  }

  /** The alert keeps its state (firing until its condition clears); walls stop highlighting it. */
  ack(fingerprint: string, by: string, comment: string): AlertView {
    requireName(by);
    if (typeof comment !== 'string') throw new AlertRefusedError('invalid', 'comment: a string');
    const inst = this.open(fingerprint);
    inst.ack = { by, at: this.clock(), comment };
    return this.view(inst);
  }

  /** Idempotent: unacknowledging an alert nobody acknowledged answers the alert. */
  unack(fingerprint: string): AlertView {
    const inst = this.open(fingerprint);
    inst.ack = null;
    return this.view(inst);
  }

  silence(input: {
    matchers: SilenceMatchers;
    endsAt?: number;
    untilResolved?: boolean;
    comment: string;
    by: string;
  }): Silence {
    const now = this.clock();
    const { matchers, endsAt, untilResolved = false } = input;
    if (!Value.Check(SilenceMatchersSchema, matchers)) {
      const e = [...Value.Errors(SilenceMatchersSchema, matchers)][0];
      throw new AlertRefusedError('invalid', `matchers${e?.instancePath.replace(/\//g, '.') ?? ''}: ${e?.message}`);
    }
    if (endsAt !== undefined && !Number.isInteger(endsAt)) throw new AlertRefusedError('invalid', 'endsAt: epoch ms');
    requireName(input.by);
    if (typeof input.comment !== 'string') throw new AlertRefusedError('invalid', 'comment: a string');
    if ((endsAt === undefined) === !untilResolved) {
      throw new AlertRefusedError('invalid', 'a silence has either endsAt or untilResolved');
    }
    if (endsAt !== undefined && endsAt <= now) throw new AlertRefusedError('invalid', 'endsAt is not in the future');
    const silence: Silence = {
      id: `s${this.nextSilence++}`,
      matchers: structuredClone(matchers),
      comment: input.comment,
      createdBy: input.by,
      createdAt: now,
      endsAt: endsAt ?? null,
      untilResolved,
      endedAt: null,
      endedBy: null,
    };
    this.silences.set(silence.id, silence);
    return structuredClone(silence);
  }

  /** Ends a silence before its time. */
  expireSilence(id: string, by: string): Silence {
    requireName(by);
    const s = this.silences.get(id);
    if (!s) throw new AlertRefusedError('silence_not_found', `no silence ${id}`);
    const now = this.clock();
    if (!silenceActive(s, now)) throw new AlertRefusedError('silence_ended', `silence ${id} has ended`);
    s.endedAt = now;
    s.endedBy = by;
    return structuredClone(s);
  }

  listSilences(): (Silence & { active: boolean })[] {
    const now = this.clock();
    return [...this.silences.values()].map((s) => ({ ...structuredClone(s), active: silenceActive(s, now) }));
  }

  /** Forgets resolved alerts and ended silences older than `keepMs` (90 days for the store). */
  prune(keepMs: number): void {
    const cutoff = this.clock() - keepMs;
    for (const [fp, i] of this.instances) if (i.state === 'resolved' && i.endsAt! < cutoff) this.instances.delete(fp);
    for (const [id, s] of this.silences) {
      const end = s.endedAt ?? s.endsAt;
      if (end !== null && end < cutoff) this.silences.delete(id);
    }
  }
}
