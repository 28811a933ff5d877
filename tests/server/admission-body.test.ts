// The body budget: request bodies in flight, all together, stay under BODY_BUDGET_BYTES. A
// request whose Content-Length would pass what is left gets 503 + Retry-After at once (before
// its body is read), one larger than the whole budget 413, a chunked one that pushes the total
// over 503; the budget comes back when a request ends or its connection drops.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { ROSTER, studyEvent } from './lib/fixtures.ts';
import { until } from './lib/walls.ts';

const TOKEN = 'body-budget-token';
const BUDGET = 64 * 1024;
let t: TestApp;
let port = 0;

beforeAll(async () => {
  t = await buildTestApp({
    INGEST_TOKENS: TOKEN,
    BODY_BUDGET_BYTES: String(BUDGET),
    BODY_LIMIT_BYTES: String(1024 * 1024),
    PRESSURE_RETRY_AFTER_S: '3',
  });
  const r = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/roster',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: ROSTER,
  });
  expect(r.statusCode).toBe(200);
  port = Number(new URL(await t.listen()).port);
});
afterAll(async () => t.close());

interface Raw {
  socket: Socket;
  /** everything the server answered so far */
  text: () => string;
}

/** A raw HTTP/1.1 POST whose headers (and `body`, if any) are written now. */
async function rawPost(headers: Record<string, string>, body = ''): Promise<Raw> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  const lines = [
    'POST /api/v1/events HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${TOKEN}`,
    'Content-Type: application/json',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  return { socket, text: () => text };
}

const status = (raw: Raw): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw.text())?.[1] ?? 0);
const answered = async (raw: Raw, what: string) => until(() => status(raw) > 0, 5000, what);

const events = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => studyEvent(`b${Math.random()}-${i}`, `m${i}`)));

describe('body budget', () => {
  it('an unfinished body holds its Content-Length; the next that would pass the budget gets 503 before sending a byte', async () => {
    const holder = await rawPost({ 'Content-Length': String(40 * 1024) }, '[');
    await until(() => t.app.pressure.bodyBytesInFlight() === 40 * 1024, 5000, 'the reservation');
    const second = await rawPost({ 'Content-Length': String(40 * 1024) });
    await answered(second, 'the second request refused');
    expect(status(second)).toBe(503);
    expect(second.text()).toMatch(/\r\nretry-after: 3\r\n/i);
    expect(second.text()).toMatch(/too many request bodies in flight/);
    // its body is not read: the connection ends with the answer
    expect(second.text()).toMatch(/\r\nconnection: close\r\n/i);
    second.socket.destroy();
    // what is left still serves a small batch
    const small = await fetch(`${t.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: events(3),
    });
    expect(small.status).toBe(200);
    expect(((await small.json()) as { accepted: number }).accepted).toBe(3);
    // the holder's connection drops: its share comes back
    holder.socket.destroy();
    await until(() => t.app.pressure.bodyBytesInFlight() === 0, 5000, 'the budget released');
    const body = events(100);
    const third = await rawPost({ 'Content-Length': String(Buffer.byteLength(body)) }, body);
    await answered(third, 'the third request');
    expect(status(third)).toBe(200);
    third.socket.destroy();
  });

  it('a body larger than the whole budget: 413 at once', async () => {
    const big = await rawPost({ 'Content-Length': String(BUDGET + 1) });
    await answered(big, 'the big request refused');
    expect(status(big)).toBe(413);
    expect(big.text()).toMatch(/larger than the body budget/);
    big.socket.destroy();
  });

  it('a chunked body that pushes the total over the budget: 503 while it streams', async () => {
    const holder = await rawPost({ 'Content-Length': String(40 * 1024) }, '[');
    await until(() => t.app.pressure.bodyBytesInFlight() === 40 * 1024, 5000, 'the reservation');
    const chunked = await rawPost({ 'Transfer-Encoding': 'chunked' });
    const chunk = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 4 && status(chunked) === 0; i++) {
      chunked.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await answered(chunked, 'the chunked request refused');
    expect(status(chunked)).toBe(503);
    expect(chunked.text()).toMatch(/\r\nretry-after: 3\r\n/i);
    chunked.socket.destroy();
    holder.socket.destroy();
    await until(() => t.app.pressure.bodyBytesInFlight() === 0, 5000, 'the budget released');
  });
});
