// The server's config on the screen: a wall without ?region= shows the deployment's area (the
// config's defaultRegion), asked once and shared, asked again while the server does not answer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { areaRetryMs, parseConfig, resetServerConfig, serverArea, serverConfig } from '../../screen/src/config.ts';
import { parseParams, regionFromUrl } from '../../screen/src/params.ts';

const CONFIG = {
  area: { code: '430100', name: '长沙市', level: 'city' },
  defaultRegion: '430100',
  frameIntervalMs: 1000,
  timeZone: 'Asia/Shanghai',
  mapStyleUrl: null,
  screenAuth: false,
  replayIntervalMs: 60000,
};

afterEach(() => {
  vi.unstubAllGlobals();
  resetServerConfig();
});

describe('regionFromUrl', () => {
  it('is the ?region= code, or null when absent or malformed (the server says then)', () => {
    expect(regionFromUrl('?region=440000&theme=0')).toBe('440000');
    expect(regionFromUrl('?region=110101001')).toBe('110101001');
    expect(regionFromUrl('')).toBeNull();
    expect(regionFromUrl('?region=61')).toBeNull();
    // parseParams keeps its demo fallback for what needs a code before the answer
    expect(parseParams('').region).toBe('610100');
  });
});

describe('parseConfig', () => {
  it('keeps what the screen uses, drops the rest and the malformed', () => {
    expect(parseConfig(CONFIG)).toEqual({
      area: { code: '430100', name: '长沙市', level: 'city' },
      defaultRegion: '430100',
      frameIntervalMs: 1000,
      replayIntervalMs: 60000,
    });
    expect(parseConfig({ defaultRegion: 'x', area: { code: 1 }, frameIntervalMs: -1, mapStyleUrl: '' })).toEqual({});
    expect(parseConfig(null)).toEqual({});
  });
});

describe('serverArea', () => {
  it('asks once: the wall page reads the same answer', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(CONFIG), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    expect(await serverArea()).toBe('430100');
    expect((await serverConfig()).frameIntervalMs).toBe(1000);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('asks again while the server does not answer, never guesses a region', async () => {
    let calls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls++;
        if (calls === 1) throw new TypeError('connection refused');
        if (calls === 2) return new Response('busy', { status: 503 });
        return new Response(JSON.stringify({ ...CONFIG, defaultRegion: '100000' }), { status: 200 });
      }),
    );
    const waits: number[] = [];
    const area = await serverArea(async (ms) => {
      waits.push(ms);
    });
    expect(area).toBe('100000');
    expect(waits).toEqual([1000, 2000]);
    expect(areaRetryMs(10)).toBe(10_000);
  });
});
