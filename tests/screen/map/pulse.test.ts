import { describe, expect, it } from 'vitest';
import type { TickerItem } from '../../../server/contract/index.ts';
import { MAX_PULSES, ORG_PULSE_GAP_MS, pickPulses } from '../../../screen/src/map/pulse.ts';

const item = (id: string, org: string, ts: number) => ({ id, org, ts }) as unknown as TickerItem;

describe('pickPulses', () => {
  it('pulses the organisations of items newer than the last seen, once each', () => {
    const items = [item('c', 'o2', 30), item('b', 'o1', 20), item('a', 'o1', 10)];
    expect(pickPulses(items, 10, new Map(), 1000)).toEqual({ orgs: ['o2', 'o1'], newest: 30 });
    expect(pickPulses(items, 30, new Map(), 1000)).toEqual({ orgs: [], newest: 30 });
  });

  it('skips an organisation that pulsed recently', () => {
    const items = [item('a', 'o1', 20)];
    expect(pickPulses(items, 0, new Map([['o1', 1000]]), 1000 + ORG_PULSE_GAP_MS - 1).orgs).toEqual([]);
    expect(pickPulses(items, 0, new Map([['o1', 1000]]), 1000 + ORG_PULSE_GAP_MS).orgs).toEqual(['o1']);
  });

  it('caps a burst', () => {
    const items = Array.from({ length: 20 }, (_, i) => item(`i${i}`, `o${i}`, 100 + i));
    const pick = pickPulses(items, 0, new Map(), 0);
    expect(pick.orgs).toHaveLength(MAX_PULSES);
    expect(pick.newest).toBe(119);
  });
});
