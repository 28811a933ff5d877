// Defaults of StoreOptions (SPEC sections 3 and 5).
import type { StoreOptions } from './types.ts';

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  timeZone: 'Asia/Shanghai',
  retentionDays: 35,
  overdueDays: 15,
  outOfContactDays: 30,
  onlineWindowMs: 5 * 60_000,
  replayHours: 24,
};

export const DAY_MS = 86_400_000;

export function withDefaults(opts: Partial<StoreOptions> | undefined): StoreOptions {
  return { ...DEFAULT_STORE_OPTIONS, ...opts };
}
