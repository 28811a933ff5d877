// Pre-generated simulator batches for load tests, and what each contributes to the linear
// KPIs, so that a benchmark can check the aggregates against the accepted events exactly.
// Every request rewrites the ids with a fresh prefix: the same body is new events each time.
import { validateEvent } from '../../../server/contract/validate.ts';
import type { IngestEvent, Org } from '../../../server/contract/index.ts';
import { scaleForRate, simulation } from '../../../mock/setup.ts';
import { eventStream } from '../../../mock/stream.ts';

export const ID_PLACEHOLDER = '~RUN~';
const DAY_MS = 86_400_000;

export interface Contribution {
  accepted: number;
  studyMinutesToday: number;
  examsToday: number;
  pointsMonth: number;
  meetingsMonth: number;
}
export const CONTRIBUTION_KEYS = ['studyMinutesToday', 'examsToday', 'pointsMonth', 'meetingsMonth'] as const;

export interface Template {
  /** the body split at the id placeholder: parts.join(prefix) is a new batch */
  parts: string[];
  events: number;
  /** the orgs its events name (the bench maps them to slot groups and shards) */
  orgs: string[];
  contribution: Contribution;
}

export interface BatchSet {
  roster: Org[];
  templates: Template[];
}

/** Calendar day and month of `ms` in a time zone, as comparable strings. */
function periods(timeZone: string): (ms: number) => { day: string; month: string } {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (ms) => {
    const day = fmt.format(ms);
    return { day, month: day.slice(0, 7) };
  };
}

/** What one copy of `events` adds to the linear KPIs of the whole area at time `nowMs`. */
export function contributionOf(
  events: IngestEvent[],
  roster: Org[],
  nowMs: number,
  timeZone = 'Asia/Shanghai',
): Contribution {
  const orgs = new Set(roster.map((o) => o.id));
  const ctx = { nowMs, retentionMs: 35 * DAY_MS, isKnownOrg: (o: string) => orgs.has(o) };
  const periodOf = periods(timeZone);
  const now = periodOf(nowMs);
  const seen = new Set<string>();
  const c: Contribution = { accepted: 0, studyMinutesToday: 0, examsToday: 0, pointsMonth: 0, meetingsMonth: 0 };
  events.forEach((raw, i) => {
    const v = validateEvent(raw, i, ctx);
    if (!v.ok || seen.has(v.event.id)) return;
    seen.add(v.event.id);
    c.accepted += 1;
    const p = periodOf(v.event.ts);
    const ev = v.event;
    if (ev.type === 'study.completed' && p.day === now.day) c.studyMinutesToday += ev.minutes;
    if (ev.type === 'exam.submitted' && p.day === now.day) c.examsToday += 1;
    if (ev.type === 'points.awarded' && p.month === now.month) c.pointsMonth += ev.points;
    if (ev.type === 'meeting.held' && p.month === now.month) c.meetingsMonth += 1;
  });
  return c;
}

export function sum(cs: Iterable<[count: number, c: Contribution]>): Contribution {
  const out: Contribution = { accepted: 0, studyMinutesToday: 0, examsToday: 0, pointsMonth: 0, meetingsMonth: 0 };
  for (const [n, c] of cs) for (const k of Object.keys(out) as (keyof Contribution)[]) out[k] += n * c[k];
  return out;
}

/** `count` batches of `size` simulator events from the last `windowMs` (default 30 min). */
export function buildBatches(opts: {
  count: number;
  size: number;
  ndjson?: boolean;
  region?: string;
  windowMs?: number;
  nowMs?: number;
}): BatchSet {
  const nowMs = opts.nowMs ?? Date.now();
  const windowMs = opts.windowMs ?? 30 * 60_000;
  const { roster, pop } = simulation({ region: opts.region ?? '610100' });
  const perSecond = (opts.count * opts.size) / (windowMs / 1000);
  const stream = eventStream({
    pop,
    startMs: nowMs - windowMs,
    endMs: nowMs - 60_000,
    scale: scaleForRate(pop, perSecond) * 1.3,
  });
  const templates: Template[] = [];
  for (let t = 0; t < opts.count; t++) {
    const events: IngestEvent[] = [];
    while (events.length < opts.size) {
      const next = stream.next();
      if (next.done) break;
      events.push(next.value);
    }
    if (events.length === 0) break;
    const marked = events.map((e) => ({ ...e, id: `${ID_PLACEHOLDER}${e.id}` }));
    const text = opts.ndjson ? marked.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(marked);
    templates.push({
      parts: text.split(ID_PLACEHOLDER),
      events: events.length,
      orgs: [...new Set(events.map((e) => String(e.org)))],
      contribution: contributionOf(events, roster, nowMs),
    });
  }
  return { roster, templates };
}
