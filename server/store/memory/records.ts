// The record framing of MemoryStore's files and their reader. A record is one line: its JSON,
// a tab and the CRC-32 of the JSON's bytes in 8 hex digits (JSON never holds a raw tab). Lines
// without the tab are read as the JSON of files written before checksums. A bad last line is a
// torn write (a crash mid-write, never acknowledged) and is skipped; a bad line anywhere else
// is corruption: open() fails naming the file and byte, or, with repair, the bad bytes are
// moved to `<file>.corrupt-<offset>` and every valid record before and after them is kept.
import { createReadStream } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { crc32 } from 'node:zlib';

const TAB = 0x09;
const NL = 0x0a;
const READ_CHUNK_BYTES = 1 << 20;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** One framed record: JSON bytes, tab, CRC-32 hex, newline. */
export function frame(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const out = Buffer.allocUnsafe(body.length + 10);
  body.copy(out);
  out[body.length] = TAB;
  out.write(hex8(crc32(body)), body.length + 1, 'latin1');
  out[body.length + 9] = NL;
  return out;
}

/** frame() for text assembled by the caller (snapshot chunks). */
export const frameText = (json: string): string => `${json}\t${hex8(crc32(json))}\n`;

export class CorruptRecordError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly line: number,
    readonly reason: string,
    repairable: boolean,
  ) {
    super(
      `corrupt record in ${file} at byte ${offset} (line ${line}): ${reason}. Valid records follow it, so this is ` +
        'not a torn last write; the server did not start and changed nothing. ' +
        (repairable
          ? `Start it once with --repair (npm run server -- --repair, or npm start -- --repair): the bad bytes are ` +
            `moved to ${basename(file)}.corrupt-${offset} in the same directory and every valid record before and ` +
            'after them is kept.'
          : '--repair does not apply to the snapshot (what it holds is not elsewhere): restore DATA_DIR from a ' +
            'backup, or move the snapshot aside to start from the logs that remain.'),
    );
    this.name = 'CorruptRecordError';
  }
}

/** What a repair moved aside. */
export interface RepairedRange {
  file: string;
  offset: number;
  bytes: number;
  /** the file the bad bytes were moved to */
  aside: string;
  lines: number;
}

export interface ReadOptions {
  /** move bad lines (not the last) aside instead of failing */
  repair?: boolean;
  /** a bad last line is corruption too (a file written whole and renamed: the snapshot) */
  strict?: boolean;
  onRepair?: (r: RepairedRange) => void;
  /** a bad last line was skipped */
  onTorn?: (file: string, offset: number, bytes: number) => void;
}

/** The parsed record of a line, or the reason it is not one. */
function parse(buf: Buffer, start: number, end: number): { ok: true; value: unknown } | { ok: false; reason: string } {
  let jsonEnd = end;
  const tab = end - 9; // JSON holds no raw tab: a checksum is exactly the line's last 9 bytes
  if (tab >= start && buf[tab] === TAB) {
    jsonEnd = tab;
    const sum = buf.toString('latin1', tab + 1, end);
    if (!/^[0-9a-f]{8}$/.test(sum)) return { ok: false, reason: 'malformed checksum' };
    if (crc32(buf.subarray(start, tab)) !== parseInt(sum, 16)) return { ok: false, reason: 'checksum mismatch' };
  }
  try {
    return { ok: true, value: JSON.parse(buf.toString('utf8', start, jsonEnd)) };
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
}

interface Bad {
  offset: number;
  end: number;
  line: number;
  lines: number;
  reason: string;
}

/** Parsed records of a file (none when it does not exist). */
export async function* readRecords(path: string, opts: ReadOptions = {}): AsyncGenerator<unknown> {
  let stream;
  try {
    await (await open(path, 'r')).close();
    stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const runs: Bad[] = []; // bad runs confirmed by a valid line after them (repair mode)
  let pending: Bad | null = null; // the bad run not yet followed by a valid line
  let carry: Buffer | null = null;
  let base = 0; // file offset of carry's (or the chunk's) first byte
  let lineNo = 0;
  const visit = function* (buf: Buffer, start: number, end: number, offset: number, nl: number): Generator<unknown> {
    lineNo += 1;
    if (end === start) return; // blank lines (a probe of free space left behind) are no records
    const r = parse(buf, start, end);
    const lineEnd = offset + (end - start) + nl;
    if (!r.ok) {
      if (pending) Object.assign(pending, { end: lineEnd, lines: pending.lines + 1 });
      else pending = { offset, end: lineEnd, line: lineNo, lines: 1, reason: r.reason };
      if (opts.strict) throw new CorruptRecordError(path, offset, lineNo, r.reason, false);
      return;
    }
    if (pending) {
      if (!opts.repair) throw new CorruptRecordError(path, pending.offset, pending.line, pending.reason, true);
      runs.push(pending);
      pending = null;
    }
    yield r.value;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
      yield* visit(buf, start, nl, base + start, 1);
      start = nl + 1;
    }
    base += start;
    carry = start < buf.length ? buf.subarray(start) : null;
  }
  if (carry) yield* visit(carry, 0, carry.length, base, 0);
  // a bad run at the very end is a torn write: skipped, left in place
  const torn = pending as Bad | null; // assigned in visit()
  if (torn) opts.onTorn?.(path, torn.offset, torn.end - torn.offset);
  if (runs.length > 0) await moveAside(path, runs, opts.onRepair);
}

/** Copies each bad run to its own file, then rewrites the file without them (fsynced, renamed). */
async function moveAside(path: string, runs: Bad[], onRepair?: (r: RepairedRange) => void): Promise<void> {
  const src = await open(path, 'r');
  const tmp = `${path}.repair.tmp`;
  try {
    const done: RepairedRange[] = [];
    for (const r of runs) {
      const aside = `${path}.corrupt-${r.offset}`;
      const out = await open(aside, 'w');
      try {
        await copyRange(src, out, r.offset, r.end);
        await out.sync();
      } finally {
        await out.close();
      }
      done.push({ file: path, offset: r.offset, bytes: r.end - r.offset, aside, lines: r.lines });
    }
    const size = (await src.stat()).size;
    const out = await open(tmp, 'w');
    try {
      let at = 0;
      for (const r of runs) {
        await copyRange(src, out, at, r.offset);
        at = r.end;
      }
      await copyRange(src, out, at, size);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await fsyncDir(dirname(path));
    for (const r of done) onRepair?.(r);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    await src.close();
  }
}

async function copyRange(src: FileHandle, dst: FileHandle, from: number, to: number): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, to - from)));
  for (let at = from; at < to;) {
    const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, to - at), at);
    if (bytesRead === 0) break;
    await writeAll(dst, buf.subarray(0, bytesRead));
    at += bytesRead;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Writes all of `buf` at the handle's position (a write may take only part of it). */
export async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length;) off += (await fh.write(buf, off)).bytesWritten;
}
