// Placeholder until RedisStore lands: no Redis harness.
import type { EngineHarness } from './engines.ts';
export async function redisHarness(): Promise<EngineHarness | null> {
  return null;
}
