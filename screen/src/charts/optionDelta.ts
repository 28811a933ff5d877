// Value (not identity) change detection for chart options: a snapshot/frame often rebuilds an
// option whose content is the same (a new object for an unchanged panel). Only top-level keys
// whose content changed are handed to setOption (merge mode keeps the others), and an option
// equal to the one on screen is not handed over at all: no model update, no repaint.
import type { ECOption } from './echarts.ts';

/** functions (formatters) compare by source: options are rebuilt with new closures each time */
const replacer = (_key: string, v: unknown) => (typeof v === 'function' ? `ƒ${String(v)}` : v);

export type OptionKeys = Record<string, string>;

export function serializeKeys(option: ECOption): OptionKeys {
  const out: OptionKeys = {};
  for (const [k, v] of Object.entries(option)) out[k] = JSON.stringify(v, replacer) ?? 'undefined';
  return out;
}

/** the part of `next` that differs from what `prev` serialized; null when nothing did */
export function optionDelta(prev: OptionKeys | null, next: ECOption, nextKeys: OptionKeys): ECOption | null {
  if (prev === null) return next;
  const delta: Record<string, unknown> = {};
  let changed = false;
  for (const [k, s] of Object.entries(nextKeys)) {
    if (prev[k] === s) continue;
    delta[k] = (next as Record<string, unknown>)[k];
    changed = true;
  }
  return changed ? (delta as ECOption) : null;
}
