// Where replay records live: files of one local day per region (embedded store) or a Redis
// Stream per region and day. An engine stores and finds records; it builds no snapshot.
import type { ReplayRecord } from './codec.ts';

export interface DayRange {
  from: number;
  to: number;
  count: number;
}

export interface ReplayEngine {
  readonly engine: 'files' | 'redis';
  open(): Promise<void>;
  /** stores a record of a region's local day; false when one at `rec.at` or later is already
   * stored there (another process recorded that interval: the record is dropped) */
  append(region: string, day: string, rec: ReplayRecord): Promise<boolean>;
  /** the latest record of the day at or before `at`, and its block's keyframe; null if none */
  seek(region: string, day: string, at: number): Promise<{ rec: ReplayRecord; keyframe: ReplayRecord } | null>;
  /** the first and last record's times of a day, and how many; null if none */
  dayRange(region: string, day: string): Promise<DayRange | null>;
  /** removes the days before `beforeDay` (Redis: nothing, the streams expire) */
  prune(beforeDay: string): Promise<void>;
  close(): Promise<void>;
}
