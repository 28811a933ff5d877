// Closing under load, in process: a request in flight when close begins finishes (200, with
// Connection: close), one that arrives on an open connection meanwhile gets 503 + Retry-After
// (Fastify's own closing 503 has none), idle keep-alive connections are closed, and close()
// ends without waiting for the keep-alive timeout (72 s).
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../lib/app.ts';
import { ROSTER } from '../lib/fixtures.ts';
import { until } from '../lib/walls.ts';

const TOKEN = 'closing-token-0123456789';

interface Raw {
  socket: Socket;
  text: () => string;
  closed: () => boolean;
}

async function open(port: number): Promise<Raw> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return { socket, text: () => text, closed: () => closed };
}

const batch = JSON.stringify([
  { id: 'c1', type: 'study.completed', ts: Date.now() - 1000, org: 'b1', member: 'm1', course: '党章', minutes: 20 },
]);

describe('closing', () => {
  it('finishes in-flight requests, answers new ones 503 + Retry-After, and ends promptly', async () => {
    const t = await buildTestApp({ INGEST_TOKENS: TOKEN, PRESSURE_RETRY_AFTER_S: '4' });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(
      (await t.app.inject({ method: 'PUT', url: '/api/v1/roster', headers: auth, payload: ROSTER })).statusCode,
    ).toBe(200);
    const port = Number(new URL(await t.listen()).port);

    // idle: one request answered, the connection kept alive
    const idle = await open(port);
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => idle.text().includes('"ok":true'), 5000, 'the idle connection’s answer');
    // in flight: half a body sent
    const inFlight = await open(port);
    const head = `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(batch)}\r\n\r\n`;
    inFlight.socket.write(head + batch.slice(0, 10));
    // arriving: a request whose headers are not finished yet
    const arriving = await open(port);
    arriving.socket.write('GET /api/v1/snapshot?region=610100 HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await until(() => t.app.pressure.bodyBytesInFlight() > 0, 5000, 'the in-flight request read');
    await new Promise((r) => setTimeout(r, 50)); // the arriving bytes read too (nothing shows it)

    let done = false;
    const closed = t.close().then(() => (done = true));
    await until(() => idle.closed(), 5000, 'the idle connection closed');
    expect(done).toBe(false);

    arriving.socket.write('\r\n');
    await until(() => /\r\n\r\n/.test(arriving.text()), 5000, 'an answer to the arriving request');
    expect(arriving.text()).toMatch(/^HTTP\/1\.1 503 /);
    expect(arriving.text()).toMatch(/\r\nretry-after: 4\r\n/i);
    expect(arriving.text()).toMatch(/\r\nconnection: close\r\n/i);

    inFlight.socket.write(batch.slice(10));
    await until(() => inFlight.text().includes('"accepted"'), 5000, 'the in-flight request’s answer');
    expect(inFlight.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(inFlight.text()).toMatch(/\r\nconnection: close\r\n/i);
    expect(inFlight.text()).toMatch(/"accepted":1/);
    // bounded: far below the 72 s keep-alive timeout
    await until(() => done, 5000, 'close() to end');
    await closed;
  });
});
