// `mock events` without --start: the latest N events before the hour, at any simulated hour.
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../server/contract/events.ts';
import { buildPopulation } from '../../mock/population.ts';
import { eventStream, tsOf } from '../../mock/stream.ts';
import { alignedEnd, eventsWindow, MAX_SPAN_DAYS } from '../../mock/tail.ts';
import { DAY_MS, SIMULATED_NOWS, SMALL_ROSTER } from './fixtures.ts';

const pop = buildPopulation(SMALL_ROSTER, 42);
const SCALE = 20;

function printed(count: number, nowMs: number, scale?: number): IngestEvent[] {
  const w = eventsWindow(pop, count, nowMs, scale);
  const out: IngestEvent[] = [];
  let skip = w.skip;
  for (const ev of eventStream({ pop, startMs: w.startMs, endMs: w.endMs, scale: w.scale })) {
    if (skip-- > 0) continue;
    out.push(ev);
    if (out.length === count) break;
  }
  return out;
}

describe.each(SIMULATED_NOWS)('events without --start at %s', (iso) => {
  const nowMs = Date.parse(iso);

  it('ends before the start of the hour: nothing after now, however quiet the hour', () => {
    const events = printed(3000, nowMs, SCALE);
    expect(events.length).toBe(3000);
    const ts = events.map(tsOf);
    expect(alignedEnd(nowMs)).toBeLessThanOrEqual(nowMs);
    expect(nowMs - alignedEnd(nowMs)).toBeLessThan(3600_000);
    expect(Math.max(...ts)).toBeLessThan(alignedEnd(nowMs));
    expect(Math.min(...ts)).toBeGreaterThan(nowMs - 2 * DAY_MS);
  });

  it('is exactly the last N lines of the stream before the hour', () => {
    const end = alignedEnd(nowMs);
    // the oracle: a longer stream ending at the same instant, its tail
    const longer = [...eventStream({ pop, startMs: end - 2 * DAY_MS, endMs: end, scale: SCALE })];
    const tail = longer.slice(-3000).map((e) => JSON.stringify(e));
    expect(printed(3000, nowMs, SCALE).map((e) => JSON.stringify(e))).toEqual(tail);
  });

  it('gives the same bytes a second later in the same hour, other bytes an hour later', () => {
    const a = JSON.stringify(printed(500, nowMs, SCALE));
    expect(JSON.stringify(printed(500, nowMs + 1000, SCALE))).toBe(a);
    expect(JSON.stringify(printed(500, nowMs + 3600_000, SCALE))).not.toBe(a);
  });

  it('makes a large count busier instead of reaching past the retention', () => {
    const w = eventsWindow(pop, 2_000_000, nowMs);
    expect(w.scale).toBeGreaterThan(1);
    expect(w.endMs - w.startMs).toBeLessThan((MAX_SPAN_DAYS + 2) * DAY_MS);
    expect(w.endMs).toBeLessThanOrEqual(nowMs);
  });
});
