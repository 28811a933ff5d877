// @vitest-environment happy-dom
// The operator console (issue 10) at component level: a ConsoleState fixture, fetch mocked. The
// filters, an acknowledgement's request, a refusal's message, a disconnected console that does
// not look live, and the socket hook's states with a fake socket.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, renderHook, waitFor } from '@testing-library/react';
import type { ConsoleState } from '../../server/contract/alerts.ts';
import { ConsoleView } from '../../screen/src/pages/console/ConsolePage.tsx';
import { createConsoleApi } from '../../screen/src/pages/console/api.ts';
import {
  useConsole,
  type ConnectFn,
  type ConnectionStatus,
  type ConsoleConnection,
  type ConsoleSocket,
} from '../../screen/src/pages/console/useConsole.ts';
import { age, applyFilters, historyLines, inhibitedCount, NO_FILTERS } from '../../screen/src/pages/console/model.ts';
import { consoleHistory, consoleState } from '../fixtures/console/state.ts';

const NOW = Date.UTC(2026, 4, 14, 2, 0, 0);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function conn(status: ConnectionStatus = 'live', state: ConsoleState | null = consoleState(NOW)): ConsoleConnection {
  return { state, status, error: null, receivedAt: NOW, patchAlert: vi.fn(), patchSilence: vi.fn() };
}

type FetchArgs = [string, RequestInit | undefined];

function mockFetch(answer: (url: string, init?: RequestInit) => Response) {
  const calls: FetchArgs[] = [];
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push([url, init]);
    return answer(url, init);
  });
  return { fn, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function view(c: ConsoleConnection, answer: (url: string, init?: RequestInit) => Response = () => json(200, {})) {
  const f = mockFetch(answer);
  const api = createConsoleApi('op-token-123', '', f.fn);
  const r = render(<ConsoleView conn={c} api={api} lang="zh" />);
  return { ...r, calls: f.calls };
}

const rows = (el: HTMLElement) =>
  [...el.querySelectorAll('[data-fingerprint]')].map((e) => e.getAttribute('data-fingerprint'));
const row = (el: HTMLElement, fp: string) => el.querySelector<HTMLElement>(`[data-fingerprint="${fp}"]`)!;
const click = (el: Element | null) => fireEvent.click(el!);

describe('ConsoleView', () => {
  it('shows the operator, live status, and every alert grouped', () => {
    const { container } = view(conn());
    expect(container.querySelector('[data-operator]')?.textContent).toContain('王值班');
    expect(container.querySelector('[data-operator]')?.textContent).toContain('西安市');
    expect(container.querySelector('[data-connection]')?.getAttribute('data-connection')).toBe('live');
    expect(container.querySelector('[data-connection]')?.textContent).toBe('实时');
    expect(container.querySelector('[data-disconnected]')).toBeNull();
    expect(rows(container)).toHaveLength(7);
    const groups = [...container.querySelectorAll('[data-group]')].map((e) => e.getAttribute('data-group'));
    expect(groups).toEqual(['firing', 'nodata', 'pending', 'acknowledged', 'silenced', 'resolved']);
    const acked = row(container, 'out-of-contact@610104');
    expect(acked.getAttribute('data-row-group')).toBe('acknowledged');
    expect(acked.querySelector('[data-ack]')?.textContent).toContain('已通知街道党工委逐一联系');
    expect(acked.querySelector('[data-action="unack"]')).not.toBeNull();
    expect(row(container, 'dues-low@610112').getAttribute('data-row-group')).toBe('silenced');
    expect(row(container, 'study-rate-low@610116').textContent).toContain('抖动');
    expect(row(container, 'transfers-overdue@610113').querySelector('[data-wall-link]')?.getAttribute('href')).toBe(
      '/?region=610113',
    );
  });

  it('filters by group, severity and region', () => {
    const { container } = view(conn());
    click(container.querySelector('[data-filter-group="severity"] [data-filter="red"]'));
    expect(rows(container).sort()).toEqual(['out-of-contact@610104', 'transfers-overdue@610113']);
    click(container.querySelector('[data-filter-group="state"] [data-filter="acknowledged"]'));
    expect(rows(container)).toEqual(['out-of-contact@610104']);
    click(container.querySelector('[data-filter-group="severity"] [data-filter="all"]'));
    click(container.querySelector('[data-filter-group="state"] [data-filter="all"]'));
    expect(rows(container)).toHaveLength(7);
    // a region and what lies below it
    fireEvent.change(container.querySelector('[data-filter-code]')!, { target: { value: '610113' } });
    expect(rows(container).sort()).toEqual(['compliance-low@610113002', 'transfers-overdue@610113']);
    fireEvent.change(container.querySelector('[data-filter-region]')!, { target: { value: '610104' } });
    expect(rows(container)).toEqual(['out-of-contact@610104']);
    fireEvent.change(container.querySelector('[data-filter-region]')!, { target: { value: '' } });
    expect(rows(container)).toHaveLength(7);
  });

  it('acknowledges with a required comment: POST …/ack { comment } with the bearer token', async () => {
    const c = conn();
    const acked = { ...c.state!.alerts[0]!, ack: { by: '王值班', at: NOW, comment: '已电话联系' } };
    const { container, calls } = view(c, () => json(200, acked));
    const r = row(container, 'transfers-overdue@610113');
    click(r.querySelector('[data-action="ack"]'));
    const form = r.querySelector('[data-form="ack"]')!;
    // no comment: nothing is sent
    fireEvent.submit(form);
    expect(calls).toHaveLength(0);
    expect(r.textContent).toContain('请填写处置说明');
    fireEvent.change(form.querySelector('textarea')!, { target: { value: '  已电话联系 ' } });
    fireEvent.submit(form);
    await waitFor(() => expect(c.patchAlert).toHaveBeenCalledWith(acked));
    expect(calls).toHaveLength(1);
    const [url, init] = calls[0]!;
    expect(url).toBe('/api/v1/alerts/transfers-overdue%40610113/ack');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer op-token-123');
    expect((init?.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual({ comment: '已电话联系' });
    await waitFor(() => expect(r.querySelector('[data-form="ack"]')).toBeNull());
  });

  it('shows a refusal’s message (403) to the operator, and keeps the form', async () => {
    const c = conn();
    const message = '雁塔区（610113）不在 碑林区 的管辖范围内';
    const { container } = view(c, () => json(403, { statusCode: 403, error: 'Forbidden', message }));
    const r = row(container, 'transfers-overdue@610113');
    click(r.querySelector('[data-action="ack"]'));
    fireEvent.change(r.querySelector('textarea')!, { target: { value: '核实中' } });
    fireEvent.submit(r.querySelector('[data-form="ack"]')!);
    await waitFor(() => expect(r.querySelector('[data-action-error]')).not.toBeNull());
    const shown = r.querySelector('[data-action-error]')!;
    expect(shown.getAttribute('role')).toBe('alert');
    expect(shown.textContent).toContain('操作失败');
    expect(shown.textContent).toContain(message);
    expect(shown.textContent).toContain('403');
    expect(c.patchAlert).not.toHaveBeenCalled();
    expect(r.querySelector('[data-form="ack"]')).not.toBeNull();
  });

  it('silences for 4 h with the alert’s rule and region prefilled', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const c = conn();
    const { container, calls } = view(c, (_u, init) => json(201, { id: 'sil-9', ...JSON.parse(String(init?.body)) }));
    const r = row(container, 'transfers-overdue@610113');
    click(r.querySelector('[data-action="silence"]'));
    const form = r.querySelector<HTMLElement>('[data-form="silence"]')!;
    expect(form.querySelector<HTMLInputElement>('input[name="region"]')!.value).toBe('610113');
    click(form.querySelector('input[value="4h"]'));
    click(form.querySelector('input[name="descendants"]'));
    fireEvent.change(form.querySelector('textarea')!, { target: { value: '区里已在处理' } });
    fireEvent.submit(form);
    await waitFor(() => expect(c.patchSilence).toHaveBeenCalled());
    expect(calls[0]![0]).toBe('/api/v1/silences');
    expect(JSON.parse(String(calls[0]![1]?.body))).toEqual({
      matchers: { rule: 'transfers-overdue', region: '610113', descendants: true },
      comment: '区里已在处理',
      endsAt: NOW + 4 * 3_600_000,
    });
  });

  it('a disconnected console says so and does not look live', () => {
    const { container } = view(conn('disconnected'));
    const status = container.querySelector('[data-connection]')!;
    expect(status.getAttribute('data-connection')).toBe('disconnected');
    expect(status.textContent).toBe('已断开');
    expect(container.textContent).not.toContain('实时');
    expect(container.querySelector('[data-disconnected]')?.textContent).toContain('已断开');
    expect(container.querySelector('.console')?.className).toContain('console-not-live');
    // what it held stays readable
    expect(rows(container)).toHaveLength(7);
  });

  it('expires a silence: DELETE /api/v1/silences/{id}', async () => {
    const c = conn();
    const { container, calls } = view(c, () => json(200, { ...c.state!.silences[0]!, active: false }));
    click(container.querySelector('[data-tab="silences"]'));
    click(container.querySelector('[data-silence="sil-1"] [data-action="expire"]'));
    await waitFor(() => expect(c.patchSilence).toHaveBeenCalled());
    expect(calls[0]![0]).toBe('/api/v1/silences/sil-1');
    expect(calls[0]![1]?.method).toBe('DELETE');
    expect(container.querySelector('[data-silence="sil-0"] [data-action="expire"]')).toBeNull();
  });

  it('shows the audit with refusals marked', async () => {
    const c = conn();
    const entries = [
      { at: NOW - 1000, by: '王值班', action: 'ack', target: 'a@610113', comment: 'x', result: 'ok' },
      { at: NOW - 2000, by: '王值班', action: 'ack', target: 'b@610503', comment: 'y', result: 'forbidden' },
    ];
    const { container, calls } = view(c, () => json(200, { entries }));
    click(container.querySelector('[data-tab="audit"]'));
    await waitFor(() => expect(container.querySelector('[data-audit]')).not.toBeNull());
    expect(calls[0]![0]).toMatch(/^\/api\/v1\/audit\?region=610100&from=\d+&to=\d+$/);
    const refused = container.querySelectorAll('[data-refused]');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.textContent).toContain('被拒绝');
    expect(refused[0]!.textContent).toContain('b@610503');
  });

  it('shows an alert’s history with the flapping run folded', async () => {
    const c = conn();
    const fp = 'study-rate-low@610116';
    const { container, calls } = view(c, () => json(200, { entries: consoleHistory(NOW, fp) }));
    click(row(container, fp).querySelector('[data-action="history"]'));
    await waitFor(() => expect(row(container, fp).querySelector('[data-history]')).not.toBeNull());
    expect(calls[0]![0]).toBe('/api/v1/alerts/study-rate-low%40610116/history');
    const run = row(container, fp).querySelector('[data-flapping-run]')!;
    expect(run.textContent).toContain('8 次状态切换');
  });
});

describe('console model', () => {
  it('hides alerts inhibited by an alert above unless asked, and counts them', () => {
    const base = consoleState(Date.now()).alerts[0]!;
    const parent = { ...base, fingerprint: 'r:610113', region: '610113', inhibitedBy: null };
    const child = { ...base, fingerprint: 'r:610113001', region: '610113001', inhibitedBy: 'r:610113' };
    expect(applyFilters([parent, child], NO_FILTERS).map((a) => a.fingerprint)).toEqual(['r:610113']);
    expect(inhibitedCount([parent, child], NO_FILTERS)).toBe(1);
    const all = applyFilters([parent, child], { ...NO_FILTERS, inhibited: true }).map((a) => a.fingerprint);
    expect(all.sort()).toEqual(['r:610113', 'r:610113001']);
  });

  it('ages read like the spec', () => {
    expect(age({ startsAt: NOW - 2 * 3_600_000, endsAt: null, state: 'firing' }, NOW, 'zh')).toBe('已持续 2 小时');
    expect(age({ startsAt: NOW - 2 * 3_600_000, endsAt: null, state: 'firing' }, NOW, 'en')).toBe('for 2 h');
    expect(age({ startsAt: null, endsAt: null, state: 'pending' }, NOW, 'en')).toBeNull();
  });

  it('folds a run of transitions, keeps actions apart, newest first', () => {
    const lines = historyLines(consoleHistory(NOW, 'f'));
    expect(lines.map((l) => (l.kind === 'entry' ? l.entry.event : `run${l.entries.length}`))).toEqual([
      'unack',
      'ack',
      'run8',
    ]);
  });
});

/** just what the hook uses of a socket */
function fakeSocket() {
  const handlers = new Map<string, ((...a: unknown[]) => void)[]>();
  const s = {
    active: true,
    connected: false,
    on(ev: string, h: (...a: unknown[]) => void) {
      handlers.set(ev, [...(handlers.get(ev) ?? []), h]);
      return s;
    },
    removeAllListeners: () => handlers.clear(),
    disconnect: vi.fn(),
    connect: vi.fn(),
    fire(ev: string, ...a: unknown[]) {
      act(() => {
        for (const h of handlers.get(ev) ?? []) h(...a);
      });
    },
  };
  return s;
}

describe('useConsole', () => {
  it('connects to /console with the token, live on a state, disconnected on a drop', () => {
    const s = fakeSocket();
    const connect = vi.fn((() => s as unknown as ConsoleSocket) as ConnectFn);
    const { result } = renderHook(() => useConsole('op-token-123', 'http://h', connect));
    expect(connect).toHaveBeenCalledWith('http://h/console', { token: 'op-token-123' });
    expect(result.current.status).toBe('connecting');
    s.fire('connect');
    s.fire('state', consoleState(NOW));
    expect(result.current.status).toBe('live');
    expect(result.current.state?.operator.name).toBe('王值班');
    s.fire('disconnect', 'transport close');
    expect(result.current.status).toBe('disconnected');
    // what it held is still there, to be shown greyed
    expect(result.current.state?.alerts).toHaveLength(7);
  });

  it('an unauthorized token stops: status unauthorized with the server’s message', () => {
    const s = fakeSocket();
    const { result } = renderHook(() => useConsole('bad', '', () => s as unknown as ConsoleSocket));
    s.fire('error', { reason: 'unauthorized', message: 'unknown operator token' });
    s.fire('disconnect', 'io server disconnect');
    expect(result.current.status).toBe('unauthorized');
    expect(result.current.error?.message).toBe('unknown operator token');
    expect(s.disconnect).toHaveBeenCalled();
  });

  it('does not connect without a token', () => {
    const connect = vi.fn();
    renderHook(() => useConsole(undefined, '', connect as unknown as ConnectFn));
    expect(connect).not.toHaveBeenCalled();
  });
});
