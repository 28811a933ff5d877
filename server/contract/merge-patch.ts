// RFC 7386 JSON merge patch: what a frame's `patch` does to the snapshot, in one place for both
// sides (the server checks its frames with it, the wall applies them). Pure, no imports.
// A patch is network input: keys that reach an object's prototype are skipped. Sub-trees the
// patch leaves unchanged keep their identity, so the wall detects a change with `===`.
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** MergePatch(target, patch). The inputs are not modified; when the patch changes nothing in an
 * object target, that target itself is returned. */
export function applyMergePatch<T = unknown>(target: unknown, patch: unknown): T {
  if (!isObject(patch)) return patch as T;
  const from = isObject(target) ? target : null;
  // copied on the first change only; a non-object target becomes {} (RFC 7386)
  let out: JsonObject | null = from ? null : {};
  for (const key of Object.keys(patch)) {
    if (UNSAFE_KEYS.has(key)) continue;
    const value = patch[key];
    const had = from !== null && hasOwn(from, key);
    if (value === null) {
      if (from !== null && !had) continue;
      out ??= { ...from };
      delete out[key];
      continue;
    }
    const old = from !== null && had ? from[key] : undefined;
    const next = applyMergePatch(old, value);
    if (had && next === old) continue;
    out ??= { ...from };
    out[key] = next;
  }
  return (out ?? from) as T;
}
