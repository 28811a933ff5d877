// @vitest-environment happy-dom
// The control page (issue 11): the store's reducers (room, wall, wallGone, applied, silent walls
// forgotten), the replay clock, the mirror of a RoomState, and a command button sending the right
// command through a fake socket.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, renderHook, waitFor } from '@testing-library/react';
import type {
  CommandResult,
  ControlAuth,
  ControlCommand,
  RoomState,
  WallStatus,
} from '../../server/contract/control.ts';
import { pageFor } from '../../screen/src/pages/routes.ts';
import { createConsoleApi } from '../../screen/src/pages/console/api.ts';
import { RoomsTab } from '../../screen/src/pages/console/Rooms.tsx';
import { createControlApi, pair } from '../../screen/src/pages/control/api.ts';
import { ControlView } from '../../screen/src/pages/control/ControlView.tsx';
import { SignIn } from '../../screen/src/pages/control/ControlPage.tsx';
import {
  alertMarks,
  countdown,
  dayWindow,
  needsRenewal,
  replayTimeAt,
  roomFromSearch,
  tourPosition,
} from '../../screen/src/pages/control/model.ts';
import {
  INITIAL,
  inControl,
  onApplied,
  onRoom,
  onWall,
  onWallGone,
  pruneWalls,
  useControlStore,
  WALL_SILENT_MS,
  type ControlState,
} from '../../screen/src/pages/control/store.ts';
import { useControl, type ConnectFn, type ControlSocket } from '../../screen/src/pages/control/useControl.ts';

const NOW = Date.UTC(2026, 4, 14, 2, 0, 0);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function roomState(patch: Partial<RoomState> = {}): RoomState {
  return {
    room: 'hall-a',
    v: 7,
    updatedAt: NOW,
    view: {
      region: '610113',
      theme: 'floating',
      lang: 'zh',
      panel: 'dues',
      spotlight: null,
      standby: false,
      scene: 'opening',
    },
    tour: null,
    takeover: null,
    queue: [],
    replay: null,
    controller: { id: 'sess-1', name: '王值班', via: 'operator', since: NOW - 60_000 },
    handover: null,
    pairing: null,
    langOverride: null,
    alertsSince: 0,
    recentTakeovers: {},
    ...patch,
  };
}

function wall(id: string, patch: Partial<WallStatus> = {}): WallStatus {
  return {
    wallId: id,
    region: '610113',
    theme: 'floating',
    lang: 'zh',
    live: true,
    replayAt: null,
    v: 7,
    width: 1920,
    height: 1080,
    seenAt: NOW,
    ...patch,
  };
}

describe('store reducers', () => {
  it('a room arrives: live; an older version never rolls the mirror back', () => {
    const s1 = onRoom(INITIAL, roomState({ v: 7 }));
    expect(s1.status).toBe('live');
    expect(s1.room?.v).toBe(7);
    const s2 = onRoom(s1, roomState({ v: 5, view: { ...roomState().view, region: '610104' } }));
    expect(s2.room?.v).toBe(7);
    expect(s2.room?.view.region).toBe('610113');
    const s3 = onRoom(s2, roomState({ v: 8, view: { ...roomState().view, region: '610104' } }));
    expect(s3.room?.view.region).toBe('610104');
    // another room (a re-join elsewhere) replaces it whatever its version
    expect(onRoom(s3, roomState({ room: 'hall-b', v: 1 })).room?.room).toBe('hall-b');
  });

  it('walls: reported, acknowledged, gone, and forgotten once silent 3 × WALL_STATUS_EVERY_MS', () => {
    let s: ControlState = onRoom(INITIAL, roomState());
    s = onWall(s, wall('w-1', { v: 5 }), NOW);
    s = onWall(s, wall('w-2'), NOW + 1000);
    expect(Object.keys(s.walls).sort()).toEqual(['w-1', 'w-2']);
    expect(s.walls['w-1']!.appliedV).toBe(5);
    s = onApplied(s, { wallId: 'w-1', v: 7, receivedAt: NOW + 2000 }, NOW + 2000);
    expect(s.walls['w-1']!.appliedV).toBe(7);
    expect(s.walls['w-1']!.appliedAt).toBe(NOW + 2000);
    // a late older ack keeps the newer version
    s = onApplied(s, { wallId: 'w-1', v: 6, receivedAt: NOW + 2100 }, NOW + 2100);
    expect(s.walls['w-1']!.appliedV).toBe(7);
    // an ack of an unknown wall is ignored (its status names it first)
    expect(onApplied(s, { wallId: 'w-9', v: 7, receivedAt: NOW }, NOW)).toBe(s);
    // w-1 heard at NOW + 2100, w-2 at NOW + 1000
    expect(pruneWalls(s, NOW + 1000 + WALL_SILENT_MS - 1)).toBe(s);
    const pruned = pruneWalls(s, NOW + 1000 + WALL_SILENT_MS);
    expect(Object.keys(pruned.walls)).toEqual(['w-1']);
    expect(Object.keys(pruneWalls(s, NOW + 2100 + WALL_SILENT_MS).walls)).toEqual([]);
    expect(WALL_SILENT_MS).toBe(15_000);
    const gone = onWallGone(s, 'w-2');
    expect(Object.keys(gone.walls)).toEqual(['w-1']);
    expect(onWallGone(gone, 'w-2')).toBe(gone);
  });

  it('in control: the room controller is this session', () => {
    const s = onRoom(INITIAL, roomState());
    expect(inControl({ ...s, session: { id: 'sess-1', name: '王值班', via: 'operator', expiresAt: null } })).toBe(true);
    expect(inControl({ ...s, session: { id: 'sess-2', name: '李', via: 'pairing', expiresAt: NOW } })).toBe(false);
    expect(inControl({ ...s, room: roomState({ controller: null }), session: null })).toBe(false);
  });
});

describe('model', () => {
  const replay = {
    from: NOW - 86_400_000,
    to: NOW,
    speed: 60 as const,
    playing: true,
    at: NOW - 3_600_000,
    anchorAt: NOW,
  };

  it('replay clock: at + (now − anchorAt) × speed while playing, clamped to [from, to]', () => {
    expect(replayTimeAt(replay, NOW)).toBe(NOW - 3_600_000);
    expect(replayTimeAt(replay, NOW + 10_000)).toBe(NOW - 3_600_000 + 600_000);
    expect(replayTimeAt(replay, NOW + 3_600_000)).toBe(NOW);
    expect(replayTimeAt({ ...replay, playing: false }, NOW + 10_000)).toBe(NOW - 3_600_000);
    expect(replayTimeAt({ ...replay, at: replay.from - 5 }, NOW)).toBe(replay.from);
  });

  it('a Beijing day, countdowns, ?room=, renewal, tour position, alert marks', () => {
    expect(dayWindow('2026-05-14')).toEqual({ from: Date.UTC(2026, 4, 13, 16), to: Date.UTC(2026, 4, 14, 16) });
    expect(dayWindow('14/05/2026')).toBeNull();
    expect(countdown(61_000)).toBe('1:01');
    expect(countdown(-5)).toBe('0:00');
    expect(roomFromSearch('?room=hall-a&lang=en')).toBe('hall-a');
    expect(roomFromSearch('?room=no%20spaces')).toBeNull();
    expect(needsRenewal(null, NOW)).toBe(false);
    expect(needsRenewal(NOW + 10 * 60_000, NOW)).toBe(false);
    expect(needsRenewal(NOW + 4 * 60_000, NOW)).toBe(true);
    const scenes = [
      { id: 'a', name: '开场', region: '610100', theme: 'study' as const, panel: null, lang: 'zh' as const },
      { id: 'b', name: '雁塔', region: '610113', theme: 'floating' as const, panel: null, lang: 'zh' as const },
    ];
    const tours = [
      {
        id: 't',
        name: '巡播',
        steps: [
          { scene: 'a', dwellS: 20 },
          { scene: 'b', dwellS: 30 },
        ],
        loop: true,
        takeover: false,
        takeoverS: 60,
      },
    ];
    const r = roomState({
      tour: { id: 't', index: 1, playing: true, endsAt: NOW + 12_000, remainingMs: 0, pausedBy: null },
    });
    const p = tourPosition(r, tours, scenes, NOW)!;
    expect([p.step, p.steps, p.scene?.name, p.leftMs]).toEqual([2, 2, '雁塔', 12_000]);
    const paused = roomState({
      tour: { id: 't', index: 0, playing: false, endsAt: null, remainingMs: 9_000, pausedBy: 'takeover' },
    });
    expect(tourPosition(paused, tours, scenes, NOW)?.leftMs).toBe(9_000);
    const marks = alertMarks(
      [
        {
          fingerprint: 'x',
          severity: 'red',
          startsAt: NOW - 43_200_000,
          regionName: '雁塔区',
          message: { zh: '超期', en: 'overdue' },
        },
        {
          fingerprint: 'y',
          severity: 'red',
          startsAt: NOW - 2 * 86_400_000,
          regionName: '',
          message: { zh: '', en: '' },
        },
        { fingerprint: 'z', severity: 'yellow', startsAt: null, regionName: '', message: { zh: '', en: '' } },
      ] as never,
      NOW - 86_400_000,
      NOW,
    );
    expect(marks.map((m) => [m.fingerprint, m.pos])).toEqual([['x', 0.5]]);
  });

  it('/control is the control page', () => {
    expect(pageFor('/control')).toBe('control');
    expect(pageFor('/control/')).toBe('control');
  });
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function fakeApi(answer: (url: string, init?: RequestInit) => Response = () => json(200, [])) {
  const calls: [string, RequestInit | undefined][] = [];
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push([url, init]);
    if (url.startsWith('/api/v1/snapshot'))
      return json(200, {
        region: { code: '610100', name: '西安市' },
        children: { '610113': { code: '610113', name: '雁塔区' }, '610104': { code: '610104', name: '莲湖区' } },
      });
    if (url.startsWith('/api/v1/alerts')) return json(200, { alerts: [] });
    return answer(url, init);
  });
  return { api: createControlApi('op-token', '', fn), calls };
}

function actions(result: CommandResult = { ok: true, v: 8 }) {
  return {
    command: vi.fn(async (_c: ControlCommand) => result),
    takeControl: vi.fn(async (): Promise<CommandResult> => ({ ok: true, v: 9 })),
    release: vi.fn(async (): Promise<CommandResult> => ({ ok: true, v: 9 })),
  };
}

function liveState(room: RoomState, walls: WallStatus[] = []): ControlState {
  let s = onRoom(INITIAL, room);
  for (const w of walls) s = onWall(s, w, Date.now());
  return { ...s, session: { id: 'sess-1', name: '王值班', via: 'operator', expiresAt: null } };
}

describe('ControlView', () => {
  it('mirrors the room: view, tour, takeover, replay, controller, walls', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const { api, calls } = fakeApi((url) =>
      url.endsWith('/tours')
        ? json(200, [
            {
              id: 't',
              name: '开场巡播',
              steps: [{ scene: 'opening', dwellS: 30 }],
              loop: true,
              takeover: true,
              takeoverS: 60,
            },
          ])
        : url.endsWith('/scenes')
          ? json(200, [{ id: 'opening', name: '开场', region: '610100', theme: 'study', panel: null, lang: 'zh' }])
          : json(200, []),
    );
    const now = Date.now();
    const room = roomState({
      tour: { id: 't', index: 0, playing: false, endsAt: null, remainingMs: 42_000, pausedBy: 'takeover' },
      takeover: {
        fingerprint: 'transfers-overdue@610113',
        rule: 'transfers-overdue',
        region: '610113',
        regionName: '雁塔区',
        severity: 'red',
        startedAt: now,
        minUntil: now + 20_000,
        until: now + 90_000,
        previous: roomState().view,
      },
      replay: {
        from: now - 86_400_000,
        to: now,
        speed: 288,
        playing: false,
        at: Date.UTC(2026, 4, 13, 4, 30),
        anchorAt: now,
      },
    });
    const { container } = render(
      <ControlView
        state={liveState(room, [
          wall('abcdef123456'),
          wall('w2', { live: false, v: 6, replayAt: Date.UTC(2026, 4, 13, 4, 30) }),
        ])}
        actions={actions()}
        api={api}
        lang="zh"
      />,
    );
    await waitFor(() => expect(container.querySelector('[data-view-region]')?.textContent).toBe('雁塔区'));
    expect(container.querySelector('[data-view-panel]')?.textContent).toBe('党费收缴');
    await waitFor(() => expect(container.querySelector('[data-view-scene]')?.textContent).toBe('开场'));
    expect(container.querySelector('[data-tour-step]')?.textContent).toBe('第 1 / 1 步');
    expect(container.querySelector('[data-tour-left]')?.textContent).toBe('0:42');
    expect(container.querySelector('[data-tour-paused]')?.textContent).toContain('预警接管中');
    expect(container.querySelector('[data-takeover]')?.textContent).toContain('雁塔区');
    expect(container.querySelector('[data-takeover-left]')?.textContent).toMatch(/^1:(29|30)$/);
    expect(container.querySelector('[data-replay-status]')?.textContent).toContain('05-13 12:30:00');
    expect(container.querySelector('[data-controller]')?.textContent).toContain('王值班（本机）');
    expect(container.querySelector('[data-take-control]')).toBeNull();
    const walls = [...container.querySelectorAll('[data-wall]')];
    expect(walls.map((w) => w.getAttribute('data-wall'))).toEqual(['abcdef123456', 'w2']);
    expect(walls[0]!.textContent).toContain('abcdef12');
    expect(walls[0]!.querySelector('[data-wall-v]')?.textContent).toBe('已应用 v7 / v7');
    expect(walls[1]!.querySelector('[data-wall-live]')?.textContent).toBe('回放中');
    // a wall in the room's replay is replaying, not stale; one that stopped reporting is not live
    expect(walls[1]!.querySelector('[data-wall-v]')?.className).toBe('ctl-warn');
    // every fetch carries the bearer token
    for (const [, init] of calls)
      expect((init?.headers as Record<string, string>).authorization).toBe('Bearer op-token');
  });

  it('a region button sends {type: region}; a refusal shows its message and a take-control button', async () => {
    const { api } = fakeApi();
    const a = actions({
      ok: false,
      reason: 'not_controller',
      message: '李四 controls this room; take over to drive it',
    });
    const room = roomState({ controller: { id: 'other', name: '李四', via: 'pairing', since: NOW } });
    const { container } = render(<ControlView state={liveState(room)} actions={a} api={api} lang="zh" />);
    const btn = await waitFor(() => {
      const b = container.querySelector('[data-cmd="region:610104"]');
      expect(b).not.toBeNull();
      return b!;
    });
    expect(btn.textContent).toBe('莲湖区');
    fireEvent.click(btn);
    expect(a.command).toHaveBeenCalledWith({ type: 'region', region: '610104' });
    const refusal = await waitFor(() => {
      const r = container.querySelector('[data-refusal="not_controller"]');
      expect(r).not.toBeNull();
      return r!;
    });
    expect(refusal.textContent).toContain('李四 controls this room');
    fireEvent.click(refusal.querySelector('[data-take-control]')!);
    await waitFor(() => expect(a.takeControl).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(container.querySelector('[data-refusal]')).toBeNull());
    fireEvent.click(container.querySelector('[data-cmd="panel:none"]')!);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'panel', panel: null });
    // one command in flight at a time: the buttons wait for its answer
    const theme = container.querySelector<HTMLButtonElement>('[data-cmd="theme:transfers"]')!;
    await waitFor(() => expect(theme.disabled).toBe(false));
    fireEvent.click(theme);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'theme', theme: 'transfers' });
  });

  it('a scene applies with {type: scene, id}; "save current view" PUTs the room view', async () => {
    const { api, calls } = fakeApi((url, init) =>
      url.endsWith('/scenes') && (init?.method ?? 'GET') === 'GET'
        ? json(200, [{ id: 'opening', name: '开场', region: '610100', theme: 'study', panel: null, lang: 'zh' }])
        : json(200, {}),
    );
    const a = actions();
    const { container } = render(<ControlView state={liveState(roomState())} actions={a} api={api} lang="en" />);
    fireEvent.click(container.querySelector('[data-tab="scenes"]')!);
    const apply = await waitFor(() => {
      const b = container.querySelector('[data-cmd="scene:opening"]');
      expect(b).not.toBeNull();
      return b!;
    });
    fireEvent.click(apply);
    expect(a.command).toHaveBeenCalledWith({ type: 'scene', id: 'opening' });
    fireEvent.click(container.querySelector('[data-save-view]')!);
    const form = container.querySelector('[data-form="scene"]')!;
    fireEvent.change(form.querySelector('input[name="name"]')!, { target: { value: 'Yanta dues' } });
    fireEvent.submit(form);
    await waitFor(() => expect(calls.some(([, i]) => i?.method === 'PUT')).toBe(true));
    const [url, init] = calls.find(([, i]) => i?.method === 'PUT')!;
    expect(url).toMatch(/^\/api\/v1\/control\/scenes\/scene-[a-z0-9]+$/);
    expect(JSON.parse(String(init?.body))).toEqual({
      name: 'Yanta dues',
      region: '610113',
      theme: 'floating',
      panel: 'dues',
      lang: 'zh',
    });
  });

  it('replay: a speed while replaying sends replay.speed; the scrubber seeks on release only', async () => {
    const { api } = fakeApi();
    const a = actions();
    const now = Date.now();
    const room = roomState({
      replay: { from: now - 86_400_000, to: now, speed: 60, playing: true, at: now - 3_600_000, anchorAt: now },
    });
    const { container } = render(<ControlView state={liveState(room)} actions={a} api={api} lang="zh" />);
    fireEvent.click(container.querySelector('[data-tab="replay"]')!);
    fireEvent.click(container.querySelector('[data-cmd="speed:288"]')!);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'replay.speed', speed: 288 });
    await waitFor(() =>
      expect(container.querySelector<HTMLButtonElement>('[data-cmd="speed:288"]')!.disabled).toBe(false),
    );
    const scrub = container.querySelector<HTMLInputElement>('[data-scrubber]')!;
    const n = a.command.mock.calls.length;
    const target = now - 7_200_000;
    fireEvent.change(scrub, { target: { value: String(target) } });
    expect(a.command.mock.calls.length).toBe(n);
    fireEvent.pointerUp(scrub);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'replay.seek', at: target });
  });
});

describe('SignIn', () => {
  it('pairs with a 6-digit code; wrong codes and the lockout are said plainly', async () => {
    const onSignIn = vi.fn();
    const answers = [
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'wrong or expired code' }),
      json(429, { statusCode: 429, error: 'Too Many Requests', message: 'wait' }, { 'retry-after': '300' }),
      json(200, { token: 'paired-token', room: 'hall-a', expiresAt: NOW + 900_000 }),
    ];
    const calls: [string, RequestInit | undefined][] = [];
    const fetchFn = async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return answers.shift()!;
    };
    const { container } = render(
      <SignIn
        lang="zh"
        onLang={() => undefined}
        room={null}
        onSignIn={onSignIn}
        refusal={null}
        pairFn={(code) => pair(code, '', fetchFn)}
      />,
    );
    const form = container.querySelector('[data-pair]')!;
    fireEvent.change(form.querySelector('input[name="code"]')!, { target: { value: '12a3456' } });
    expect(form.querySelector<HTMLInputElement>('input[name="code"]')!.value).toBe('123456');
    fireEvent.submit(form);
    await waitFor(() => expect(container.querySelector('[data-pair-error]')?.textContent).toBe('配对码错误或已过期'));
    fireEvent.submit(form);
    await waitFor(() => expect(container.querySelector('[data-pair-error]')?.textContent).toContain('错误次数过多'));
    expect(container.querySelector('[data-pair-error]')?.textContent).toContain('300');
    fireEvent.submit(form);
    await waitFor(() => expect(onSignIn).toHaveBeenCalledWith('paired-token', 'hall-a'));
    expect(calls[0]![0]).toBe('/api/v1/control/pair');
    expect(JSON.parse(String(calls[0]![1]?.body))).toEqual({ code: '123456' });
  });
});

describe('useControl', () => {
  function fakeSocket() {
    const handlers = new Map<string, (...a: unknown[]) => void>();
    const emitted: unknown[][] = [];
    const socket = {
      connected: true,
      active: true,
      on: (ev: string, f: (...a: unknown[]) => void) => {
        handlers.set(ev, f);
        return socket;
      },
      timeout: () => ({
        emit: (...args: unknown[]) => {
          emitted.push(args);
          const ack = args[args.length - 1] as (err: Error | null, r: CommandResult) => void;
          ack(null, { ok: true, v: 8 });
        },
      }),
      connect: vi.fn(),
      disconnect: vi.fn(),
      removeAllListeners: vi.fn(),
    };
    return { socket: socket as unknown as ControlSocket, handlers, emitted };
  }

  it('connects to /control with {room, token}, feeds the store, sends commands with an ack', async () => {
    const f = fakeSocket();
    const seen: [string, ControlAuth][] = [];
    const connect: ConnectFn = (url, auth) => {
      seen.push([url, auth]);
      return f.socket;
    };
    const { result, unmount } = renderHook(() => useControl('hall-a', 'op-token', '', connect));
    expect(seen).toEqual([['/control', { room: 'hall-a', token: 'op-token' }]]);
    act(() => f.handlers.get('room')!(roomState()));
    act(() => f.handlers.get('wall')!(wall('w-1')));
    act(() => f.handlers.get('session')!({ id: 'sess-1', name: '王值班', via: 'operator', expiresAt: null }));
    expect(useControlStore.getState().status).toBe('live');
    expect(Object.keys(useControlStore.getState().walls)).toEqual(['w-1']);
    act(() => f.handlers.get('wallGone')!({ wallId: 'w-1' }));
    expect(useControlStore.getState().walls).toEqual({});
    const r = await result.current.command({ type: 'standby', on: true });
    expect(r).toEqual({ ok: true, v: 8 });
    expect(f.emitted[0]!.slice(0, 2)).toEqual(['command', { type: 'standby', on: true }]);
    await result.current.takeControl();
    expect(f.emitted[1]![0]).toBe('takeControl');
    // a refused handshake stops: unauthorized, no retry
    act(() =>
      f.handlers.get('connect_error')!(
        Object.assign(new Error('x'), { data: { reason: 'unauthorized', message: 'an operator token is needed' } }),
      ),
    );
    expect(useControlStore.getState().status).toBe('unauthorized');
    expect(useControlStore.getState().error?.message).toBe('an operator token is needed');
    unmount();
    expect(useControlStore.getState().room).toBeNull();
  });
});

describe('console rooms (pairing codes)', () => {
  it('lists the rooms, shows a pairing code (POST {room}) and hides it (DELETE)', async () => {
    let pairing: RoomState['pairing'] = null;
    const calls: [string, RequestInit | undefined][] = [];
    const fetchFn = async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      const method = init?.method ?? 'GET';
      if (url === '/api/v1/control/rooms') return json(200, [roomState({ pairing })]);
      if (url === '/api/v1/control/pairing' && method === 'POST') {
        const until = Date.now() + 300_000;
        pairing = { code: '493817', expiresAt: Date.now() + 60_000, until, by: '王值班', region: '610100' };
        return json(200, { room: 'hall-a', code: '493817', expiresAt: pairing.expiresAt, until });
      }
      if (url === '/api/v1/control/pairing/hall-a' && method === 'DELETE') {
        pairing = null;
        return new Response(null, { status: 204 });
      }
      return json(404, { message: 'no' });
    };
    const { container } = render(<RoomsTab api={createConsoleApi('op-token', '', fetchFn)} lang="zh" />);
    const show = await waitFor(() => {
      const b = container.querySelector('[data-room="hall-a"] [data-action="show-pairing"]');
      expect(b?.textContent).toBe('显示配对码');
      return b!;
    });
    expect(container.querySelector('[data-room="hall-a"]')?.textContent).toContain('王值班');
    fireEvent.click(show);
    await waitFor(() => expect(container.querySelector('[data-pairing-code]')?.textContent).toContain('493817'));
    const post = calls.find(([u, i]) => u === '/api/v1/control/pairing' && i?.method === 'POST')!;
    expect(JSON.parse(String(post[1]?.body))).toEqual({ room: 'hall-a' });
    expect((post[1]?.headers as Record<string, string>).authorization).toBe('Bearer op-token');
    fireEvent.click(container.querySelector('[data-action="hide-pairing"]')!);
    await waitFor(() => expect(container.querySelector('[data-pairing-code]')).toBeNull());
    expect(calls.some(([u, i]) => u === '/api/v1/control/pairing/hall-a' && i?.method === 'DELETE')).toBe(true);
    expect(container.querySelector('[data-action-error]')).toBeNull();
  });
});
