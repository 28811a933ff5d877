// @vitest-environment happy-dom
// The wall's org points: a refused fetch (503 under load or during an outage) is asked again
// after the server's Retry-After, so a wall never keeps an empty map after one bad moment; a 4xx
// is not retried.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { orgsRetryMs, useOrgs } from '../../screen/src/useData.ts';

function Probe({ region }: { region: string }) {
  return <span data-orgs={String(useOrgs(region, undefined).length)} />;
}

const shown = (c: HTMLElement) => c.querySelector('[data-orgs]')!.getAttribute('data-orgs');
const ORGS = { orgs: [{ id: 'b1', name: '党支部', lng: 108.9, lat: 34.3 }] };

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useOrgs', () => {
  it('asks again after a 503, honouring Retry-After, and shows the points', async () => {
    vi.useFakeTimers();
    const answers = [
      new Response('{}', { status: 503, headers: { 'retry-after': '5' } }),
      new Response(JSON.stringify(ORGS), { status: 200 }),
    ];
    const fetch = vi.fn(async () => answers.shift()!);
    vi.stubGlobal('fetch', fetch);
    const { container } = render(<Probe region="610100" />);
    await act(async () => vi.advanceTimersByTimeAsync(10));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(shown(container)).toBe('0');
    await act(async () => vi.advanceTimersByTimeAsync(4900));
    expect(fetch).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTimeAsync(200));
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(shown(container)).toBe('1');
  });

  it('a network error is retried with backoff; a 403 is not retried', async () => {
    vi.useFakeTimers();
    const fetch = vi
      .fn<() => Promise<Response>>()
      .mockRejectedValueOnce(new TypeError('network'))
      .mockResolvedValue(new Response('{}', { status: 403 }));
    vi.stubGlobal('fetch', fetch);
    render(<Probe region="610100" />);
    await act(async () => vi.advanceTimersByTimeAsync(2100));
    expect(fetch).toHaveBeenCalledTimes(2);
    await act(async () => vi.advanceTimersByTimeAsync(120_000));
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('the wait: Retry-After in seconds, else 2, 4, 8 … s, between 1 s and 60 s', () => {
    expect(orgsRetryMs(0, '5')).toBe(5000);
    expect(orgsRetryMs(0, null)).toBe(2000);
    expect(orgsRetryMs(2, null)).toBe(8000);
    expect(orgsRetryMs(10, null)).toBe(60_000);
    expect(orgsRetryMs(0, '0')).toBe(1000);
    expect(orgsRetryMs(0, 'soon')).toBe(2000);
  });
});
