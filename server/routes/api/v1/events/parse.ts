// Request bodies of POST /api/v1/events: parsed once, validated per item later. Pure.
import { MAX_BATCH_EVENTS } from '../../../../contract/index.ts';

export class BadBatchError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BadBatchError';
  }
}

/** A parsed batch; `lineErrors` maps item index → why an NDJSON line was not JSON. */
export interface ParsedBatch {
  items: unknown[];
  lineErrors: Map<number, string>;
}

function checkSize(n: number): void {
  if (n > MAX_BATCH_EVENTS) throw new BadBatchError(`a batch holds at most ${MAX_BATCH_EVENTS} events; got ${n}`);
}

export function parseJsonBatch(body: string): ParsedBatch {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new BadBatchError(`body is not JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  if (!Array.isArray(value)) throw new BadBatchError('body must be a JSON array of events');
  checkSize(value.length);
  return { items: value, lineErrors: new Map() };
}

/** One event per line; blank lines are skipped. A line that is not JSON rejects that item
 * only, like any other bad event of the batch. */
export function parseNdjsonBatch(body: string): ParsedBatch {
  const lines = body.split('\n').filter((l) => l.trim().length > 0);
  checkSize(lines.length);
  // Fast path: one JSON.parse of the whole batch is several times faster than one per line.
  try {
    const items = JSON.parse(`[${lines.join(',')}]`) as unknown[];
    if (items.length === lines.length) return { items, lineErrors: new Map() };
  } catch {
    // some line is not JSON (or holds more than one value): fall back to line by line
  }
  const items: unknown[] = [];
  const lineErrors = new Map<number, string>();
  lines.forEach((line, i) => {
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      items.push(undefined);
      lineErrors.set(i, `line ${i + 1} is not JSON: ${(err as Error).message.slice(0, 120)}`);
    }
  });
  return { items, lineErrors };
}
