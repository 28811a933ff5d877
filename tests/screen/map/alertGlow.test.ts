import { describe, expect, it } from 'vitest';
import type { AlertPanel, WallAlert } from '../../../server/contract/index.ts';
import { EMPTY_ALERT_PANEL } from '../../../server/contract/index.ts';
import { FRESH_GLOW_MEMORY, pickAlertGlows, type GlowMemory } from '../../../screen/src/map/alertGlow.ts';
import { wallAlert } from '../../fixtures/screen/alerting.ts';

const NOW = 1_700_000_000_000;
const CITY = '610100';
const COUNTIES = ['610102', '610111', '610113', '610124'];

const red = (fingerprint: string, region: string, over: Partial<WallAlert> = {}) =>
  wallAlert({ fingerprint, region, ...over }, NOW);
const panel = (alerts: WallAlert[], over: Partial<AlertPanel> = {}): AlertPanel => ({
  evaluatedAt: NOW,
  storm: false,
  firing: alerts.length,
  alerts,
  summaries: [],
  ...over,
});

/** feeds the panels in order, returns the regions each one lit */
function run(panels: AlertPanel[], region = CITY, visible = COUNTIES, memory: GlowMemory = FRESH_GLOW_MEMORY) {
  const lit: string[][] = [];
  let m = memory;
  for (const p of panels) {
    const pick = pickAlertGlows(m, p, region, visible);
    lit.push(pick.regions);
    m = pick.memory;
  }
  return { lit, memory: m };
}

describe('pickAlertGlows', () => {
  it('the first evaluated panel is a baseline: what already fires glows nothing', () => {
    const a = red('a', '610113');
    expect(run([panel([a])]).lit).toEqual([[]]);
  });

  it('panels before the first evaluation teach nothing: the first evaluated one is the baseline', () => {
    const a = red('a', '610113');
    // evaluatedAt 0 with alerts cannot happen on a server, but even so it is no baseline
    expect(run([EMPTY_ALERT_PANEL, panel([a], { evaluatedAt: 0 }), panel([a])]).lit).toEqual([[], [], []]);
    expect(run([EMPTY_ALERT_PANEL, panel([]), panel([a])]).lit).toEqual([[], [], ['610113']]);
  });

  it('a red alert that starts firing after the baseline lights its region once', () => {
    const a = red('a', '610113');
    expect(run([panel([]), panel([a]), panel([a]), panel([a])]).lit).toEqual([[], ['610113'], [], []]);
  });

  it('a fingerprint glows once per wall: resolved and firing again, it stays still', () => {
    const a = red('a', '610113');
    expect(run([panel([]), panel([a]), panel([]), panel([a])]).lit).toEqual([[], ['610113'], [], []]);
  });

  it('lights the visible child that contains the alert region (a township on a city wall)', () => {
    const a = red('a', '610113001');
    expect(run([panel([]), panel([a])]).lit[1]).toEqual(['610113']);
  });

  it('an alert on the wall region itself or outside the visible children lights nothing', () => {
    expect(run([panel([]), panel([red('a', CITY)])]).lit[1]).toEqual([]);
    expect(run([panel([]), panel([red('b', '610122')])]).lit[1]).toEqual([]);
  });

  it('two new alerts in one region light it once', () => {
    expect(run([panel([]), panel([red('a', '610113'), red('b', '610113002')])]).lit[1]).toEqual(['610113']);
  });

  it.each([
    ['orange', { severity: 'orange' as const }],
    ['yellow', { severity: 'yellow' as const }],
    ['acknowledged', { ack: { by: '张三', at: NOW } }],
    ['flapping', { flapping: true }],
    ['no data', { state: 'nodata' as const }],
  ])('%s alerts never glow', (_, over) => {
    expect(run([panel([]), panel([red('a', '610113', over)])]).lit[1]).toEqual([]);
  });

  it('flapping when first seen: it never glows later either', () => {
    const a = red('a', '610113', { flapping: true });
    const calm = red('a', '610113');
    expect(run([panel([]), panel([a]), panel([calm])]).lit).toEqual([[], [], []]);
  });

  it('no data first, firing later: it glows when it starts firing', () => {
    const nodata = red('a', '610113', { state: 'nodata' });
    expect(run([panel([]), panel([nodata]), panel([red('a', '610113')])]).lit).toEqual([[], [], ['610113']]);
  });

  it('a new region (a drill) is a baseline again', () => {
    const before = run([panel([])]);
    const town = red('t', '610113001');
    const after = run([panel([town])], '610113', ['610113001', '610113002'], before.memory);
    expect(after.lit).toEqual([[]]);
  });

  it('storm mode lights nothing, and the panel after it is a baseline', () => {
    const storm = panel([], { storm: true, firing: 25 });
    const a = red('a', '610113');
    const b = red('b', '610102');
    expect(run([panel([]), storm, panel([a]), panel([a, b])]).lit).toEqual([[], [], [], ['610102']]);
  });

  it('is pure: the memory passed in is not changed', () => {
    const memory: GlowMemory = { seen: new Set(['x']), region: CITY };
    pickAlertGlows(memory, panel([red('a', '610113')]), CITY, COUNTIES);
    expect([...memory.seen]).toEqual(['x']);
  });
});
