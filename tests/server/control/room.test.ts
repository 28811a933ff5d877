// The room's state machine (server/control/room.ts), pure, on an injected clock: each command's
// effect on the view, tours (dwell, pause with the dwell left, next/prev/loop/end), the
// language override, alert takeovers (region, bounds, alertsSince, per-rule gap, queue, manual
// priority, opt-in), the replay clock and the pairing code's rotation.
import { describe, expect, it } from 'vitest';
import { containsCode } from '../../../geo/codes.ts';
import { getRegion } from '../../../geo/registry.ts';
import {
  PAIRING_CODE_TTL_MS,
  TAKEOVER_MAX_MS,
  TAKEOVER_MIN_MS,
  TAKEOVER_RULE_GAP_MS,
  type ControlCommand,
  type RoomState,
  type Scene,
  type Tour,
} from '../../../server/contract/control.ts';
import {
  advance,
  applyCommand,
  commonRegion,
  emptyView,
  initialRoom,
  REPLAY_MAX_WINDOW_MS,
  replayTimeAt,
  tourRegion,
  type Library,
  type TakeoverCandidate,
} from '../../../server/control/room.ts';

const T0 = 1_800_000_000_000;
const S = 1000;
const H = 3_600_000;

const SCENES: Record<string, Scene> = {
  yanta: { id: 'yanta', name: '雁塔', region: '610113', theme: 'study', panel: null, lang: 'zh' },
  weiyang: { id: 'weiyang', name: '未央', region: '610112', theme: 'floating', panel: 'meetings', lang: 'zh' },
  city: { id: 'city', name: '西安', region: '610100', theme: 'transfers', panel: null, lang: 'en' },
  baoji: { id: 'baoji', name: '宝鸡', region: '610300', theme: 'study', panel: null, lang: 'zh' },
};
const tour = (id: string, o: Partial<Tour> = {}): Tour => ({
  id,
  name: id,
  steps: [
    { scene: 'yanta', dwellS: 30 },
    { scene: 'weiyang', dwellS: 60 },
  ],
  loop: true,
  takeover: true,
  takeoverS: 60,
  ...o,
});
const TOURS: Record<string, Tour> = {
  loop: tour('loop'),
  once: tour('once', { loop: false }),
  quiet: tour('quiet', { takeover: false }),
  long: tour('long', { takeoverS: 600 }),
  three: tour('three', {
    steps: [
      { scene: 'yanta', dwellS: 10 },
      { scene: 'weiyang', dwellS: 20 },
      { scene: 'city', dwellS: 30 },
    ],
  }),
};
const library: Library = { scene: (id) => SCENES[id], tour: (id) => TOURS[id] };
const ALERTS: Record<string, { region: string }> = { fp1: { region: '610113' }, far: { region: '610300' } };

const ctx = (now: number, scope = '610100') => ({
  now,
  library,
  knownRegion: (c: string) => getRegion(c) !== undefined,
  allowedRegion: (c: string) => containsCode(scope, c),
  alert: (fp: string) => ALERTS[fp],
});

function run(s: RoomState, cmd: ControlCommand, now: number): RoomState {
  const r = applyCommand(s, cmd, ctx(now));
  if (!r.ok) throw new Error(`${cmd.type} refused: ${r.reason} ${r.message}`);
  return r.state;
}
const refused = (s: RoomState, cmd: ControlCommand, now: number, scope?: string) => {
  const r = applyCommand(s, cmd, ctx(now, scope));
  return r.ok ? null : r.reason;
};
let codeN = 0;
const adv = (s: RoomState, now: number, alerts: TakeoverCandidate[] = []) =>
  advance(s, { now, library, alerts, newCode: () => String(++codeN).padStart(6, '0') });

const red = (fingerprint: string, o: Partial<TakeoverCandidate> = {}): TakeoverCandidate => ({
  fingerprint,
  rule: `rule-${fingerprint}`,
  region: '610113',
  regionName: '雁塔区',
  severity: 'red',
  active: true,
  startsAt: T0 + 1 * S,
  ...o,
});

const room = () => initialRoom('hall', T0);
const playing = (id: string, at = T0) => run(room(), { type: 'tour.play', id }, at);

describe('commands on the view', () => {
  it('region, theme, panel, standby, spotlight, scene, reset', () => {
    let s = room();
    expect(s.view).toEqual(emptyView());
    s = run(s, { type: 'region', region: '610113' }, T0);
    expect(s.view).toMatchObject({ region: '610113', scene: null, spotlight: null });
    s = run(s, { type: 'theme', theme: 'floating' }, T0);
    expect(s.view).toMatchObject({ region: '610113', theme: 'floating' });
    s = run(s, { type: 'panel', panel: 'dues' }, T0);
    expect(s.view.panel).toBe('dues');
    s = run(s, { type: 'standby', on: true }, T0);
    expect(s.view.standby).toBe(true);
    // a picture ends standby
    s = run(s, { type: 'theme', theme: 'study' }, T0);
    expect(s.view.standby).toBe(false);
    s = run(s, { type: 'spotlight', fingerprint: 'fp1' }, T0);
    expect(s.view).toMatchObject({
      region: '610113',
      spotlight: { fingerprint: 'fp1', region: '610113' },
      panel: null,
    });
    s = run(s, { type: 'spotlight', fingerprint: null }, T0);
    expect(s.view.spotlight).toBeNull();
    s = run(s, { type: 'scene', id: 'weiyang' }, T0);
    expect(s.view).toEqual({
      region: '610112',
      theme: 'floating',
      lang: 'zh',
      panel: 'meetings',
      spotlight: null,
      standby: false,
      scene: 'weiyang',
    });
    // a change after a scene: the view no longer is that scene
    expect(run(s, { type: 'panel', panel: null }, T0).view.scene).toBeNull();
    s = run(s, { type: 'reset' }, T0);
    expect(s.view).toEqual(emptyView());
    expect(s.langOverride).toBeNull();
  });

  it('refuses unknown regions, regions outside the scope, unknown scenes and alerts', () => {
    const s = room();
    expect(refused(s, { type: 'region', region: '999999' }, T0)).toBe('not_found');
    expect(refused(s, { type: 'region', region: '610300' }, T0)).toBe('forbidden');
    expect(refused(s, { type: 'region', region: '610112' }, T0, '610113')).toBe('forbidden');
    expect(refused(s, { type: 'scene', id: 'nope' }, T0)).toBe('not_found');
    expect(refused(s, { type: 'scene', id: 'baoji' }, T0)).toBe('forbidden');
    expect(refused(s, { type: 'spotlight', fingerprint: 'nope' }, T0)).toBe('not_found');
    expect(refused(s, { type: 'spotlight', fingerprint: 'far' }, T0)).toBe('forbidden');
    expect(refused(s, { type: 'tour.play', id: 'nope' }, T0)).toBe('not_found');
    expect(refused(s, { type: 'tour.pause' }, T0)).toBe('invalid');
    expect(refused(s, { type: 'replay.pause' }, T0)).toBe('invalid');
  });
});

describe('tours', () => {
  it('plays its steps for their dwell, loops, and a looping tour wraps on next/prev', () => {
    let s = playing('loop');
    expect(s.view.scene).toBe('yanta');
    expect(s.tour).toEqual({
      id: 'loop',
      index: 0,
      playing: true,
      endsAt: T0 + 30 * S,
      remainingMs: 30 * S,
      pausedBy: null,
    });
    expect(s.alertsSince).toBe(T0);
    // nothing due: the same object
    expect(adv(s, T0 + 29 * S)).toBe(s);
    s = adv(s, T0 + 30 * S);
    expect(s.view.scene).toBe('weiyang');
    expect(s.tour).toMatchObject({ index: 1, endsAt: T0 + 90 * S });
    // a late tick: the next step starts from its due time
    s = adv(s, T0 + 95 * S);
    expect(s.view.scene).toBe('yanta');
    expect(s.tour).toMatchObject({ index: 0, endsAt: T0 + 120 * S });
    s = run(s, { type: 'tour.prev' }, T0 + 100 * S);
    expect(s.tour).toMatchObject({ index: 1, playing: true, endsAt: T0 + 160 * S });
    s = run(s, { type: 'tour.next' }, T0 + 101 * S);
    expect(s.tour).toMatchObject({ index: 0, endsAt: T0 + 131 * S });
    expect(s.view.scene).toBe('yanta');
  });

  it('a tour that does not loop stops on its last step; next/prev stay within it', () => {
    let s = playing('once');
    s = run(s, { type: 'tour.prev' }, T0);
    expect(s.tour!.index).toBe(0);
    s = run(s, { type: 'tour.next' }, T0 + 1 * S);
    s = run(s, { type: 'tour.next' }, T0 + 2 * S);
    expect(s.tour).toMatchObject({ index: 1, endsAt: T0 + 62 * S });
    s = adv(s, T0 + 62 * S);
    expect(s.tour).toMatchObject({ index: 1, playing: false, endsAt: null, remainingMs: 0, pausedBy: null });
    expect(s.view.scene).toBe('weiyang');
    expect(adv(s, T0 + 600 * S)).toBe(s);
    s = run(s, { type: 'tour.stop' }, T0 + 601 * S);
    expect(s.tour).toBeNull();
  });

  it('the presenter pauses and resumes with the dwell left', () => {
    let s = playing('loop');
    s = run(s, { type: 'tour.pause' }, T0 + 10 * S);
    expect(s.tour).toMatchObject({ playing: false, endsAt: null, remainingMs: 20 * S, pausedBy: 'presenter' });
    expect(adv(s, T0 + 100 * S)).toBe(s);
    s = run(s, { type: 'tour.resume' }, T0 + 100 * S);
    expect(s.tour).toMatchObject({ playing: true, endsAt: T0 + 120 * S, pausedBy: null });
  });

  it('a manual command pauses a playing tour (manual); resume brings back its scene for the dwell left', () => {
    let s = playing('loop');
    s = run(s, { type: 'region', region: '610100' }, T0 + 12 * S);
    expect(s.view).toMatchObject({ region: '610100', scene: null });
    expect(s.tour).toMatchObject({ playing: false, endsAt: null, remainingMs: 18 * S, pausedBy: 'manual' });
    // time passes: a paused tour does not move
    expect(adv(s, T0 + 500 * S)).toBe(s);
    s = run(s, { type: 'tour.resume' }, T0 + 500 * S);
    expect(s.view.scene).toBe('yanta');
    // the remaining dwell, not the full 30 s
    expect(s.tour).toMatchObject({ index: 0, playing: true, endsAt: T0 + 518 * S, pausedBy: null });
    s = adv(s, T0 + 518 * S);
    expect(s.tour!.index).toBe(1);
  });

  it('lang is an override, not a picture: the tour keeps playing and the scenes take it', () => {
    let s = playing('loop');
    s = run(s, { type: 'lang', lang: 'en' }, T0 + 5 * S);
    expect(s.tour).toMatchObject({ playing: true, endsAt: T0 + 30 * S, pausedBy: null });
    expect(s.view).toMatchObject({ lang: 'en', scene: 'yanta' });
    s = adv(s, T0 + 30 * S);
    expect(s.view).toMatchObject({ scene: 'weiyang', lang: 'en' });
    s = run(s, { type: 'scene', id: 'city' }, T0 + 31 * S);
    expect(s.view.lang).toBe('en');
    s = run(s, { type: 'lang', lang: 'zh' }, T0 + 32 * S);
    expect(s.view.lang).toBe('zh');
  });

  it('a tour whose scene leaves the scope cannot be played', () => {
    const r = applyCommand(room(), { type: 'tour.play', id: 'loop' }, ctx(T0, '610113'));
    expect(r.ok ? null : r.reason).toBe('forbidden');
  });
});

describe('tourRegion', () => {
  it('is the deepest region holding every scene', () => {
    expect(tourRegion(TOURS.loop!, library)).toBe('610100');
    expect(tourRegion(tour('x', { steps: [{ scene: 'yanta', dwellS: 5 }] }), library)).toBe('610113');
    expect(commonRegion('610113', '610300')).toBe('610000');
    expect(tourRegion(tour('x', { steps: [{ scene: 'gone', dwellS: 5 }] }), library)).toBeNull();
  });
});

describe('alert takeovers', () => {
  it('a new red alert in the region takes over, holds at least 20 s, then the tour resumes with its dwell left', () => {
    let s = playing('loop');
    const a = red('a1', { startsAt: T0 + 5 * S });
    s = adv(s, T0 + 10 * S, [a]);
    expect(s.takeover).toMatchObject({
      fingerprint: 'a1',
      region: '610113',
      startedAt: T0 + 10 * S,
      minUntil: T0 + 10 * S + TAKEOVER_MIN_MS,
      until: T0 + 70 * S,
    });
    expect(s.takeover!.previous.scene).toBe('yanta');
    expect(s.view).toMatchObject({ region: '610113', spotlight: { fingerprint: 'a1', region: '610113' }, scene: null });
    expect(s.tour).toMatchObject({ playing: false, remainingMs: 20 * S, pausedBy: 'takeover' });
    expect(s.recentTakeovers).toEqual({ 'rule-a1': T0 + 10 * S });
    // resolved at once: the takeover still holds its minimum
    const gone = { ...a, active: false };
    expect(adv(s, T0 + 15 * S, [gone])).toBe(s);
    expect(adv(s, T0 + 29 * S, [gone]).takeover).not.toBeNull();
    s = adv(s, T0 + 30 * S, [gone]);
    expect(s.takeover).toBeNull();
    expect(s.view.scene).toBe('yanta');
    expect(s.tour).toMatchObject({ index: 0, playing: true, endsAt: T0 + 50 * S, pausedBy: null });
  });

  it('a still firing alert holds the room until takeoverS, and never longer than 120 s', () => {
    let s = playing('loop');
    const a = red('a1');
    s = adv(s, T0 + 2 * S, [a]);
    expect(adv(s, T0 + 61 * S, [a]).takeover).not.toBeNull();
    s = adv(s, T0 + 62 * S, [a]);
    expect(s.takeover).toBeNull();
    expect(s.tour).toMatchObject({ playing: true, endsAt: T0 + 62 * S + 28 * S });
    // it does not take over again (the same alert: not new for that rule within the gap)
    expect(adv(s, T0 + 63 * S, [a]).takeover).toBeNull();

    let l = playing('long');
    l = adv(l, T0 + 2 * S, [a]);
    expect(l.takeover!.until - l.takeover!.startedAt).toBe(TAKEOVER_MAX_MS);
  });

  it('alerts outside the region, not red, not active, or older than the tour never take over', () => {
    const s = playing('loop', T0 + 10 * S);
    const none = [
      red('out', { region: '610300' }),
      red('orange', { severity: 'orange', startsAt: T0 + 20 * S }),
      red('acked', { active: false, startsAt: T0 + 20 * S }),
      red('old', { startsAt: T0 + 9 * S }),
      red('nostart', { startsAt: null }),
    ];
    expect(adv(s, T0 + 20 * S, none)).toBe(s);
  });

  it('one rule at most once per 5 minutes', () => {
    let s = playing('loop');
    s = adv(s, T0 + 2 * S, [red('a1', { rule: 'r' })]);
    s = adv(s, T0 + 22 * S, []);
    expect(s.takeover).toBeNull();
    // another alert of the rule (another county, same rule) within the gap
    const again = red('a2', { rule: 'r', startsAt: T0 + 30 * S });
    expect(adv(s, T0 + 40 * S, [again]).takeover).toBeNull();
    const later = adv(s, T0 + 2 * S + TAKEOVER_RULE_GAP_MS, [again]);
    expect(later.takeover?.fingerprint).toBe('a2');
  });

  it('two at once queue by severity then time; the second follows the first, then the tour resumes', () => {
    let s = playing('loop');
    const first = red('a1', { startsAt: T0 + 1 * S });
    const second = red('a2', { startsAt: T0 + 3 * S, region: '610112', regionName: '未央区' });
    s = adv(s, T0 + 5 * S, [second, first]);
    expect(s.takeover!.fingerprint).toBe('a1');
    expect(s.queue.map((q) => q.fingerprint)).toEqual(['a2']);
    s = adv(s, T0 + 25 * S, [{ ...first, active: false }, second]);
    expect(s.takeover).toMatchObject({ fingerprint: 'a2', startedAt: T0 + 25 * S, region: '610112' });
    // the view it gives back is the tour's, not the first takeover's
    expect(s.takeover!.previous.scene).toBe('yanta');
    expect(s.queue).toEqual([]);
    s = adv(s, T0 + 45 * S, [
      { ...first, active: false },
      { ...second, active: false },
    ]);
    expect(s.takeover).toBeNull();
    expect(s.view.scene).toBe('yanta');
    expect(s.tour).toMatchObject({ playing: true, endsAt: T0 + 45 * S + 25 * S });
  });

  it('a queued alert that stops firing leaves the queue', () => {
    let s = playing('loop');
    s = adv(s, T0 + 5 * S, [red('a1'), red('a2', { startsAt: T0 + 2 * S })]);
    expect(s.queue).toHaveLength(1);
    s = adv(s, T0 + 6 * S, [red('a1'), red('a2', { active: false })]);
    expect(s.queue).toEqual([]);
  });

  it('a manual command ends a takeover and the tour stays paused (manual); no takeover follows', () => {
    let s = playing('loop');
    s = adv(s, T0 + 5 * S, [red('a1'), red('a2', { startsAt: T0 + 2 * S })]);
    s = run(s, { type: 'region', region: '610100' }, T0 + 8 * S);
    expect(s.takeover).toBeNull();
    expect(s.queue).toEqual([]);
    expect(s.view.region).toBe('610100');
    expect(s.tour).toMatchObject({ playing: false, pausedBy: 'manual', remainingMs: 25 * S });
    expect(adv(s, T0 + 9 * S, [red('a3', { startsAt: T0 + 9 * S })])).toBe(s);
    s = run(s, { type: 'tour.resume' }, T0 + 10 * S);
    expect(s.tour).toMatchObject({ playing: true, endsAt: T0 + 35 * S });
  });

  it('a tour without takeover is never taken over, nor a room without a tour or replaying', () => {
    const q = playing('quiet');
    expect(adv(q, T0 + 5 * S, [red('a1')])).toBe(q);
    const bare = run(room(), { type: 'region', region: '610113' }, T0);
    expect(adv(bare, T0 + 5 * S, [red('a1')])).toBe(bare);
    const replaying = run(playing('loop'), { type: 'replay.start', from: T0 - H, to: T0 - 1, speed: 60 }, T0);
    expect(adv(replaying, T0 + 5 * S, [red('a1')]).takeover).toBeNull();
  });

  it('the presenter pausing the tour during a takeover: the takeover still ends, the tour stays paused', () => {
    let s = playing('loop');
    const a = red('a1');
    s = adv(s, T0 + 5 * S, [a]);
    s = run(s, { type: 'tour.pause' }, T0 + 6 * S);
    expect(s.tour!.pausedBy).toBe('presenter');
    expect(s.takeover).not.toBeNull();
    s = adv(s, T0 + 65 * S, [a]);
    expect(s.takeover).toBeNull();
    expect(s.view.scene).toBe('yanta');
    expect(s.tour).toMatchObject({ playing: false, pausedBy: 'presenter', remainingMs: 25 * S });
  });

  it("the room's language during a takeover stays when the takeover gives the view back", () => {
    let s = playing('loop');
    s = adv(s, T0 + 5 * S, [red('a1')]);
    s = run(s, { type: 'lang', lang: 'en' }, T0 + 6 * S);
    expect(s.takeover).not.toBeNull();
    expect(s.view.lang).toBe('en');
    s = adv(s, T0 + 25 * S, [red('a1', { active: false })]);
    expect(s.takeover).toBeNull();
    expect(s.view).toMatchObject({ scene: 'yanta', lang: 'en' });
  });

  it('tour.next during a takeover ends it and the tour plays its next step', () => {
    let s = playing('loop');
    s = adv(s, T0 + 5 * S, [red('a1')]);
    s = run(s, { type: 'tour.next' }, T0 + 6 * S);
    expect(s.takeover).toBeNull();
    expect(s.view.scene).toBe('weiyang');
    expect(s.tour).toMatchObject({ index: 1, playing: true, endsAt: T0 + 66 * S, pausedBy: null });
    expect(adv(s, T0 + 66 * S, [red('a1', { active: false })]).tour!.index).toBe(0);
  });

  it('tour.stop or a replay during a takeover gives the view back', () => {
    let s = playing('loop');
    s = adv(s, T0 + 5 * S, [red('a1')]);
    const stopped = run(s, { type: 'tour.stop' }, T0 + 6 * S);
    expect(stopped).toMatchObject({ tour: null, takeover: null });
    expect(stopped.view.scene).toBe('yanta');
    const replay = run(s, { type: 'replay.start', from: T0 - H, to: T0, speed: 16 }, T0 + 6 * S);
    expect(replay.takeover).toBeNull();
    expect(replay.view.scene).toBe('yanta');
    expect(replay.tour).toMatchObject({ playing: true, endsAt: T0 + 6 * S + 25 * S });
  });
});

describe('replay', () => {
  const now = T0 + 100 * H;
  it('starts only with a listed speed, a window of at most 36 h that begins in the past', () => {
    const s = room();
    const start = (from: number, to: number, speed: number) =>
      refused(s, { type: 'replay.start', from, to, speed } as ControlCommand, now);
    expect(start(now - H, now - 1, 5)).toBe('invalid');
    // a window ending after now (the tablet's clock ahead) ends now; one beginning after now is refused
    expect(start(now - H, now + 5000, 60)).toBeNull();
    expect(run(s, { type: 'replay.start', from: now - H, to: now + 5000, speed: 60 }, now).replay?.to).toBe(now);
    expect(start(now + 1, now + H, 60)).toBe('invalid');
    expect(start(now - H, now - H, 60)).toBe('invalid');
    expect(start(now - 2 * H, now - 3 * H, 60)).toBe('invalid');
    expect(start(now - REPLAY_MAX_WINDOW_MS - 2, now - 1, 60)).toBe('invalid');
    expect(start(now - REPLAY_MAX_WINDOW_MS, now, 288)).toBeNull();
    for (const speed of [1, 4, 16, 60, 288]) expect(start(now - H, now - 1, speed)).toBeNull();
  });

  it('replayed time: speed, pause, seek and speed changes, clamped to the window', () => {
    const from = now - 10 * H;
    const to = now - 4 * H;
    let s = run(room(), { type: 'replay.start', from, to, speed: 60 }, now);
    expect(s.replay).toEqual({ from, to, speed: 60, playing: true, at: from, anchorAt: now });
    expect(replayTimeAt(s.replay!, now + 10 * S)).toBe(from + 600 * S);
    s = run(s, { type: 'replay.pause' }, now + 10 * S);
    expect(replayTimeAt(s.replay!, now + 1000 * S)).toBe(from + 600 * S);
    s = run(s, { type: 'replay.speed', speed: 4 }, now + 20 * S);
    expect(s.replay).toMatchObject({ playing: false, speed: 4, at: from + 600 * S });
    s = run(s, { type: 'replay.resume' }, now + 30 * S);
    expect(replayTimeAt(s.replay!, now + 40 * S)).toBe(from + 640 * S);
    s = run(s, { type: 'replay.speed', speed: 288 }, now + 40 * S);
    expect(replayTimeAt(s.replay!, now + 50 * S)).toBe(from + 640 * S + 2880 * S);
    s = run(s, { type: 'replay.seek', at: from - H }, now + 50 * S);
    expect(replayTimeAt(s.replay!, now + 50 * S)).toBe(from);
    s = run(s, { type: 'replay.seek', at: to + H }, now + 60 * S);
    expect(replayTimeAt(s.replay!, now + 60 * S)).toBe(to);
    // clamped while playing past the end; advance stops it on the last picture
    expect(replayTimeAt(s.replay!, now + 1000 * S)).toBe(to);
    s = adv(s, now + 61 * S);
    expect(s.replay).toMatchObject({ playing: false, at: to });
    // resume at the end starts over
    s = run(s, { type: 'replay.resume' }, now + 70 * S);
    expect(s.replay).toMatchObject({ playing: true, at: from, anchorAt: now + 70 * S });
    s = run(s, { type: 'replay.stop' }, now + 71 * S);
    expect(s.replay).toBeNull();
  });
});

describe('pairing codes', () => {
  it('rotate every PAIRING_CODE_TTL_MS until the request ends', () => {
    let s: RoomState = {
      ...room(),
      pairing: {
        code: '123456',
        expiresAt: T0 + PAIRING_CODE_TTL_MS,
        until: T0 + 150 * S,
        by: '王市',
        region: '610100',
      },
    };
    expect(adv(s, T0 + PAIRING_CODE_TTL_MS - 1)).toBe(s);
    codeN = 41;
    s = adv(s, T0 + PAIRING_CODE_TTL_MS);
    expect(s.pairing).toEqual({
      code: '000042',
      expiresAt: T0 + 2 * PAIRING_CODE_TTL_MS,
      until: T0 + 150 * S,
      by: '王市',
      region: '610100',
    });
    s = adv(s, T0 + 2 * PAIRING_CODE_TTL_MS);
    expect(s.pairing!.code).toBe('000043');
    s = adv(s, T0 + 3 * PAIRING_CODE_TTL_MS);
    expect(s.pairing).toBeNull();
  });
});

describe('scope of the tour and replay commands', () => {
  it('resuming or stepping a tour onto a region outside the sender’s scope is refused', () => {
    // a city operator's tour, paused on 雁塔; a 未央 (610112) operator took control
    let s = run(initialRoom('hall', T0), { type: 'tour.play', id: 'loop' }, T0);
    s = run(s, { type: 'tour.pause' }, T0 + S);
    expect(refused(s, { type: 'tour.resume' }, T0 + 2 * S, '610112')).toBe('forbidden');
    expect(refused(s, { type: 'tour.prev' }, T0 + 2 * S, '610112')).toBeNull(); // to 未央: its own
    expect(refused(s, { type: 'tour.resume' }, T0 + 2 * S, '610113')).toBeNull();
  });

  it('a replay of a picture outside the sender’s scope is refused', () => {
    const s = run(initialRoom('hall', T0), { type: 'region', region: '610113' }, T0);
    const cmd: ControlCommand = { type: 'replay.start', from: T0 - H, to: T0 - 1, speed: 60 };
    expect(refused(s, cmd, T0 + S, '610112')).toBe('forbidden');
    expect(refused(s, cmd, T0 + S, '610113')).toBeNull();
  });

  it('a tour deleted during a takeover stops, and the view the takeover replaced comes back', () => {
    let s = run(initialRoom('hall', T0), { type: 'tour.play', id: 'loop' }, T0);
    s = adv(s, T0 + 2 * S, [red('fp1', { region: '610100', regionName: '西安市' })]);
    expect(s.takeover).not.toBeNull();
    const gone = advance(s, {
      now: T0 + 3 * S,
      library: { scene: library.scene, tour: () => undefined },
      alerts: [],
      newCode: () => '000000',
    });
    expect(gone.tour).toBeNull();
    expect(gone.takeover).toBeNull();
    expect(gone.view.region).toBe('610113');
    expect(gone.view.spotlight).toBeNull();
  });
});
