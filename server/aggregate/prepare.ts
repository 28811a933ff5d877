// Engine-neutral per-event preparation done in Node before an event touches any store:
// mask the name (raw names are never stored), the H3 cell of a check-in, the ticker item.
import { latLngToCell } from 'h3-js';
import type { NormalizedEvent } from '../contract/index.ts';
import { hash64Hex } from './hash.ts';
import { maskName } from './mask.ts';
import { TICKER_TYPES, type StoredTickerItem } from './model.ts';
import { FLOATING_CELL_RESOLUTION } from './schema.ts';

/**
 * Masks the event's name in place and returns it: the store owns accepted events, and a
 * copy per event was a measurable share of ingest time. Idempotent.
 */
export function maskEvent(ev: NormalizedEvent): NormalizedEvent {
  if ('name' in ev && ev.name !== undefined) (ev as { name?: string }).name = maskName(ev.name);
  return ev;
}

function assertNever(x: never): never {
  throw new Error(`unhandled event type ${JSON.stringify((x as { type?: unknown }).type)}`);
}

export function cellOf(lng: number, lat: number): string {
  return latLngToCell(lat, lng, FLOATING_CELL_RESOLUTION);
}

/** The ticker item of a notable event (its name already masked), else null. */
export function tickerItemOf(ev: NormalizedEvent): StoredTickerItem | null {
  if (!TICKER_TYPES.has(ev.type)) return null;
  const who = 'name' in ev && ev.name !== undefined ? ev.name : null;
  const base = { id: hash64Hex(ev.id), ts: ev.ts, type: ev.type, org: ev.org, who };
  switch (ev.type) {
    case 'study.completed':
      return { ...base, detail: { course: ev.course, minutes: ev.minutes } };
    case 'exam.submitted':
      return { ...base, detail: { exam: ev.exam, score: ev.score, passed: ev.passed } };
    case 'meeting.held':
      return { ...base, detail: { kind: ev.kind, attendees: ev.attendees, expected: ev.expected } };
    case 'transfer.updated':
      return { ...base, detail: { stage: ev.stage } };
    case 'points.awarded':
      return { ...base, detail: { points: ev.points, reason: ev.reason } };
    case 'development.stage':
      return { ...base, detail: { developmentStage: ev.stage } };
    case 'member.checkin':
    case 'member.active':
    case 'dues.paid':
      return null;
    default:
      return assertNever(ev);
  }
}

export function* tickerItems(events: Iterable<NormalizedEvent>): Generator<StoredTickerItem> {
  for (const ev of events) {
    const item = tickerItemOf(ev);
    if (item) yield item;
  }
}
