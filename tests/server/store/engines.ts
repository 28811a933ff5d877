// The engines the contract suite runs against. Each creates stores on storage of its own
// (a temp DATA_DIR, a random Redis key prefix) and can open a second instance on the same
// storage (a restart, or another server process).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../../server/store/memory.ts';
import type { Store } from '../../../server/store/types.ts';

export interface EngineHarness {
  name: string;
  /** a fresh, opened store on fresh storage */
  create(): Promise<Store>;
  /** a second, opened instance on the storage of `prev` (prev is closed first when `restart`) */
  reopen(prev: Store, restart: boolean): Promise<Store>;
  /** removes everything this harness created */
  cleanup(): Promise<void>;
}

export function memoryHarness(): EngineHarness {
  const dirs = new Map<Store, string>();
  const all: string[] = [];
  return {
    name: 'memory',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'zhdj-store-'));
      all.push(dir);
      const s = new MemoryStore({ dataDir: dir, compactIntervalMs: 0 });
      await s.open();
      dirs.set(s, dir);
      return s;
    },
    async reopen(prev, restart) {
      const dir = dirs.get(prev)!;
      if (restart) await prev.close();
      const s = new MemoryStore({ dataDir: dir, compactIntervalMs: 0 });
      await s.open();
      dirs.set(s, dir);
      return s;
    },
    async cleanup() {
      for (const d of all) await rm(d, { recursive: true, force: true });
    },
  };
}
