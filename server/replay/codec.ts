// The replay's records, pure: a keyframe is a whole snapshot, every other record of its block a
// JSON merge patch (push/diff.ts) against that keyframe, so a seek reads two records, never a
// chain. Each body is the JSON deflated (raw) and base64'd. A merge patch cannot carry a null
// (null deletes a key), so nulls are swapped for a sentinel string before diffing and back after
// applying: the snapshot comes back exactly, nullable rates included.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Snapshot } from '../contract/index.ts';
import { applyMergePatch, diff, type Json } from '../push/diff.ts';

/** a keyframe opens a block of this many records (the keyframe and up to 14 patches) */
export const REPLAY_BLOCK_RECORDS = 15;

/** one stored record: `at` (ms, aligned to the interval), k 1 = keyframe, `kf` the block's
 * keyframe's `at` (its own for a keyframe), `z` the deflated body */
export interface ReplayRecord {
  at: number;
  k: 0 | 1;
  kf: number;
  z: string;
}

/** a snapshot as the replay diffs it: plain JSON, nulls replaced by NULL_MARK */
export type Masked = Json;

/** No snapshot string holds a NUL character, so this marks a null unambiguously. */
const NULL_MARK = '\u0000null';

function mask(v: Json): Json {
  if (v === null) return NULL_MARK;
  if (Array.isArray(v)) return v.map(mask);
  if (typeof v === 'object') {
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(v)) out[k] = mask(v[k]!);
    return out;
  }
  return v;
}

function unmask(v: Json): Json {
  if (v === NULL_MARK) return null;
  if (Array.isArray(v)) return v.map(unmask);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(v)) out[k] = unmask(v[k]!);
    return out;
  }
  return v;
}

/** The snapshot as plain JSON (undefined members dropped, as the API would send it), masked. */
export const maskSnapshot = (s: Snapshot): Masked => mask(JSON.parse(JSON.stringify(s)) as Json);

export const pack = (v: unknown): string => deflateRawSync(Buffer.from(JSON.stringify(v), 'utf8')).toString('base64');
export const unpack = (z: string): unknown => JSON.parse(inflateRawSync(Buffer.from(z, 'base64')).toString('utf8'));

/** The body of a keyframe. */
export const keyframeBody = (masked: Masked): string => pack(masked);

/** The body of a patch record: what turns the keyframe into `masked` ({} when equal). */
export const patchBody = (keyframe: Masked, masked: Masked): string => pack(diff(keyframe, masked) ?? {});

/** A keyframe's body read back (masked: the base of its block's patches). */
export const readKeyframe = (z: string): Masked => unpack(z) as Masked;

/** The snapshot of a record: its block's keyframe (masked, from readKeyframe), with the record's
 * patch applied unless the record is that keyframe. */
export function restore(keyframe: Masked, rec: Pick<ReplayRecord, 'k' | 'z'>): Snapshot {
  const masked = rec.k === 1 ? keyframe : applyMergePatch<Json>(keyframe, unpack(rec.z));
  return unmask(masked) as unknown as Snapshot;
}
