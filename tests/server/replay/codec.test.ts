// The replay's records: a keyframe and a patch against it give back the snapshot exactly,
// nulls included (a merge patch alone would lose them).
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../server/contract/index.ts';
import { keyframeBody, maskSnapshot, patchBody, readKeyframe, restore, unpack } from '../../../server/replay/codec.ts';
import { KPI, snapshot, tickerItem } from '../lib/fixtures.ts';

const plain = (s: Snapshot): unknown => JSON.parse(JSON.stringify(s));

const base = snapshot();
const CASES: [name: string, next: Snapshot][] = [
  ['unchanged', snapshot()],
  ['a figure changes', snapshot({ kpi: { ...KPI, learnersToday: 13 } })],
  ['a rate becomes null', snapshot({ kpi: { ...KPI, studyRateToday: null } })],
  [
    'a nested rate becomes null',
    snapshot({
      children: { ...base.children, '610113': { ...base.children['610113']!, kpi: { ...KPI, duesRateMonth: null } } },
    }),
  ],
  ['a child is gone', snapshot({ children: { '610113': base.children['610113']! } })],
  ['an array changes', snapshot({ study: { ...base.study, hourlyToday: [1, ...Array(23).fill(0)] } })],
  ['the ticker moves', snapshot({ ticker: [tickerItem('t3', 1_700_000_000_500), ...base.ticker.slice(0, 1)] })],
  ['asOf only', snapshot({ asOf: base.asOf + 60_000 })],
];

describe('replay codec', () => {
  it('a keyframe reads back as the snapshot', () => {
    const kf = readKeyframe(keyframeBody(maskSnapshot(base)));
    expect(restore(kf, { k: 1, z: '' })).toStrictEqual(plain(base));
  });

  it.each(CASES)('a patch restores exactly: %s', (_name, next) => {
    const kf = readKeyframe(keyframeBody(maskSnapshot(base)));
    const z = patchBody(kf, maskSnapshot(next));
    expect(restore(kf, { k: 0, z })).toStrictEqual(plain(next));
  });

  it('a null in the keyframe that gets a value, and back', () => {
    const withNull = snapshot({ kpi: { ...KPI, studyRateToday: null } });
    const kf = readKeyframe(keyframeBody(maskSnapshot(withNull)));
    expect(restore(kf, { k: 0, z: patchBody(kf, maskSnapshot(base)) })).toStrictEqual(plain(base));
    expect(restore(kf, { k: 0, z: patchBody(kf, maskSnapshot(withNull)) })).toStrictEqual(plain(withNull));
  });

  it('an unchanged snapshot is an empty patch, and a patch is much smaller than a keyframe', () => {
    const kf = maskSnapshot(base);
    expect(unpack(patchBody(kf, maskSnapshot(snapshot())))).toEqual({});
    const small = patchBody(kf, maskSnapshot(snapshot({ kpi: { ...KPI, onlineNow: 10 } })));
    expect(small.length * 4).toBeLessThan(keyframeBody(kf).length);
  });
});
