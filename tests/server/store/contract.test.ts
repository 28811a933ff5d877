// One behaviour, two engines: the Store contract (SPEC 3–5) against MemoryStore and RedisStore.
import { afterAll, afterEach, describe } from 'vitest';
import type { Store } from '../../../server/store/types.ts';
import { memoryHarness, type EngineHarness } from './engines.ts';
import { redisHarness } from './redis-harness.ts';
import { contractCases } from './contract-cases.ts';
import { streamCases } from './contract-streams.ts';

const harnesses: (() => Promise<EngineHarness | null>)[] = [async () => memoryHarness(), redisHarness];

for (const make of harnesses) {
  const h = await make();
  if (!h) continue;
  describe(`Store contract: ${h.name}`, () => {
    const open: Store[] = [];
    const ctx = {
      async store(): Promise<Store> {
        const s = await h.create();
        open.push(s);
        return s;
      },
      async reopen(prev: Store, restart: boolean): Promise<Store> {
        const s = await h.reopen(prev, restart);
        open.push(s);
        return s;
      },
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
    });
    afterAll(() => h.cleanup());
    contractCases(ctx);
    streamCases(ctx);
  });
}
