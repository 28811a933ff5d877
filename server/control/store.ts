// Where rooms, scenes, tours, pairing codes and control sessions live (issue 11), on both
// engines. Files (the embedded store): one document `DATA_DIR/control/control.json`, replaced
// atomically after each change (writes coalesce: the last state wins). Redis (single or
// Cluster): hashes `{prefix}:control:rooms` (name → RoomState JSON) and `:roomv` (name →
// version) changed together by a compare-and-set script, `:scenes` and `:tours` (id → JSON),
// pairing codes `:code:<code>` and sessions `:session:<sha256>` as strings with a TTL (a code is
// taken with GETDEL: once). Every key shares the `{prefix}` tag (one slot on a Cluster).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoomState, Scene, Tour } from '../contract/control.ts';
import { createRedisClient, type RedisClient, type RedisTarget } from '../store/redis/client.ts';
import { keyBase } from '../store/redis/keys.ts';
import { writeFileAtomic } from '../alerts/store-files.ts';

/** who a pairing code was shown for: the operator who asked, and their scope */
export interface PairingGrant {
  room: string;
  by: string;
  region: string;
  /** when the code stops working, by the rooms' clock (the store's TTL aside) */
  expiresAt?: number;
}

/** a control session (a paired tablet); the token itself is never stored, only its SHA-256 */
export interface ControlSession {
  id: string;
  name: string;
  room: string;
  region: string;
  expiresAt: number;
}

export interface ControlStore {
  readonly engine: 'files' | 'memory' | 'redis';
  open(): Promise<void>;
  rooms(): Promise<RoomState[]>;
  room(name: string): Promise<RoomState | null>;
  /** stores `state` if the stored version is `expected` (0: none stored); state.v is the new one */
  saveRoom(state: RoomState, expected: number): Promise<boolean>;
  scenes(): Promise<Scene[]>;
  putScene(scene: Scene): Promise<void>;
  deleteScene(id: string): Promise<boolean>;
  tours(): Promise<Tour[]>;
  putTour(tour: Tour): Promise<void>;
  deleteTour(id: string): Promise<boolean>;
  putCode(code: string, grant: PairingGrant, ttlMs: number): Promise<void>;
  /** the code's grant, once: a taken code is gone */
  takeCode(code: string): Promise<PairingGrant | null>;
  deleteCode(code: string): Promise<void>;
  putSession(hash: string, session: ControlSession, ttlMs: number): Promise<void>;
  session(hash: string): Promise<ControlSession | null>;
  close(): Promise<void>;
}

interface Doc {
  rooms: Record<string, RoomState>;
  scenes: Record<string, Scene>;
  tours: Record<string, Tour>;
  sessions: Record<string, ControlSession>;
}

const CONTROL_FILE = 'control.json';

/** In-process maps; with a directory, persisted there (the embedded store's engine). */
export class FileControlStore implements ControlStore {
  readonly engine: 'files' | 'memory';
  #doc: Doc = { rooms: {}, scenes: {}, tours: {}, sessions: {} };
  readonly #codes = new Map<string, { grant: PairingGrant; expiresAt: number }>();
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(
    private readonly dir: string | null,
    private readonly now: () => number = Date.now,
  ) {
    this.engine = dir === null ? 'memory' : 'files';
  }

  async open(): Promise<void> {
    if (this.dir === null) return;
    await mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(join(this.dir, CONTROL_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const doc = JSON.parse(text) as Partial<Doc>;
    this.#doc = {
      rooms: doc.rooms ?? {},
      scenes: doc.scenes ?? {},
      tours: doc.tours ?? {},
      sessions: doc.sessions ?? {},
    };
  }

  /** the document written after the current write: changes in between coalesce into one */
  #persist(): Promise<void> {
    if (this.dir === null) return Promise.resolve();
    this.#dirty = true;
    const path = join(this.dir, CONTROL_FILE);
    // a failed write fails its callers, not every write after it
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        if (!this.#dirty) return;
        this.#dirty = false;
        const t = this.now();
        for (const [h, s] of Object.entries(this.#doc.sessions)) if (s.expiresAt <= t) delete this.#doc.sessions[h];
        try {
          await writeFileAtomic(path, JSON.stringify(this.#doc));
        } catch (err) {
          this.#dirty = true;
          throw err;
        }
      });
    return this.#writing;
  }

  async rooms(): Promise<RoomState[]> {
    return Object.values(this.#doc.rooms);
  }
  async room(name: string): Promise<RoomState | null> {
    return this.#doc.rooms[name] ?? null;
  }
  async saveRoom(state: RoomState, expected: number): Promise<boolean> {
    if ((this.#doc.rooms[state.room]?.v ?? 0) !== expected) return false;
    const before = this.#doc.rooms[state.room];
    this.#doc.rooms[state.room] = state;
    // on disk before the command is acknowledged (writes coalesce: one file write for a burst);
    // a write that fails leaves the room as it was
    try {
      await this.#persist();
    } catch (err) {
      if (this.#doc.rooms[state.room] === state) {
        if (before) this.#doc.rooms[state.room] = before;
        else delete this.#doc.rooms[state.room];
      }
      throw err;
    }
    return true;
  }
  async scenes(): Promise<Scene[]> {
    return Object.values(this.#doc.scenes);
  }
  async putScene(scene: Scene): Promise<void> {
    this.#doc.scenes[scene.id] = scene;
    await this.#persist();
  }
  async deleteScene(id: string): Promise<boolean> {
    if (!(id in this.#doc.scenes)) return false;
    delete this.#doc.scenes[id];
    await this.#persist();
    return true;
  }
  async tours(): Promise<Tour[]> {
    return Object.values(this.#doc.tours);
  }
  async putTour(tour: Tour): Promise<void> {
    this.#doc.tours[tour.id] = tour;
    await this.#persist();
  }
  async deleteTour(id: string): Promise<boolean> {
    if (!(id in this.#doc.tours)) return false;
    delete this.#doc.tours[id];
    await this.#persist();
    return true;
  }
  async putCode(code: string, grant: PairingGrant, ttlMs: number): Promise<void> {
    this.#codes.set(code, { grant, expiresAt: this.now() + ttlMs });
  }
  async takeCode(code: string): Promise<PairingGrant | null> {
    const e = this.#codes.get(code);
    this.#codes.delete(code);
    return e && e.expiresAt > this.now() ? e.grant : null;
  }
  async deleteCode(code: string): Promise<void> {
    this.#codes.delete(code);
  }
  async putSession(hash: string, session: ControlSession, ttlMs: number): Promise<void> {
    this.#doc.sessions[hash] = { ...session, expiresAt: Math.min(session.expiresAt, this.now() + ttlMs) };
    await this.#persist();
  }
  async session(hash: string): Promise<ControlSession | null> {
    const s = this.#doc.sessions[hash];
    return s && s.expiresAt > this.now() ? s : null;
  }
  async close(): Promise<void> {
    await this.#writing.catch(() => undefined);
  }
}

const SAVE_ROOM = `
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if cur ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`;
const SAVE_ROOM_CMD = 'zhdjControlRoomSave';

export const controlKeys = (prefix: string) => {
  const b = `${keyBase(prefix)}control:`;
  return {
    rooms: `${b}rooms`,
    roomv: `${b}roomv`,
    scenes: `${b}scenes`,
    tours: `${b}tours`,
    code: (code: string) => `${b}code:${code}`,
    session: (hash: string) => `${b}session:${hash}`,
  };
};

export interface RedisControlStoreOptions {
  target?: RedisTarget;
  redis?: RedisClient;
  prefix: string;
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export class RedisControlStore implements ControlStore {
  readonly engine = 'redis' as const;
  readonly #redis: RedisClient;
  readonly #owned: boolean;
  readonly #k: ReturnType<typeof controlKeys>;

  constructor(o: RedisControlStoreOptions) {
    this.#k = controlKeys(o.prefix);
    if (o.redis) {
      this.#redis = o.redis;
      this.#owned = false;
    } else {
      if (!o.target) throw new Error('RedisControlStore: a target or a client');
      this.#redis = createRedisClient(o.target, {
        maxRetriesPerRequest: 1,
        ...(o.commandTimeoutMs ? { commandTimeout: o.commandTimeoutMs } : {}),
      });
      this.#redis.on('error', (err: Error) => o.onError?.(err));
      this.#owned = true;
    }
    if (!(SAVE_ROOM_CMD in this.#redis)) this.#redis.defineCommand(SAVE_ROOM_CMD, { numberOfKeys: 2, lua: SAVE_ROOM });
  }

  async open(): Promise<void> {}

  async rooms(): Promise<RoomState[]> {
    const all = await this.#redis.hgetall(this.#k.rooms);
    return Object.values(all).map((t) => JSON.parse(t) as RoomState);
  }
  async room(name: string): Promise<RoomState | null> {
    const t = await this.#redis.hget(this.#k.rooms, name);
    return t === null ? null : (JSON.parse(t) as RoomState);
  }
  async saveRoom(state: RoomState, expected: number): Promise<boolean> {
    const save = (this.#redis as unknown as Record<string, (...a: (string | number)[]) => Promise<number>>)[
      SAVE_ROOM_CMD
    ]!.bind(this.#redis);
    return (
      (await save(
        this.#k.rooms,
        this.#k.roomv,
        state.room,
        String(expected),
        String(state.v),
        JSON.stringify(state),
      )) === 1
    );
  }
  async #list<T>(key: string): Promise<T[]> {
    return Object.values(await this.#redis.hgetall(key)).map((t) => JSON.parse(t) as T);
  }
  scenes(): Promise<Scene[]> {
    return this.#list<Scene>(this.#k.scenes);
  }
  async putScene(scene: Scene): Promise<void> {
    await this.#redis.hset(this.#k.scenes, scene.id, JSON.stringify(scene));
  }
  async deleteScene(id: string): Promise<boolean> {
    return (await this.#redis.hdel(this.#k.scenes, id)) === 1;
  }
  tours(): Promise<Tour[]> {
    return this.#list<Tour>(this.#k.tours);
  }
  async putTour(tour: Tour): Promise<void> {
    await this.#redis.hset(this.#k.tours, tour.id, JSON.stringify(tour));
  }
  async deleteTour(id: string): Promise<boolean> {
    return (await this.#redis.hdel(this.#k.tours, id)) === 1;
  }
  async putCode(code: string, grant: PairingGrant, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#k.code(code), JSON.stringify(grant), 'PX', Math.max(1, Math.round(ttlMs)));
  }
  async takeCode(code: string): Promise<PairingGrant | null> {
    const t = await this.#redis.getdel(this.#k.code(code));
    return t === null ? null : (JSON.parse(t) as PairingGrant);
  }
  async deleteCode(code: string): Promise<void> {
    await this.#redis.del(this.#k.code(code));
  }
  async putSession(hash: string, session: ControlSession, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#k.session(hash), JSON.stringify(session), 'PX', Math.max(1, Math.round(ttlMs)));
  }
  async session(hash: string): Promise<ControlSession | null> {
    const t = await this.#redis.get(this.#k.session(hash));
    return t === null ? null : (JSON.parse(t) as ControlSession);
  }
  async close(): Promise<void> {
    if (this.#owned) this.#redis.disconnect();
  }
}
