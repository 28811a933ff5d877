// POST /api/v1/events and PUT /api/v1/roster through the real app and MemoryStore.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../../../../server/store/types.ts';
import { buildTestApp, type TestApp } from '../../../../lib/app.ts';
import { ROSTER } from '../../../../lib/fixtures.ts';

const TOKEN = 'ingest-secret';
const auth = { authorization: `Bearer ${TOKEN}` };
let t: TestApp;
let n = 0;
const now = Date.now();
const study = (over: Record<string, unknown> = {}) => ({
  id: `s${n++}`,
  type: 'study.completed',
  ts: now - 1000,
  org: 'b1',
  member: `m${n}`,
  course: '党章',
  minutes: 20,
  ...over,
});
const post = (payload: unknown, headers: Record<string, string> = { ...auth, 'content-type': 'application/json' }) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  t = await buildTestApp({ INGEST_TOKENS: TOKEN, BODY_LIMIT_BYTES: String(64 * 1024) });
  const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload: ROSTER });
  expect(r.statusCode).toBe(200);
});
afterAll(async () => t.close());

describe('PUT /api/v1/roster', () => {
  it('401 without a token', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', payload: ROSTER });
    expect(r.statusCode).toBe(401);
  });
  it.each([
    ['unknown field', ROSTER.map((o, i) => (i === 0 ? { ...o, boss: 'x' } : o)), /boss|additional/i],
    ['bad region shape', ROSTER.map((o, i) => (i === 0 ? { ...o, region: '61' } : o)), /region|pattern|match/i],
    ['unknown region', ROSTER.map((o, i) => (i === 0 ? { ...o, region: '999999' } : o)), /999999/],
    ['duplicate id', [...ROSTER, ROSTER[1]], /duplicate id "b1"/],
    ['missing parent', ROSTER.slice(1), /parent "c1"/],
  ])('400 for %s', async (_n, payload, message) => {
    const r = await t.app.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(message);
  });
  it('a refused roster leaves the old one', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610100' });
    expect(r.json().kpi.orgs).toBe(3);
    expect(r.json().kpi.members).toBe(60);
  });
});

describe('POST /api/v1/events', () => {
  it('401 without a token, with a wrong one', async () => {
    expect((await post([study()], { 'content-type': 'application/json' })).statusCode).toBe(401);
    expect(
      (await post([study()], { authorization: 'Bearer nope', 'content-type': 'application/json' })).statusCode,
    ).toBe(401);
  });

  it.each([
    ['not JSON', '[{"id":'],
    ['not an array', '{"id":"x"}'],
    ['over 10,000 events', JSON.stringify(Array.from({ length: 10_001 }, () => 0))],
  ])('400 when %s', async (_n, body) => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: body,
      // the 10,001-item body is 20 KB, under the 64 KiB limit of this app
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message.length).toBeGreaterThan(0);
  });

  it('413 over BODY_LIMIT_BYTES', async () => {
    const r = await post(
      `[${JSON.stringify(study({ course: 'x'.repeat(150) }))
        .repeat(1)
        .padEnd(70 * 1024, ' ')}]`,
    );
    expect(r.statusCode).toBe(413);
  });

  it('one bad event does not sink the batch', async () => {
    const batch = [study(), study({ minutes: 0 }), study({ org: 'nobody' }), study()];
    const r = await post(batch);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((x: { index: number; reason: string }) => [x.index, x.reason])).toEqual([
      [1, 'invalid_field'],
      [2, 'unknown_org'],
    ]);
    expect(body.rejected[0].id).toBe(batch[1]!.id);
  });

  it('duplicates count once, also inside one batch', async () => {
    const e = study();
    const first = (await post([e, e])).json();
    expect([first.accepted, first.duplicates]).toEqual([1, 1]);
    const again = (await post([e])).json();
    expect([again.accepted, again.duplicates]).toEqual([0, 1]);
  });

  it('NDJSON, with a line that is not JSON', async () => {
    const lines = [JSON.stringify(study()), '{broken', '', JSON.stringify(study())].join('\n');
    const r = await post(lines, { ...auth, 'content-type': 'application/x-ndjson' });
    expect(r.statusCode).toBe(200);
    expect(r.json().accepted).toBe(2);
    expect(r.json().rejected).toEqual([
      { index: 1, id: null, reason: 'not_object', message: expect.stringMatching(/line 2/) },
    ]);
  });

  it('415 for another content type', async () => {
    const r = await post(JSON.stringify([study()]), { ...auth, 'content-type': 'text/plain' });
    expect(r.statusCode).toBe(415);
  });

  it('snapshot KPIs reflect what was accepted', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610113' })).json().kpi;
    const members = ['k1', 'k2', 'k3'];
    const batch = [
      ...members.map((m) => study({ member: m, minutes: 30 })),
      study({ member: 'k1', minutes: 15 }),
      {
        id: `x${n++}`,
        type: 'exam.submitted',
        ts: now - 500,
        org: 'b1',
        member: 'k2',
        exam: 'e',
        score: 90,
        passed: true,
      },
      {
        id: `x${n++}`,
        type: 'exam.submitted',
        ts: now - 500,
        org: 'b1',
        member: 'k3',
        exam: 'e',
        score: 40,
        passed: false,
      },
      { id: `x${n++}`, type: 'points.awarded', ts: now - 500, org: 'b1', member: 'k3', points: 7, reason: 'r' },
    ];
    expect((await post(batch)).json().accepted).toBe(batch.length);
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610113' })).json().kpi;
    expect(after.learnersToday - before.learnersToday).toBe(3);
    expect(after.studyMinutesToday - before.studyMinutesToday).toBe(105);
    expect(after.examsToday - before.examsToday).toBe(2);
    expect(after.pointsMonth - before.pointsMonth).toBe(7);
    expect(after.members).toBe(40);
    const other = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610112' })).json().kpi;
    expect(other.learnersToday).toBe(0);
  });

  it('503 with Retry-After when the store cannot take writes; nothing accepted', async () => {
    const spy = vi.spyOn(t.app.store, 'ingest').mockRejectedValueOnce(new StoreUnavailableError('disk full', 7));
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610113' })).json().kpi
      .learnersToday;
    const r = await post([study({ member: 'z-new' })]);
    spy.mockRestore();
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.body).not.toContain('disk full');
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/snapshot?region=610113' })).json().kpi
      .learnersToday;
    expect(after).toBe(before);
  });

  it('500 details stay in the log', async () => {
    const spy = vi.spyOn(t.app.store, 'ingest').mockRejectedValueOnce(new Error('secret internals'));
    const r = await post([study()]);
    spy.mockRestore();
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('secret internals');
  });

  it('metrics count events by result', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/zhdj_ingest_events_total\{result="accepted"\} [1-9]/);
    expect(r.body).toMatch(/zhdj_ingest_events_total\{result="rejected"\} [1-9]/);
    expect(r.body).toMatch(/zhdj_ingest_batch_seconds_count\{status="200"\} [1-9]/);
    expect(r.body).toMatch(/zhdj_store_errors_total\{op="ingest"\} [1-9]/);
  });
});
