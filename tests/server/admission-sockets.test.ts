// The cap on concurrent sockets per address, with real socket.io-client walls: the one past the
// cap is refused at the handshake with a clear error; a freed slot admits the next one.
import { afterEach, describe, expect, it } from 'vitest';
import { socketLimitFor } from '../../server/plugins/socket-cap.ts';
import { buildTestApp, type TestApp } from './lib/app.ts';
import { connectWall, until, type Wall } from './lib/walls.ts';

let t: TestApp | undefined;
const walls: Wall[] = [];
afterEach(async () => {
  for (const w of walls.splice(0)) w.socket.disconnect();
  await t?.close();
  t = undefined;
});

async function refusal(w: Wall): Promise<Error & { data?: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error within 5 s')), 5000);
    w.socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

describe('sockets per address', () => {
  it('the socket past SOCKETS_PER_LOOPBACK is refused with too_many_sockets; closing one admits another', async () => {
    t = await buildTestApp({ SOCKETS_PER_LOOPBACK: '3' });
    const url = await t.listen();
    for (let i = 0; i < 3; i++) walls.push(connectWall(url, { region: '610100' }));
    await until(() => walls.every((w) => w.snapshots.length === 1), 5000, 'three walls admitted');
    const fourth = connectWall(url, { region: '610100' });
    walls.push(fourth);
    const err = await refusal(fourth);
    expect(err.message).toMatch(/too many sockets from this address \(at most 3\)/);
    expect(err.data).toEqual({ code: 'too_many_sockets', limit: 3 });
    expect(fourth.snapshots).toHaveLength(0);
    // the refused client closes its connection; one admitted wall leaves
    walls[0]!.socket.disconnect();
    await until(() => t!.app.io.engine.clientsCount === 2, 5000, 'two connections left');
    const fifth = connectWall(url, { region: '610100' });
    walls.push(fifth);
    await until(() => fifth.snapshots.length === 1, 5000, 'a wall in the freed slot');
  });

  it('loopback has no cap by default (fleets, a local proxy); other addresses have SOCKETS_PER_ADDRESS', () => {
    const config = { SOCKETS_PER_ADDRESS: 200, SOCKETS_PER_LOOPBACK: 0 };
    expect(socketLimitFor('127.0.0.1', config)).toBe(0);
    expect(socketLimitFor('::1', config)).toBe(0);
    expect(socketLimitFor('::ffff:127.0.0.1', config)).toBe(0);
    expect(socketLimitFor('10.1.2.3', config)).toBe(200);
    expect(socketLimitFor('::ffff:10.1.2.3', config)).toBe(200);
  });
});
