// The alert service (server/alerts/service.ts) over one store: two services stand for two
// processes (compare-and-set on the version, none loses the other's change), a restart
// continues the state, a refusal stores nothing, walls see who acknowledged but no comment.
import { describe, expect, it } from 'vitest';
import { AlertRefusedError, type RuleEvaluation } from '../../../server/alerts/lifecycle.ts';
import { DEFAULT_ALERT_RULES } from '../../../server/alerts/rules.ts';
import { AlertService, MemoryAlertStateStore, type AlertStateStore } from '../../../server/alerts/service.ts';

const MIN = 60_000;
const COUNTY = '610113';
const TOWNSHIP = '610113001';
const NAMES: Record<string, string> = { '610100': '西安市', [COUNTY]: '雁塔区', [TOWNSHIP]: '小寨路街道' };

/** 04:00 Beijing and 15:30 Beijing: nothing here depends on the hour */
describe.each([
  ['04:00', Date.parse('2026-12-01T20:00:00Z')],
  ['15:30', Date.parse('2026-12-02T07:30:00Z')],
])('AlertService at %s', (_n, start) => {
  const setup = (store: AlertStateStore = new MemoryAlertStateStore()) => {
    let now = start;
    const mk = () =>
      new AlertService({
        rules: DEFAULT_ALERT_RULES,
        clock: () => now,
        store,
        regionName: (c) => NAMES[c] ?? c,
        retentionMs: 90 * 24 * 60 * MIN,
      });
    return { store, a: mk(), b: mk(), mk, advance: (ms: number) => (now += ms), at: () => now };
  };
  const overdue = (value: number, region = COUNTY): RuleEvaluation => ({
    rule: 'transfers-overdue',
    samples: [{ region, value, active: value > 0, threshold: 0, ...(value >= 5 ? { severity: 'red' as const } : {}) }],
  });

  async function firing(s: ReturnType<typeof setup>) {
    await s.a.evaluate([overdue(6)]);
    s.advance(10 * MIN);
    await s.a.evaluate([overdue(6)]);
    const fp = `transfers-overdue:${COUNTY}`;
    expect(s.a.get(fp)).toMatchObject({ state: 'firing', severity: 'red', regionName: '雁塔区' });
    return fp;
  }

  it('walls follow wallVersion: an evaluation that changes only times leaves it; a value, an ack move it', async () => {
    const s = setup();
    const fp = await firing(s);
    const w = s.a.wallVersion;
    s.advance(MIN);
    await s.a.evaluate([overdue(6)]);
    expect(s.a.version).toBeGreaterThan(w);
    expect(s.a.wallVersion).toBe(w);
    s.advance(MIN);
    await s.a.evaluate([overdue(7)]);
    expect(s.a.wallVersion).toBe(s.a.version);
    const v = s.a.wallVersion;
    await s.a.ack(fp, '李县', '处理中');
    expect(s.a.wallVersion).toBeGreaterThan(v);
    // nothing firing and nothing changing: evaluations send nothing
    const quiet = setup();
    await quiet.a.evaluate([]);
    const q = quiet.a.wallVersion;
    quiet.advance(MIN);
    await quiet.a.evaluate([]);
    expect(quiet.a.wallVersion).toBe(q);
  });

  it('an acknowledgement on one process is seen by the other after a reload; neither change is lost', async () => {
    const s = setup();
    const fp = await firing(s);
    await s.b.reload();
    expect(s.b.get(fp)?.state).toBe('firing');
    // b acknowledges on the state it holds; a evaluates on a stale copy: the CAS reloads it
    await s.b.ack(fp, '王伟', '已联系雁塔区组织部');
    s.advance(MIN);
    await s.a.evaluate([overdue(7)]);
    expect(s.a.get(fp)).toMatchObject({ value: 7, ack: { by: '王伟', comment: '已联系雁塔区组织部' } });
    await s.b.reload();
    expect(s.b.version).toBe(s.a.version);
    expect(s.b.get(fp)?.value).toBe(7);
  });

  it('two changes at once on two processes: the compare-and-set keeps both', async () => {
    const s = setup();
    const fp = await firing(s);
    await s.b.reload();
    const before = s.a.version;
    // both load the same version before either saves: one save is refused and applied again
    await Promise.all([
      s.b.ack(fp, '王伟', 'mine'),
      s.a.evaluate([overdue(9)]),
      s.b.silence(
        { matchers: { region: COUNTY, descendants: false, rule: 'dues-low' }, endsAt: s.at() + MIN, comment: '' },
        '李娜',
      ),
    ]);
    await s.a.reload();
    await s.b.reload();
    expect(s.a.version).toBe(before + 3);
    expect(s.a.get(fp)).toMatchObject({ value: 9, ack: { by: '王伟' } });
    expect(s.a.silences()).toHaveLength(1);
    expect(s.b.version).toBe(s.a.version);
  });

  it('a restart continues the state: versions, acks, silences', async () => {
    const s = setup();
    const fp = await firing(s);
    await s.a.ack(fp, '王伟', 'on it');
    const silence = await s.a.silence(
      { matchers: { region: COUNTY, descendants: true, rule: 'out-of-contact' }, untilResolved: true, comment: 'x' },
      '王伟',
    );
    const restarted = s.mk();
    expect(restarted.list()).toEqual([]);
    await restarted.reload();
    expect(restarted.version).toBe(s.a.version);
    expect(restarted.get(fp)?.ack?.by).toBe('王伟');
    expect(restarted.silences().map((x) => x.id)).toEqual([silence.id]);
    expect(restarted.evaluatedAt).toBe(s.a.evaluatedAt);
  });

  it('a refusal stores nothing', async () => {
    const s = setup();
    const fp = await firing(s);
    const v = s.a.version;
    await expect(s.a.ack('transfers-overdue:610199', 'x', '')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.a.expireSilence('s99', 'x')).rejects.toBeInstanceOf(AlertRefusedError);
    expect(s.a.version).toBe(v);
    // resolved: 409 for the route
    await s.a.evaluate([overdue(0)]);
    s.advance(5 * MIN);
    await s.a.evaluate([overdue(0)]);
    expect(s.a.get(fp)?.state).toBe('resolved');
    await expect(s.a.ack(fp, 'x', '')).rejects.toMatchObject({ code: 'resolved' });
  });

  it('walls: who acknowledged, never the comment; silenced and inhibited alerts are not shown', async () => {
    const s = setup();
    const fp = await firing(s);
    await s.a.ack(fp, '王伟', '私人电话 138…');
    const panel = s.a.panel('610100');
    expect(panel.alerts).toHaveLength(1);
    expect(panel.alerts[0]!.ack).toEqual({ by: '王伟', at: s.at() });
    expect(JSON.stringify(panel)).not.toContain('138');
    expect(panel.alerts[0]!.message.zh).toBe('雁塔区有6件组织关系转接超期未办结');
    expect(panel.evaluatedAt).toBe(s.a.evaluatedAt);
    // a township alert under the firing county is inhibited
    await s.a.evaluate([
      { rule: 'transfers-overdue', samples: [overdue(6).samples[0]!, overdue(2, TOWNSHIP).samples[0]!] },
    ]);
    expect(s.a.list({ region: COUNTY }).map((x) => [x.region, x.inhibitedBy])).toEqual([
      [COUNTY, null],
      [TOWNSHIP, fp],
    ]);
    expect(s.a.panel('610100').alerts.map((x) => x.region)).toEqual([COUNTY]);
    await s.a.silence({ matchers: { region: COUNTY, descendants: false }, untilResolved: true, comment: '' }, '王伟');
    expect(s.a.panel('610100').alerts).toEqual([]);
    expect(s.a.get(fp)?.silencedBy).toHaveLength(1);
  });

  it('history: transitions and actions, oldest first', async () => {
    const s = setup();
    const fp = await firing(s);
    await s.a.ack(fp, '王伟', 'ok');
    await s.a.unack(fp, '李娜');
    expect((await s.a.history(fp)).map((e) => [e.event, e.by ?? null])).toEqual([
      ['pending', null],
      ['firing', null],
      ['ack', '王伟'],
      ['unack', '李娜'],
    ]);
  });

  it('listeners hear every change; the query filters by state, severity, region', async () => {
    const s = setup();
    let heard = 0;
    s.b.onChange(() => heard++);
    await firing(s);
    await s.b.reload();
    expect(heard).toBe(1);
    expect(s.a.list({ state: 'firing', severity: 'red', region: '610100' })).toHaveLength(1);
    expect(s.a.list({ region: '610112' })).toHaveLength(0);
    expect(s.a.list({ severity: 'yellow' })).toHaveLength(0);
  });
});
