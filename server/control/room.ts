// A room's state machine (issue 11), pure: the clock, the scene library and the alerts are
// passed in. `applyCommand` is a presenter's tap; `advance` is time passing (a tour's dwell
// ending, a takeover's end, a replay reaching its end, a pairing code rotating) and alerts
// firing. Priorities: a manual command > an alert takeover > the tour. A manual command pauses
// a playing tour (pausedBy 'manual') and ends a takeover; a takeover pauses the tour
// (pausedBy 'takeover') and resumes it when it ends; every pause keeps the dwell left.
import {
  PAIRING_CODE_TTL_MS,
  REPLAY_SPEEDS,
  TAKEOVER_MAX_MS,
  TAKEOVER_MIN_MS,
  TAKEOVER_RULE_GAP_MS,
  replayTimeAt,
  type ControlCommand,
  type RoomState,
  type RoomTakeover,
  type RoomView,
  type Scene,
  type Tour,
} from '../contract/control.ts';
import type { AlertSeverity } from '../contract/alerts.ts';
import { containsCode, parentCodeOf } from '../../geo/codes.ts';
export { replayTimeAt };

/** The room's state without its pairing code (`code: ''`): the code is for the hall's walls whose
 * scope holds the region a tablet paired by it gets, never for control pages (the operator who
 * asked for it has it in the answer) nor walls of other scopes. */
export function withoutCode(state: RoomState): RoomState {
  return state.pairing ? { ...state, pairing: { ...state.pairing, code: '' } } : state;
}

export interface Library {
  scene(id: string): Scene | undefined;
  tour(id: string): Tour | undefined;
}

/** An alert as a takeover sees it (from the alert service's list). */
export interface TakeoverCandidate {
  fingerprint: string;
  rule: string;
  region: string;
  regionName: string;
  severity: AlertSeverity;
  /** firing, not acknowledged, not silenced or inhibited, not flapping */
  active: boolean;
  startsAt: number | null;
}

export interface CommandContext {
  now: number;
  library: Library;
  /** the region exists (a wall can show it) */
  knownRegion(code: string): boolean;
  /** the actor may show it (their scope) */
  allowedRegion(code: string): boolean;
  /** an alert by fingerprint (for a spotlight) */
  alert(fingerprint: string): { region: string } | undefined;
}

export type CommandOutcome =
  { ok: true; state: RoomState } | { ok: false; reason: 'invalid' | 'forbidden' | 'not_found'; message: string };

const SEVERITY_RANK: Record<AlertSeverity, number> = { red: 0, orange: 1, yellow: 2 };
/** the longest window a replay may cover */
export const REPLAY_MAX_WINDOW_MS = 36 * 3_600_000;

export function emptyView(): RoomView {
  return { region: null, theme: null, lang: null, panel: null, spotlight: null, standby: false, scene: null };
}

export function initialRoom(room: string, now: number): RoomState {
  return {
    room,
    v: 0,
    updatedAt: now,
    view: emptyView(),
    tour: null,
    takeover: null,
    queue: [],
    replay: null,
    controller: null,
    handover: null,
    pairing: null,
    langOverride: null,
    alertsSince: now,
    recentTakeovers: {},
  };
}

function sceneView(scene: Scene, langOverride: RoomState['langOverride']): RoomView {
  return {
    region: scene.region,
    theme: scene.theme,
    lang: langOverride ?? scene.lang,
    panel: scene.panel,
    spotlight: null,
    standby: false,
    scene: scene.id,
  };
}

/** the view a takeover gives back: the one it replaced, in the room's language now */
function restoredView(s: RoomState, previous: RoomView): RoomView {
  return s.langOverride ? { ...previous, lang: s.langOverride } : previous;
}

const fail = (reason: 'invalid' | 'forbidden' | 'not_found', message: string): CommandOutcome => ({
  ok: false,
  reason,
  message,
});

/** A takeover ended by a command about the tour or a replay (not a picture of its own): the view
 * it replaced comes back and the tour it paused plays on with the dwell it had left. */
function endTakeover(s: RoomState, now: number): RoomState {
  if (!s.takeover) return s.queue.length > 0 ? { ...s, queue: [] } : s;
  const t = s.tour;
  return {
    ...s,
    takeover: null,
    queue: [],
    view: restoredView(s, s.takeover.previous),
    tour: t && t.pausedBy === 'takeover' ? { ...t, playing: true, endsAt: now + t.remainingMs, pausedBy: null } : t,
  };
}

/** the state with a changed view from a manual command: the tour pauses, a takeover ends */
function manual(s: RoomState, view: RoomView, now: number): RoomState {
  let tour = s.tour;
  if (tour?.playing) {
    tour = {
      ...tour,
      playing: false,
      endsAt: null,
      remainingMs: Math.max(0, (tour.endsAt ?? now) - now),
      pausedBy: 'manual',
    };
  } else if (tour && tour.pausedBy === 'takeover') {
    tour = { ...tour, pausedBy: 'manual' };
  }
  return { ...s, view, tour, takeover: null, queue: [] };
}

function stepDwellMs(tour: Tour, index: number): number {
  return Math.max(1, tour.steps[index]?.dwellS ?? 1) * 1000;
}

/** the view of a tour's step (its scene); the current view when the scene is gone */
function stepView(s: RoomState, tour: Tour, index: number, lib: Library): RoomView {
  const step = tour.steps[index];
  const scene = step ? lib.scene(step.scene) : undefined;
  return scene ? sceneView(scene, s.langOverride) : s.view;
}

function checkRegion(code: string, ctx: CommandContext): CommandOutcome | null {
  if (!ctx.knownRegion(code)) return fail('not_found', `unknown region ${code}`);
  if (!ctx.allowedRegion(code)) return fail('forbidden', `region ${code} is outside this controller's scope`);
  return null;
}

/** a tour's step shows its scene's region: the sender's scope must hold it */
function checkStep(tour: Tour, index: number, ctx: CommandContext): CommandOutcome | null {
  const scene = ctx.library.scene(tour.steps[index]?.scene ?? '');
  return scene ? checkRegion(scene.region, ctx) : null;
}

export function applyCommand(s: RoomState, cmd: ControlCommand, ctx: CommandContext): CommandOutcome {
  const { now, library } = ctx;
  const ok = (state: RoomState): CommandOutcome => ({ ok: true, state });
  switch (cmd.type) {
    case 'region': {
      const bad = checkRegion(cmd.region, ctx);
      if (bad) return bad;
      return ok(manual(s, { ...s.view, region: cmd.region, spotlight: null, standby: false, scene: null }, now));
    }
    case 'theme':
      return ok(manual(s, { ...s.view, theme: cmd.theme, standby: false, scene: null }, now));
    case 'lang':
      // the language is the room's, not a picture: a tour keeps playing, a takeover keeps going
      return ok({ ...s, langOverride: cmd.lang, view: { ...s.view, lang: cmd.lang } });
    case 'spotlight': {
      if (cmd.fingerprint === null) return ok(manual(s, { ...s.view, spotlight: null }, now));
      const alert = ctx.alert(cmd.fingerprint);
      if (!alert) return fail('not_found', `no alert ${cmd.fingerprint}`);
      if (!ctx.allowedRegion(alert.region)) return fail('forbidden', `the alert's region is outside this scope`);
      return ok(
        manual(
          s,
          {
            ...s.view,
            region: alert.region,
            spotlight: { fingerprint: cmd.fingerprint, region: alert.region },
            panel: null,
            standby: false,
            scene: null,
          },
          now,
        ),
      );
    }
    case 'panel':
      return ok(manual(s, { ...s.view, panel: cmd.panel, standby: false, scene: null }, now));
    case 'standby':
      return ok(manual(s, { ...s.view, standby: cmd.on }, now));
    case 'scene': {
      const scene = library.scene(cmd.id);
      if (!scene) return fail('not_found', `no scene ${cmd.id}`);
      const bad = checkRegion(scene.region, ctx);
      if (bad) return bad;
      return ok(manual(s, sceneView(scene, s.langOverride), now));
    }
    case 'reset':
      return ok({ ...s, view: emptyView(), tour: null, takeover: null, queue: [], langOverride: null });
    case 'tour.play': {
      const tour = library.tour(cmd.id);
      if (!tour) return fail('not_found', `no tour ${cmd.id}`);
      if (tour.steps.length === 0) return fail('invalid', `tour ${cmd.id} has no steps`);
      for (const step of tour.steps) {
        const scene = library.scene(step.scene);
        if (!scene) return fail('not_found', `tour ${cmd.id}: no scene ${step.scene}`);
        const bad = checkRegion(scene.region, ctx);
        if (bad) return bad;
      }
      const dwell = stepDwellMs(tour, 0);
      return ok({
        ...s,
        view: stepView(s, tour, 0, library),
        tour: { id: tour.id, index: 0, playing: true, endsAt: now + dwell, remainingMs: dwell, pausedBy: null },
        takeover: null,
        queue: [],
        alertsSince: now,
      });
    }
    case 'tour.pause': {
      if (!s.tour) return fail('invalid', 'no tour in this room');
      if (!s.tour.playing)
        return ok(s.tour.pausedBy === 'presenter' ? s : { ...s, tour: { ...s.tour, pausedBy: 'presenter' } });
      const remainingMs = Math.max(0, (s.tour.endsAt ?? now) - now);
      return ok({ ...s, tour: { ...s.tour, playing: false, endsAt: null, remainingMs, pausedBy: 'presenter' } });
    }
    case 'tour.resume': {
      if (!s.tour) return fail('invalid', 'no tour in this room');
      const tour = library.tour(s.tour.id);
      if (!tour) return fail('not_found', `no tour ${s.tour.id}`);
      if (s.tour.playing) return ok(s);
      const badStep = checkStep(tour, s.tour.index, ctx);
      if (badStep) return badStep;
      // the scene it left, for the dwell it had left
      return ok({
        ...s,
        view: stepView(s, tour, s.tour.index, library),
        tour: { ...s.tour, playing: true, endsAt: now + s.tour.remainingMs, pausedBy: null },
        takeover: null,
        queue: [],
      });
    }
    case 'tour.next':
    case 'tour.prev': {
      if (!s.tour) return fail('invalid', 'no tour in this room');
      const tour = library.tour(s.tour.id);
      if (!tour) return fail('not_found', `no tour ${s.tour.id}`);
      // a takeover ends; the tour it paused plays on
      const base = endTakeover(s, now);
      const cur = base.tour!;
      const n = tour.steps.length;
      const step = cmd.type === 'tour.next' ? 1 : -1;
      const raw = cur.index + step;
      const index = tour.loop ? (raw + n) % n : Math.min(n - 1, Math.max(0, raw));
      const badStep = checkStep(tour, index, ctx);
      if (badStep) return badStep;
      const dwell = stepDwellMs(tour, index);
      return ok({
        ...base,
        view: stepView(base, tour, index, library),
        tour: {
          ...cur,
          index,
          endsAt: cur.playing ? now + dwell : null,
          remainingMs: dwell,
        },
      });
    }
    case 'tour.stop':
      if (!s.tour) return ok(s);
      return ok({ ...endTakeover(s, now), tour: null });
    case 'replay.start': {
      const { from, to, speed } = cmd;
      if (!REPLAY_SPEEDS.includes(speed)) return fail('invalid', `speed must be one of ${REPLAY_SPEEDS.join(', ')}`);
      if (!(Number.isFinite(from) && Number.isFinite(to) && from < to))
        return fail('invalid', 'from must be before to');
      if (from >= now) return fail('invalid', 'a replay ends in the past');
      if (Math.min(to, now) - from > REPLAY_MAX_WINDOW_MS) return fail('invalid', 'a replay covers at most 36 hours');
      if (s.view.region !== null) {
        const bad = checkRegion(s.view.region, ctx);
        if (bad) return bad;
      }
      // a live alert does not take over a replay: one under way ends
      // a window ending after now (a tablet's clock ahead of the server's) ends now
      const end = Math.min(to, now);
      return ok({ ...endTakeover(s, now), replay: { from, to: end, speed, playing: true, at: from, anchorAt: now } });
    }
    case 'replay.speed':
    case 'replay.pause':
    case 'replay.resume':
    case 'replay.seek': {
      const r = s.replay;
      if (!r) return fail('invalid', 'the room is not replaying');
      const at = replayTimeAt(r, now);
      if (cmd.type === 'replay.speed') {
        if (!REPLAY_SPEEDS.includes(cmd.speed))
          return fail('invalid', `speed must be one of ${REPLAY_SPEEDS.join(', ')}`);
        return ok({ ...s, replay: { ...r, speed: cmd.speed, at, anchorAt: now } });
      }
      if (cmd.type === 'replay.pause') return ok({ ...s, replay: { ...r, playing: false, at, anchorAt: now } });
      if (cmd.type === 'replay.resume')
        return ok({ ...s, replay: { ...r, playing: true, at: at >= r.to ? r.from : at, anchorAt: now } });
      if (!Number.isFinite(cmd.at)) return fail('invalid', 'seek needs a time');
      return ok({ ...s, replay: { ...r, at: Math.min(r.to, Math.max(r.from, cmd.at)), anchorAt: now } });
    }
    case 'replay.stop':
      return ok({ ...s, replay: null });
  }
}

/** the region a tour covers: the longest common prefix-region of its scenes' regions */
export function tourRegion(tour: Tour, lib: Library): string | null {
  const codes = tour.steps.map((st) => lib.scene(st.scene)?.region).filter((c): c is string => c !== undefined);
  if (codes.length === 0) return null;
  let best = codes[0]!;
  for (const c of codes.slice(1)) best = commonRegion(best, c);
  return best;
}

/** the deepest region containing both codes */
export function commonRegion(a: string, b: string): string {
  const chain = (c: string): string[] => {
    const out = [c];
    for (let p = parentCodeOf(c); p !== null; p = parentCodeOf(p)) out.push(p);
    return out;
  };
  const up = new Set(chain(b));
  return chain(a).find((c) => up.has(c)) ?? '100000';
}

export interface AdvanceContext {
  now: number;
  library: Library;
  alerts: readonly TakeoverCandidate[];
  /** a fresh pairing code (injected: random in the service, fixed in tests) */
  newCode: () => string;
}

/**
 * Time passing: a tour's next step, a takeover starting, queueing or ending, a replay reaching
 * its end, a pairing code rotating or going. Answers the same object when nothing changed.
 */
export function advance(s: RoomState, ctx: AdvanceContext): RoomState {
  const { now, library } = ctx;
  let next = s;

  // a pairing code rotates until the request's end
  if (next.pairing && now >= next.pairing.expiresAt) {
    next =
      now >= next.pairing.until
        ? { ...next, pairing: null }
        : { ...next, pairing: { ...next.pairing, code: ctx.newCode(), expiresAt: now + PAIRING_CODE_TTL_MS } };
  }

  // a replay stops on its last picture
  if (next.replay?.playing && replayTimeAt(next.replay, now) >= next.replay.to)
    next = { ...next, replay: { ...next.replay, playing: false, at: next.replay.to, anchorAt: now } };

  const tour = next.tour ? library.tour(next.tour.id) : undefined;
  // the tour was deleted: it stops, and a takeover under way gives back the view it replaced
  if (next.tour && !tour)
    return {
      ...next,
      view: next.takeover ? restoredView(next, next.takeover.previous) : next.view,
      tour: null,
      takeover: null,
      queue: [],
    };

  // takeovers: only over a playing tour that opted in, never over a replay (one under way
  // still ends by its own clock)
  if (tour && next.tour && (tour.takeover || next.takeover) && !next.replay) next = takeovers(next, tour, ctx);

  // the tour's dwell
  const t = next.tour;
  if (tour && t?.playing && t.endsAt !== null && now >= t.endsAt) {
    const n = tour.steps.length;
    const last = t.index + 1 >= n;
    if (last && !tour.loop) {
      next = { ...next, tour: { ...t, playing: false, endsAt: null, remainingMs: 0, pausedBy: null } };
    } else {
      const index = last ? 0 : t.index + 1;
      const dwell = stepDwellMs(tour, index);
      // several dwells may have passed (a stalled tick): the next step starts from its due time
      const endsAt = Math.max(now, t.endsAt) + dwell - Math.max(0, now - t.endsAt);
      next = { ...next, view: stepView(next, tour, index, library), tour: { ...t, index, endsAt, remainingMs: dwell } };
    }
  }
  return next;
}

function takeoverOf(c: TakeoverCandidate): RoomState['queue'][number] {
  return { fingerprint: c.fingerprint, rule: c.rule, region: c.region, regionName: c.regionName, severity: c.severity };
}

function begin(s: RoomState, q: RoomState['queue'][number], tour: Tour, now: number, previous: RoomView): RoomState {
  const holdMs = Math.min(TAKEOVER_MAX_MS, Math.max(TAKEOVER_MIN_MS, tour.takeoverS * 1000));
  const takeover: RoomTakeover = {
    ...q,
    startedAt: now,
    minUntil: now + TAKEOVER_MIN_MS,
    until: now + holdMs,
    previous,
  };
  const t = s.tour!;
  const paused = t.playing
    ? {
        ...t,
        playing: false,
        endsAt: null,
        remainingMs: Math.max(0, (t.endsAt ?? now) - now),
        pausedBy: 'takeover' as const,
      }
    : t;
  return {
    ...s,
    takeover,
    tour: paused,
    view: {
      ...previous,
      region: q.region,
      spotlight: { fingerprint: q.fingerprint, region: q.region },
      panel: null,
      standby: false,
      scene: null,
    },
    recentTakeovers: { ...s.recentTakeovers, [q.rule]: now },
  };
}

function byPriority(a: RoomState['queue'][number], b: RoomState['queue'][number]): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
}

function takeovers(s: RoomState, tour: Tour, ctx: AdvanceContext): RoomState {
  const { now, alerts, library } = ctx;
  const t = s.tour!;
  // a tour the presenter paused, or one a manual command interrupted, is not taken over (a
  // takeover under way still ends on time: the presenter may pause the tour meanwhile)
  const eligible = tour.takeover && (t.playing || t.pausedBy === 'takeover');
  if (!eligible && !s.takeover) return s;
  const region = tourRegion(tour, library);
  const byFp = new Map(alerts.map((a) => [a.fingerprint, a]));
  let next = s;

  // prune recentTakeovers (older than the gap)
  const recent = Object.entries(next.recentTakeovers).filter(([, at]) => now - at < TAKEOVER_RULE_GAP_MS);
  if (recent.length !== Object.keys(next.recentTakeovers).length)
    next = { ...next, recentTakeovers: Object.fromEntries(recent) };

  // new candidates: newly firing red alerts in the tour's region, not already current or queued
  const held = new Set([next.takeover?.fingerprint, ...next.queue.map((q) => q.fingerprint)]);
  const fresh = alerts.filter(
    (a) =>
      eligible &&
      a.active &&
      a.severity === 'red' &&
      a.startsAt !== null &&
      a.startsAt >= next.alertsSince &&
      region !== null &&
      containsCode(region, a.region) &&
      !held.has(a.fingerprint) &&
      !(a.rule in next.recentTakeovers),
  );
  if (fresh.length > 0) {
    // one rule once: of several alerts of one rule, the first queued wins
    const rules = new Set(next.queue.map((q) => q.rule));
    if (next.takeover) rules.add(next.takeover.rule);
    const add = fresh
      .sort((a, b) => byPriority(a, b) || (a.startsAt ?? 0) - (b.startsAt ?? 0))
      .filter((a) => (rules.has(a.rule) ? false : (rules.add(a.rule), true)))
      .map(takeoverOf);
    if (add.length > 0) next = { ...next, queue: [...next.queue, ...add].sort(byPriority) };
  }
  // the queue holds only alerts still active
  const queue = next.queue.filter((q) => byFp.get(q.fingerprint)?.active === true);
  if (queue.length !== next.queue.length) next = { ...next, queue };

  const cur = next.takeover;
  if (cur) {
    const stillActive = byFp.get(cur.fingerprint)?.active === true;
    const over = now >= cur.until || (now >= cur.minUntil && !stillActive);
    if (!over) return next;
    const [head, ...rest] = next.queue;
    if (head && eligible) {
      return begin({ ...next, queue: rest, tour: next.tour }, head, tour, now, cur.previous);
    }
    // the tour resumes where it left, with the dwell it had left (unless the presenter paused it)
    const tt = next.tour!;
    return {
      ...next,
      takeover: null,
      queue: [],
      view: restoredView(next, cur.previous),
      tour: tt.pausedBy === 'takeover' ? { ...tt, playing: true, endsAt: now + tt.remainingMs, pausedBy: null } : tt,
    };
  }
  const [head, ...rest] = next.queue;
  if (head && t.playing) {
    return begin({ ...next, queue: rest }, head, tour, now, next.view);
  }
  return next;
}
