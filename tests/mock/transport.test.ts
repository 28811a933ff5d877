import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestEvent, IngestResponse } from '../../server/contract/events.ts';
import { backfillEvents, backfillPlan, runBackfill } from '../../mock/backfill.ts';
import { runLive } from '../../mock/live.ts';
import { activityPerDay } from '../../mock/population.ts';
import { DAY_MS } from '../../mock/rhythm.ts';
import { scaleForRate, simulation } from '../../mock/setup.ts';
import { eventStream, tsOf } from '../../mock/stream.ts';
import { SIMULATED_NOWS } from './fixtures.ts';
import { emptyStats, IngestRefused, postBatch, retryAfterMs, type MockLog } from '../../mock/transport.ts';

type Answer = (req: IncomingMessage, res: ServerResponse, events: IngestEvent[]) => void;

interface Receiver {
  url: string;
  /** events of batches answered 200, in the order they were answered */
  acked: IngestEvent[][];
  /** every request's body and the status it got */
  /** `at`: the test's clock when the request arrived */
  requests: { status: number; events: IngestEvent[]; path: string; auth: string | undefined; at: number }[];
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A fake ingest endpoint: `script[i]` answers request i; later requests get 200. */
async function receiver(script: Answer[] = [], clock: () => number = Date.now): Promise<Receiver> {
  const r: Receiver = { url: '', acked: [], requests: [] };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as IngestEvent[];
      const answer = script[r.requests.length];
      r.requests.push({ status: 0, events, path: req.url ?? '', auth: req.headers.authorization, at: clock() });
      const entry = r.requests[r.requests.length - 1]!;
      if (answer) {
        answer(req, res, events);
        entry.status = res.headersSent ? res.statusCode : 0;
        return;
      }
      entry.status = 200;
      r.acked.push(events);
      const out: IngestResponse = { accepted: events.length, duplicates: 0, rejected: [] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return r;
}

const busy =
  (retryAfter: string): Answer =>
  (_req, res) =>
    res.writeHead(503, { 'retry-after': retryAfter }).end('{"error":"store busy"}');
const quiet = (): MockLog & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (m) => warnings.push(m) };
};
const lines = (events: IngestEvent[]) => events.map((e) => JSON.stringify(e));
const T0 = Date.parse('2026-10-13T10:00:00+08:00');

describe('postBatch', () => {
  it('retries 503 (Retry-After) and dropped connections, then succeeds once', async () => {
    const r = await receiver([busy('1'), (req) => req.socket.destroy(), busy('0')]);
    const log = quiet();
    const stats = emptyStats();
    const batch = [{ id: 'a', type: 'member.active', ts: T0, org: 'o-1', member: 'm-o-1-1' }] as IngestEvent[];
    const out = await postBatch(batch, { url: r.url, token: 'secret', log }, stats);
    expect(out.accepted).toBe(1);
    expect(r.requests.map((q) => q.status)).toEqual([503, 0, 503, 200]);
    expect(r.requests.every((q) => q.path === '/api/v1/events' && q.auth === 'Bearer secret')).toBe(true);
    expect(r.acked).toEqual([batch]);
    expect(stats).toMatchObject({ batches: 1, sent: 1, accepted: 1, retries: 3 });
    expect(log.warnings.length).toBe(3);
  });

  it('stops with a clear error on 4xx other than 429', async () => {
    const r = await receiver([(_req, res) => res.writeHead(401).end('{"error":"bad token"}')]);
    const err = await postBatch([], { url: `${r.url}/api/v1/events`, log: quiet() }, emptyStats()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IngestRefused);
    expect((err as Error).message).toMatch(/401.*token/);
    expect(r.requests.length).toBe(1);
  });

  it('counts rejected events and warns with the first reasons', async () => {
    const r = await receiver([
      (_req, res, events) =>
        res.writeHead(200).end(
          JSON.stringify({
            accepted: events.length - 1,
            duplicates: 0,
            rejected: [{ index: 0, id: 'x', reason: 'unknown_org', message: 'org "o-9" is not in the roster' }],
          }),
        ),
    ]);
    const log = quiet();
    const stats = emptyStats();
    await postBatch([{ id: 'x' }, { id: 'y' }] as IngestEvent[], { url: r.url, log }, stats);
    expect(stats).toMatchObject({ sent: 2, accepted: 1, rejected: 1 });
    expect(stats.firstRejections[0]!.reason).toBe('unknown_org');
    expect(log.warnings.join('\n')).toMatch(/rejected 1 of 2 events: x: unknown_org/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(T0 + 3000).toUTCString(), T0)).toBe(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe.each(SIMULATED_NOWS.slice(0, 3))('runLive from %s', (iso) => {
  it('posts in real time: after 503s nothing lost, nothing sent twice, nothing ahead of the clock', async () => {
    const t0 = Date.parse(iso);
    // The live loop starts its stream at its first reading of the clock.
    const real0 = Date.now();
    let startMs: number | undefined;
    const now = () => {
      const t = t0 + (Date.now() - real0);
      startMs ??= t;
      return t;
    };
    const r = await receiver([busy('1'), busy('0')], now);
    const ctl = new AbortController();
    const done = runLive({
      url: r.url,
      region: '610113',
      seed: 42,
      rate: 2000,
      intervalMs: 20,
      now,
      signal: ctl.signal,
      log: quiet(),
      onBatch: (s) => s.batches >= 6 && ctl.abort(),
    });
    const stats = await done;
    expect(r.requests.slice(0, 2).map((q) => q.status)).toEqual([503, 503]);
    // A refused batch is resent whole, unchanged.
    expect(r.requests[1]!.events).toEqual(r.requests[0]!.events);
    expect(r.acked[0]).toEqual(r.requests[0]!.events);
    for (const q of r.requests) expect(Math.max(...q.events.map(tsOf))).toBeLessThanOrEqual(q.at);
    const sent = r.acked.flat();
    expect(stats.sent).toBe(sent.length);
    const { pop } = simulation({ region: '610113', seed: 42 });
    const expected: IngestEvent[] = [];
    for (const ev of eventStream({ pop, startMs: startMs!, scale: scaleForRate(pop, 2000) })) {
      if (expected.length === sent.length) break;
      expected.push(ev);
    }
    expect(lines(sent)).toEqual(lines(expected));
  });
});

describe.each(SIMULATED_NOWS.slice(0, 3))('runBackfill ending %s', (iso) => {
  const T0 = Date.parse(iso);

  it('sends every event of the window once, through 503s, and reports progress; none after its end', async () => {
    const r = await receiver([busy('0'), busy('1')]);
    const progress: number[] = [];
    let total = 0;
    const stats = await runBackfill({
      url: r.url,
      region: '610113',
      seed: 42,
      // today and yesterday: at midnight today alone is empty
      days: 2,
      historyDays: 2,
      perDay: 3000,
      batchSize: 400,
      concurrency: 2,
      now: () => T0,
      log: quiet(),
      onProgress: (p) => {
        total = p.total;
        progress.push(p.stats.sent);
      },
    });
    const { pop } = simulation({ region: '610113', seed: 42 });
    const plan = backfillPlan(pop, T0, { days: 2, historyDays: 2, perDay: 3000 });
    expect(plan.stream).toMatchObject({
      historyStartMs: T0 - 2 * DAY_MS,
      endMs: T0,
      scale: 3000 / activityPerDay(pop),
    });
    const expected = [...backfillEvents(plan)];
    expect(expected.length).toBeGreaterThan(1000);
    expect(lines(r.acked.flat()).sort()).toEqual(lines(expected).sort());
    expect(total).toBe(expected.length);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[progress.length - 1]).toBe(total);
    expect(stats).toMatchObject({ sent: total, accepted: total, retries: 2 });
    expect(Math.max(...r.acked.flat().map(tsOf))).toBeLessThan(T0);
  });

  it('stops on a 4xx with the reason', async () => {
    const r = await receiver([(_req, res) => res.writeHead(413).end('{"error":"body too large"}')]);
    await expect(
      runBackfill({ url: r.url, region: '610113', days: 1, historyDays: 1, perDay: 500, now: () => T0, log: quiet() }),
    ).rejects.toThrow(/413.*too large/);
  });
});
