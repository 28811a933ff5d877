// The generic record merge rule (schema.ts mergeRecord), family by family.
import { describe, expect, it } from 'vitest';
import { mergeRecord } from '../../../server/aggregate/schema.ts';
import type { DevelopmentCase, FloatingRecord, TransferCase } from '../../../server/aggregate/schema.ts';

const perms = <T>(xs: T[]): T[][] =>
  xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

describe('mergeRecord', () => {
  it('transfer: the latest stage by ts (ties: later in the pipeline), opened at the earliest ts, in every arrival order', () => {
    const steps: TransferCase[] = [
      { org: 'a', dest: 'r:440100', stage: 'applied', ts: 100, openedTs: 100 },
      { org: 'a', dest: 'r:440100', stage: 'approved', ts: 200, openedTs: 200 },
      { org: 'a', dest: 'r:440100', stage: 'received', ts: 300, openedTs: 300 },
      { org: 'a', dest: 'r:440100', stage: 'completed', ts: 300, openedTs: 300 },
    ];
    for (const order of perms(steps)) {
      let c: TransferCase | undefined;
      for (const s of order) c = mergeRecord('transfer', c, s);
      expect(c).toEqual({ org: 'a', dest: 'r:440100', stage: 'completed', ts: 300, openedTs: 100 });
    }
  });

  it('development: the latest stage by ts (ties: later stage) in every arrival order', () => {
    const steps: DevelopmentCase[] = [
      { org: 'a', stage: 'applicant', since: '2022-03-01', ts: 100 },
      { org: 'a', stage: 'activist', since: '2022-10-01', ts: 200 },
      { org: 'b', stage: 'candidate', since: '2023-11-01', ts: 300 },
      { org: 'b', stage: 'probationary', since: '2024-06-01', ts: 300 },
    ];
    for (const order of perms(steps)) {
      let c: DevelopmentCase | undefined;
      for (const s of order) c = mergeRecord('development', c, s);
      expect(c).toEqual(steps[3]);
    }
  });

  it.each([
    ['a later check-in wins', 200, 'b'],
    ['an equal ts wins too (the later arrival)', 100, 'b'],
    ['an earlier one is ignored', 50, 'a'],
  ])('floating: %s', (_, ts, org) => {
    const prev: FloatingRecord = { org: 'a', ts: 100, cell: 'x' };
    expect(mergeRecord('floating', prev, { org: 'b', ts, cell: 'y' }).org).toBe(org);
  });

  it('never modifies a record in place: an unchanged merge returns prev itself', () => {
    const prev: TransferCase = Object.freeze({ org: 'a', dest: 'o:x', stage: 'approved', ts: 200, openedTs: 100 });
    expect(mergeRecord('transfer', prev, { org: 'a', dest: 'o:x', stage: 'applied', ts: 150, openedTs: 150 })).toBe(
      prev,
    );
    expect(mergeRecord('transfer', prev, { org: 'a', dest: 'o:x', stage: 'applied', ts: 50, openedTs: 50 })).toEqual({
      ...prev,
      openedTs: 50,
    });
  });
});
