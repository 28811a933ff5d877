// Closing the app with walls connected ends their connections instead of waiting for them.
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './lib/app.ts';
import { connectWall, until } from './lib/walls.ts';

describe('graceful close', () => {
  // "transport close" (not "io server disconnect"): socket.io-client then reconnects by itself
  it('closes the walls’ transports and the server', async () => {
    const t = await buildTestApp({ FRAME_INTERVAL_MS: '100' });
    const url = await t.listen();
    const walls = [connectWall(url, { region: '610100' }), connectWall(url, { region: '610113' })];
    await until(() => walls.every((w) => w.snapshots.length === 1), 5000, 'snapshots');
    const closed = t.close();
    const reasons = await Promise.all(walls.map((w) => w.disconnected));
    await closed;
    expect(reasons).toEqual(['transport close', 'transport close']);
    expect(t.app.server.listening).toBe(false);
  });
});
