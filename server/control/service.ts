// The rooms' service (issue 11): a presenter's command, a handover of control, pairing, and the
// tick that moves tours, takeovers, replays and pairing codes along. Every change is a
// compare-and-set on the room's stored version, so several processes (one Redis) tick and
// take commands for the same room and each change happens once; whoever stored it broadcasts
// it (through the Socket.IO adapter, to every process's walls and control pages).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  CONTROL_SESSION_TTL_MS,
  PAIRING_CODE_TTL_MS,
  PAIRING_SHOW_MS,
  type CommandResult,
  type ControlCommand,
  type RoomController,
  type RoomState,
  type Scene,
  type Tour,
} from '../contract/control.ts';
import { advance, applyCommand, initialRoom, type Library, type TakeoverCandidate } from './room.ts';
import type { ControlSession, ControlStore } from './store.ts';

/** who sends a command: an operator (token) or a paired tablet (session) */
export interface Actor {
  /** short id (token hash prefix): the room's controller is compared by it */
  id: string;
  name: string;
  via: 'operator' | 'pairing';
  /** the region and below this actor may show */
  region: string;
  /** a paired session drives its one room only */
  room: string | null;
  expiresAt: number | null;
}

export interface ControlServiceOptions {
  store: ControlStore;
  now?: () => number;
  alerts: () => readonly TakeoverCandidate[];
  alert: (fingerprint: string) => { region: string } | undefined;
  knownRegion: (code: string) => boolean;
  allowed: (scope: string, code: string) => boolean;
  /** the stored change, to every wall and control page of the room */
  emit: (state: RoomState) => void;
  newCode?: () => string;
}

const CAS_TRIES = 8;
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export class ControlService {
  readonly #o: ControlServiceOptions;
  readonly #now: () => number;
  readonly #newCode: () => string;
  #scenes = new Map<string, Scene>();
  #tours = new Map<string, Tour>();
  /** the last state seen of each room (the tick's and the commands'), for reads without a round trip */
  readonly #rooms = new Map<string, RoomState>();

  constructor(o: ControlServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#newCode = o.newCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
  }

  get library(): Library {
    return { scene: (id) => this.#scenes.get(id), tour: (id) => this.#tours.get(id) };
  }
  scenes(): Scene[] {
    return [...this.#scenes.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  tours(): Tour[] {
    return [...this.#tours.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Opens the store; the library is read now if the store answers, else by the first tick that
   * reaches it (a server whose Redis is down at start still listens: SPEC 8). */
  async open(): Promise<void> {
    await this.#o.store.open();
    await this.reloadLibrary().catch(() => undefined);
  }

  async reloadLibrary(): Promise<void> {
    const [scenes, tours] = await Promise.all([this.#o.store.scenes(), this.#o.store.tours()]);
    this.#scenes = new Map(scenes.map((s) => [s.id, s]));
    this.#tours = new Map(tours.map((t) => [t.id, t]));
  }

  async putScene(scene: Scene): Promise<void> {
    await this.#o.store.putScene(scene);
    this.#scenes.set(scene.id, scene);
  }
  async deleteScene(id: string): Promise<boolean> {
    const gone = await this.#o.store.deleteScene(id);
    this.#scenes.delete(id);
    return gone;
  }
  async putTour(tour: Tour): Promise<void> {
    await this.#o.store.putTour(tour);
    this.#tours.set(tour.id, tour);
  }
  async deleteTour(id: string): Promise<boolean> {
    const gone = await this.#o.store.deleteTour(id);
    this.#tours.delete(id);
    return gone;
  }

  async room(name: string): Promise<RoomState> {
    const s = (await this.#o.store.room(name)) ?? initialRoom(name, this.#now());
    this.#rooms.set(name, s);
    return s;
  }

  async rooms(): Promise<RoomState[]> {
    return this.#o.store.rooms();
  }

  /** reads the room, changes it, stores it if nobody else changed it meanwhile (else again) */
  async #change(
    name: string,
    f: (s: RoomState, now: number) => { state: RoomState } | { error: Exclude<CommandResult, { ok: true }> },
  ): Promise<CommandResult & { state?: RoomState }> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const s = await this.room(name);
      const now = this.#now();
      const r = f(s, now);
      if ('error' in r) return r.error;
      if (r.state === s) return { ok: true, v: s.v, state: s };
      const next: RoomState = { ...r.state, v: s.v + 1, updatedAt: now };
      if (await this.#o.store.saveRoom(next, s.v)) {
        this.#rooms.set(name, next);
        this.#o.emit(next);
        return { ok: true, v: next.v, state: next };
      }
    }
    return { ok: false, reason: 'unavailable', message: 'the room changed too often; try again' };
  }

  #controllerOf(actor: Actor, now: number): RoomController {
    return { id: actor.id, name: actor.name, via: actor.via, since: now };
  }

  #refuseRoom(actor: Actor, room: string): Exclude<CommandResult, { ok: true }> | null {
    if (actor.room !== null && actor.room !== room)
      return { ok: false, reason: 'forbidden', message: 'this pairing controls another room' };
    if (actor.expiresAt !== null && actor.expiresAt <= this.#now())
      return { ok: false, reason: 'expired', message: 'the control session expired; pair again' };
    return null;
  }

  /** A presenter's tap. The room's controller only; nobody in control: the sender takes it. */
  async command(room: string, actor: Actor, cmd: ControlCommand): Promise<CommandResult> {
    const refused = this.#refuseRoom(actor, room);
    if (refused) return refused;
    const r = await this.#change(room, (s, now) => {
      if (s.controller && s.controller.id !== actor.id)
        return {
          error: {
            ok: false,
            reason: 'not_controller',
            message: `${s.controller.name} controls this room; take over to drive it`,
          },
        };
      const out = applyCommand(s, cmd, {
        now,
        library: this.library,
        knownRegion: this.#o.knownRegion,
        allowedRegion: (code) => this.#o.allowed(actor.region, code),
        alert: this.#o.alert,
      });
      if (!out.ok) return { error: { ok: false, reason: out.reason, message: out.message } };
      return { state: { ...out.state, controller: s.controller ?? this.#controllerOf(actor, now) } };
    });
    return r.ok ? { ok: true, v: r.v } : r;
  }

  /** Takes control from whoever has it: a visible handover (walls and control pages show it). */
  async takeControl(room: string, actor: Actor): Promise<CommandResult> {
    const refused = this.#refuseRoom(actor, room);
    if (refused) return refused;
    const r = await this.#change(room, (s, now) => {
      if (s.controller?.id === actor.id) return { state: s };
      const handover = { from: s.controller?.name ?? '', to: actor.name, at: now };
      return { state: { ...s, controller: this.#controllerOf(actor, now), handover } };
    });
    return r.ok ? { ok: true, v: r.v } : r;
  }

  async release(room: string, actor: Actor): Promise<CommandResult> {
    const r = await this.#change(room, (s) =>
      s.controller?.id === actor.id ? { state: { ...s, controller: null } } : { state: s },
    );
    return r.ok ? { ok: true, v: r.v } : r;
  }

  /** Shows rotating pairing codes on the room's walls (asked from the console by an operator). */
  async showPairing(
    room: string,
    by: { name: string; region: string },
  ): Promise<{ code: string; expiresAt: number; until: number }> {
    const code = this.#newCode();
    const r = await this.#change(room, (s, now) => ({
      state: {
        ...s,
        pairing: {
          code,
          expiresAt: now + PAIRING_CODE_TTL_MS,
          until: now + PAIRING_SHOW_MS,
          by: by.name,
          region: by.region,
        },
      },
    }));
    if (!r.ok || !r.state?.pairing) throw new Error(r.ok ? 'pairing not stored' : r.message);
    if (r.state.pairing.code !== code) throw new Error('pairing code replaced');
    await this.#o.store.putCode(
      code,
      { room, by: by.name, region: by.region, expiresAt: r.state.pairing.expiresAt },
      PAIRING_CODE_TTL_MS,
    );
    return { code, expiresAt: r.state.pairing.expiresAt, until: r.state.pairing.until };
  }

  async hidePairing(room: string): Promise<void> {
    const s = await this.room(room);
    if (s.pairing) await this.#o.store.deleteCode(s.pairing.code);
    await this.#change(room, (cur) => ({ state: cur.pairing ? { ...cur, pairing: null } : cur }));
  }

  /** A code typed on a tablet → a session for that room only, CONTROL_SESSION_TTL_MS. Once: the
   * code is taken and the walls show a new one. */
  async pair(code: string): Promise<{ token: string; session: ControlSession } | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const grant = await this.#o.store.takeCode(code);
    const now = this.#now();
    // the store's TTL runs on its own clock (Redis's): the code's end is judged by the rooms'
    if (!grant || (grant.expiresAt !== undefined && grant.expiresAt <= now)) return null;
    // only the code the walls show now: one hidden, replaced by a new request or past the
    // request's end is void even inside its minute
    const shown = (await this.room(grant.room)).pairing;
    if (!shown || shown.code !== code || now >= shown.until) return null;
    const token = randomBytes(24).toString('base64url');
    const hash = sha256(token);
    const session: ControlSession = {
      id: hash.slice(0, 12),
      name: `平板 ${hash.slice(0, 4)} (${grant.by})`,
      room: grant.room,
      region: grant.region,
      expiresAt: now + CONTROL_SESSION_TTL_MS,
    };
    await this.#o.store.putSession(hash, session, CONTROL_SESSION_TTL_MS);
    // the walls show a fresh code at once (the one typed is spent)
    await this.#rotate(grant.room, code).catch(() => undefined);
    return { token, session };
  }

  async #rotate(room: string, spent: string): Promise<void> {
    const code = this.#newCode();
    const r = await this.#change(room, (s, now) =>
      s.pairing?.code === spent
        ? { state: { ...s, pairing: { ...s.pairing, code, expiresAt: now + PAIRING_CODE_TTL_MS } } }
        : { state: s },
    );
    if (r.ok && r.state?.pairing?.code === code)
      await this.#o.store.putCode(
        code,
        { room, by: r.state.pairing.by, region: r.state.pairing.region, expiresAt: r.state.pairing.expiresAt },
        PAIRING_CODE_TTL_MS,
      );
  }

  async session(token: string): Promise<ControlSession | null> {
    const s = await this.#o.store.session(sha256(token));
    return s && s.expiresAt > this.#now() ? s : null;
  }

  async renew(token: string): Promise<ControlSession | null> {
    const hash = sha256(token);
    const s = await this.#o.store.session(hash);
    if (!s || s.expiresAt <= this.#now()) return null;
    const renewed = { ...s, expiresAt: this.#now() + CONTROL_SESSION_TTL_MS };
    await this.#o.store.putSession(hash, renewed, CONTROL_SESSION_TTL_MS);
    return renewed;
  }

  /** Time passing for every stored room; one change per room per tick, stored once fleet-wide. */
  async tick(): Promise<void> {
    await this.reloadLibrary();
    const rooms = await this.#o.store.rooms();
    const alerts = this.#o.alerts();
    for (const s of rooms) {
      this.#rooms.set(s.room, s);
      const now = this.#now();
      let code: string | undefined;
      const next = advance(s, {
        now,
        library: this.library,
        alerts,
        newCode: () => (code = this.#newCode()),
      });
      if (next === s) continue;
      const stored: RoomState = { ...next, v: s.v + 1, updatedAt: now };
      if (!(await this.#o.store.saveRoom(stored, s.v))) continue; // another process moved it
      this.#rooms.set(s.room, stored);
      this.#o.emit(stored);
      if (code !== undefined && stored.pairing?.code === code)
        await this.#o.store.putCode(
          code,
          { room: s.room, by: stored.pairing.by, region: stored.pairing.region, expiresAt: stored.pairing.expiresAt },
          PAIRING_CODE_TTL_MS,
        );
    }
  }
}
