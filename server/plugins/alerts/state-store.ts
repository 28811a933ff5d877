// The alert state's store for a configuration (placeholder until the durable backends land).
import { MemoryAlertStateStore, type AlertStateStore } from '../../alerts/service.ts';
import type { Config } from '../../config.ts';

export function createAlertStateStore(_config: Config): AlertStateStore {
  return new MemoryAlertStateStore();
}
