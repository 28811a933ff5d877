// The replay source (issue 11): every interval the snapshots of the area (the city and its
// counties) are recorded, keyframe + patches in blocks of REPLAY_BLOCK_RECORDS per region, into
// an engine (files or Redis Streams) by local day; `snapshotAt` answers a region's picture at
// an instant from two records, `range` what is held. `at` is aligned to the interval, so two
// processes write the same record times and Redis keeps one of each (see server/README.md).
import { parentCodeOf } from '../../geo/codes.ts';
import { childrenOf } from '../../geo/registry.ts';
import type { Snapshot } from '../contract/index.ts';
import { lastDays, ZonedClock } from '../aggregate/period.ts';
import {
  keyframeBody,
  maskSnapshot,
  patchBody,
  readKeyframe,
  REPLAY_BLOCK_RECORDS,
  restore,
  type Masked,
} from './codec.ts';
import type { DayRange, ReplayEngine } from './types.ts';

const DAY_MS = 86_400_000;

/** The regions recorded for an area: the city and its direct children (西安: 610100 and 13 counties). */
export const recordedRegions = (area: string): string[] => [area, ...childrenOf(area).map((r) => r.code)];

export interface RecorderOptions {
  engine: ReplayEngine;
  /** the snapshots of several regions at one instant (Views.snapshots) */
  snapshots: (regions: readonly string[], nowMs: number) => Promise<(Snapshot | Error)[]>;
  regions: readonly string[];
  intervalMs: number;
  retentionDays: number;
  timeZone: string;
  onError?: (err: unknown, region: string) => void;
}

/** the block a process is writing for a region: its keyframe (masked) and records so far */
interface Block {
  day: string;
  kf: number;
  keyframe: Masked;
  records: number;
}

export interface ReplayAnswer {
  /** the recorded region answered (the asked one or its nearest recorded ancestor) */
  region: string;
  /** the record's time: the latest at or before the asked instant */
  at: number;
  snapshot: Snapshot;
}

export class Recorder {
  readonly #o: RecorderOptions;
  readonly #clock: ZonedClock;
  readonly #regions: ReadonlySet<string>;
  readonly #blocks = new Map<string, Block>();
  /** the last keyframe read per region (a replay at speed reads the same one for a block) */
  readonly #keyframes = new Map<string, { day: string; kf: number; masked: Masked }>();
  #prunedDay = '';

  constructor(o: RecorderOptions) {
    this.#o = o;
    this.#clock = new ZonedClock(o.timeZone);
    this.#regions = new Set(o.regions);
  }

  /** the record time of an instant: the start of its interval */
  alignedAt(nowMs: number): number {
    return Math.floor(nowMs / this.#o.intervalMs) * this.#o.intervalMs;
  }

  /** Records the area's snapshots for the interval of `nowMs` (once a day: prunes). */
  async record(nowMs: number): Promise<void> {
    const at = this.alignedAt(nowMs);
    const day = this.#clock.day(at);
    const snaps = await this.#o.snapshots(this.#o.regions, nowMs);
    for (let i = 0; i < this.#o.regions.length; i++) {
      const region = this.#o.regions[i]!;
      const s = snaps[i];
      if (!s || s instanceof Error) {
        this.#o.onError?.(s ?? new Error('no snapshot'), region);
        continue;
      }
      try {
        await this.#recordOne(region, day, at, s);
      } catch (err) {
        // the block may not be stored: the next record opens a new one
        this.#blocks.delete(region);
        this.#o.onError?.(err, region);
      }
    }
    if (day !== this.#prunedDay) {
      this.#prunedDay = day;
      await this.#o.engine.prune(this.#clock.day(nowMs - this.#o.retentionDays * DAY_MS));
    }
  }

  async #recordOne(region: string, day: string, at: number, s: Snapshot): Promise<void> {
    const masked = maskSnapshot(s);
    const block = this.#blocks.get(region);
    const next = block && block.day === day && block.records < REPLAY_BLOCK_RECORDS && block.kf < at ? block : null;
    const rec = next
      ? { at, k: 0 as const, kf: next.kf, z: patchBody(next.keyframe, masked) }
      : { at, k: 1 as const, kf: at, z: keyframeBody(masked) };
    const stored = await this.#o.engine.append(region, day, rec);
    // another process holds this interval: its record stays. This process's block goes on: its
    // patches refer only to a keyframe it stored itself.
    if (!stored) return;
    if (next) next.records++;
    else this.#blocks.set(region, { day, kf: at, keyframe: masked, records: 1 });
  }

  /** The nearest recorded region at or above `region`; null when none (another city). */
  recordedRegion(region: string): string | null {
    for (let r: string | null = region; r !== null; r = parentCodeOf(r)) if (this.#regions.has(r)) return r;
    return null;
  }

  /** the local days held, newest first, from the day of `at` (at most today) back to the retention */
  #daysBack(at: number, nowMs: number): string[] {
    const oldest = this.#clock.day(nowMs - this.#o.retentionDays * DAY_MS);
    const start = this.#clock.day(Math.min(at, nowMs));
    return lastDays(start, this.#o.retentionDays + 2)
      .filter((d) => d >= oldest)
      .reverse();
  }

  /** The picture of `region` (or its nearest recorded ancestor) at `at`: the latest record at
   * or before it, within the retention; null when there is none. */
  async snapshotAt(region: string, at: number, nowMs: number): Promise<ReplayAnswer | null> {
    const recorded = this.recordedRegion(region);
    if (recorded === null) return null;
    for (const day of this.#daysBack(at, nowMs)) {
      const found = await this.#o.engine.seek(recorded, day, at);
      if (!found) continue;
      const { rec, keyframe } = found;
      const cached = this.#keyframes.get(recorded);
      let masked: Masked;
      if (cached && cached.day === day && cached.kf === keyframe.at) masked = cached.masked;
      else {
        masked = readKeyframe(keyframe.z);
        this.#keyframes.set(recorded, { day, kf: keyframe.at, masked });
      }
      return { region: recorded, at: rec.at, snapshot: restore(masked, rec) };
    }
    return null;
  }

  /** What is held for `region` (or its nearest recorded ancestor) within the retention. */
  async range(region: string, nowMs: number): Promise<(DayRange & { region: string }) | null> {
    const recorded = this.recordedRegion(region);
    if (recorded === null) return null;
    let out: DayRange | null = null;
    for (const day of this.#daysBack(nowMs, nowMs).reverse()) {
      const r = await this.#o.engine.dayRange(recorded, day);
      if (!r) continue;
      out = out ? { from: out.from, to: r.to, count: out.count + r.count } : r;
    }
    return out && { region: recorded, ...out };
  }
}
