// Screenshots of the presenter's control page (/control) against the real server, for looking at
// it: a room with three walls (Socket.IO /room clients reporting their status), two scenes and a
// tour playing; 1280×800 (view, scenes, replay, en) and 768×1024, and the sign-in. Fails on any
// request off the page's host.
//   NODE_ENV=production npx vite build --config screen/vite.config.ts
//   node --import tsx tests/e2e/shoot-control.ts [outDir=/tmp] [docsShot=docs/screenshots/control-1280x800.png]
import { copyFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import {
  CONTROL_NAMESPACE,
  ROOM_NAMESPACE,
  type CommandResult,
  type ControlCommand,
  type WallStatus,
} from '../../server/contract/control.ts';
import type { Page } from 'playwright-core';
import { launch } from './browser.ts';
import { ensureScreenBuilt, serverProcess } from './harness.ts';

const TOKEN = 'op-xian-shoot';
const ROOM = 'hall-a';

type Status = Omit<WallStatus, 'seenAt' | 'wallId'>;
const WALLS: [id: string, status: Status][] = [
  [
    '7f3a9c2e-wall-main',
    { region: '610113', theme: 'floating', lang: 'zh', live: true, replayAt: null, v: 0, width: 3840, height: 2160 },
  ],
  [
    'b51d07aa-wall-left',
    { region: '610113', theme: 'floating', lang: 'zh', live: true, replayAt: null, v: 0, width: 1920, height: 1080 },
  ],
  [
    'e09c4411-lobby',
    { region: '610100', theme: 'study', lang: 'zh', live: false, replayAt: null, v: 0, width: 1920, height: 1080 },
  ],
];

async function put(url: string, body: unknown): Promise<void> {
  const r = await fetch(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`PUT ${url}: ${r.status} ${await r.text()}`);
}

function connected(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? '/tmp';
  const docs = process.argv[3] ?? 'docs/screenshots/control-1280x800.png';
  ensureScreenBuilt();
  const server = await serverProcess('server/server.ts', { OPERATOR_TOKENS: `${TOKEN}:王值班:610100` });
  const sockets: Socket[] = [];
  const chrome = await launch();
  const offHost: string[] = [];
  try {
    const api = `${server.url}/api/v1/control`;
    await put(`${api}/scenes/opening`, {
      name: '开场 · 全市',
      region: '610100',
      theme: 'study',
      panel: null,
      lang: 'zh',
    });
    await put(`${api}/scenes/yanta-floating`, {
      name: '雁塔 · 流动党员',
      region: '610113',
      theme: 'floating',
      panel: null,
      lang: 'zh',
    });
    await put(`${api}/scenes/dues`, { name: '党费收缴', region: '610100', theme: 'study', panel: 'dues', lang: 'zh' });
    await put(`${api}/tours/briefing`, {
      name: '领导视察巡播',
      steps: [
        { scene: 'opening', dwellS: 45 },
        { scene: 'yanta-floating', dwellS: 60 },
        { scene: 'dues', dwellS: 30 },
      ],
      loop: true,
      takeover: true,
      takeoverS: 60,
    });
    // the walls: each reports its status and acknowledges every room version it gets
    for (const [wallId, status] of WALLS) {
      const s = io(`${server.url}${ROOM_NAMESPACE}`, { auth: { room: ROOM, wallId }, transports: ['websocket'] });
      sockets.push(s);
      let v = 0;
      s.on('room', (st: { v: number }) => {
        // the lobby wall lags one version behind
        v = wallId.includes('lobby') ? Math.max(0, st.v - 1) : st.v;
        s.emit('applied', { v, at: Date.now() });
        s.emit('status', { ...status, v });
      });
      s.on('report', () => s.emit('status', { ...status, v }));
      await connected(s);
    }
    // a presenter's socket starts the tour and moves it on a step
    const ctl = io(`${server.url}${CONTROL_NAMESPACE}`, {
      auth: { room: ROOM, token: TOKEN },
      transports: ['websocket'],
    });
    sockets.push(ctl);
    await connected(ctl);
    const send = (cmd: ControlCommand) =>
      new Promise<CommandResult>((resolve) => ctl.emit('command', cmd, (r: CommandResult) => resolve(r)));
    for (const cmd of [{ type: 'tour.play', id: 'briefing' }, { type: 'tour.next' }] as ControlCommand[]) {
      const r = await send(cmd);
      if (!r.ok) throw new Error(`${cmd.type}: ${r.message}`);
    }

    const shoot = async (w: number, h: number, query: string, name: string, then?: (p: Page) => Promise<void>) => {
      const page = await chrome.newPage(w, h);
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url)) offHost.push(r.url());
      });
      page.on('pageerror', (e) => console.log(`[${name}] pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.log(`[${name}] console: ${m.text().slice(0, 300)}`);
      });
      await page.goto(`${server.url}/control${query}`);
      if (query.includes('token=')) {
        await page.waitForSelector('[data-connection="live"]', { timeout: 15_000 });
        await page.waitForSelector('[data-wall]', { timeout: 15_000 });
        await page.waitForSelector('[data-cmd="region:610113"]', { timeout: 15_000 });
        if (page.url().includes('token=')) throw new Error('the token stayed in the address bar');
      } else await page.waitForSelector('[data-signin]');
      if (then) await then(page);
      const file = `${out}/control-${w}x${h}-${name}.png`;
      await page.screenshot({ path: file, animations: 'disabled' });
      console.log(file);
      await page.close();
      return file;
    };
    const q = `?room=${ROOM}&token=${TOKEN}`;
    const main = await shoot(1280, 800, q, 'view');
    copyFileSync(main, docs);
    console.log(docs);
    await shoot(1280, 800, q, 'scenes', async (p) => {
      await p.click('[data-tab="scenes"]');
      await p.waitForSelector('[data-scene]');
    });
    await shoot(1280, 800, q, 'tours', async (p) => {
      await p.click('[data-tab="tours"]');
      await p.waitForSelector('[data-tour]');
    });
    await shoot(1280, 800, q, 'replay', async (p) => {
      await p.click('[data-tab="replay"]');
      await p.click('[data-cmd="replay.24h"]');
      await p.waitForSelector('[data-replay-clock]');
      await p.click('[data-cmd="speed:288"]');
    });
    await shoot(1280, 800, `${q}&lang=en`, 'en');
    await shoot(768, 1024, q, 'portrait');
    await shoot(1280, 800, '', 'signin');
  } finally {
    for (const s of sockets) s.disconnect();
    await chrome.close();
    await server.stop();
  }
  if (offHost.length > 0) {
    console.log('requests off the host:', offHost);
    process.exitCode = 1;
  } else console.log('no request left the host');
}

void main();
