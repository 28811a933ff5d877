// Shared test data: the hand-written fixture snapshot and small frame builders.
import type { Frame, Snapshot, TickerItem } from '../../server/contract/index.ts';
import FIXTURE from '../fixtures/screen/snapshot-610100.json' with { type: 'json' };

/** a fresh deep copy of the hand-written fixture snapshot */
export function fixture(): Snapshot {
  return structuredClone(FIXTURE) as unknown as Snapshot;
}

export function item(id: string, ts: number, who: string | null = '张*明'): TickerItem {
  return {
    id,
    ts,
    type: 'study.completed',
    org: 'o1',
    orgName: '雁塔区电子城街道第一党支部',
    region: '610113',
    who,
    detail: { course: '党章', minutes: 30 },
  };
}

export function frame(seq: number, patch: Frame['patch'], ticker: TickerItem[] = [], region = '610100'): Frame {
  return { seq, region, asOf: 1_000_000 + seq, patch, ticker };
}
