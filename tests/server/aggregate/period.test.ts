// Calendar periods in a zone (period.ts), table-tested across midnight, month and DST edges.
import { describe, expect, it } from 'vitest';
import { addDays, lastDays, ZonedClock } from '../../../server/aggregate/period.ts';

describe('ZonedClock', () => {
  const sh = new ZonedClock('Asia/Shanghai');
  it.each([
    ['2026-11-26T15:59:59.999Z', '2026-11-26', '2026-11', '2026-Q4', 23],
    ['2026-11-26T16:00:00.000Z', '2026-11-27', '2026-11', '2026-Q4', 0],
    ['2026-09-30T15:59:59.999Z', '2026-09-30', '2026-09', '2026-Q3', 23],
    ['2026-09-30T16:00:00.000Z', '2026-10-01', '2026-10', '2026-Q4', 0],
    ['2026-12-31T16:00:00.000Z', '2027-01-01', '2027-01', '2027-Q1', 0],
    ['2024-02-29T03:00:00.000Z', '2024-02-29', '2024-02', '2024-Q1', 11],
  ])('Asia/Shanghai %s → %s %s %s h%i', (iso, day, month, quarter, hour) => {
    expect(sh.period(Date.parse(iso))).toEqual({ day, month, quarter, hour });
  });

  const ny = new ZonedClock('America/New_York');
  it.each([
    ['2026-03-08T06:59:59Z', '2026-03-08', 1], // EST, just before the spring-forward
    ['2026-03-08T07:00:00Z', '2026-03-08', 3], // EDT
    ['2026-11-01T05:59:59Z', '2026-11-01', 1], // EDT
    ['2026-11-01T06:00:00Z', '2026-11-01', 1], // EST again: 01:00 twice
    ['2026-11-02T04:59:59Z', '2026-11-01', 23],
  ])('America/New_York across DST %s → %s h%i (offset cached per UTC hour)', (iso, day, hour) => {
    const p = ny.period(Date.parse(iso));
    expect([p.day, p.hour]).toEqual([day, hour]);
  });

  it('does calendar arithmetic on day keys', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(lastDays('2026-11-27', 3)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  });
});
