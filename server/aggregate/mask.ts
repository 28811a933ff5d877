// Name masking for the ticker. Applied at ingest: a raw name is never stored.
// 张三 → 张*, 张三明 → 张*明, 欧阳娜娜 → 欧**娜. Idempotent, so replaying a masked log is safe.

export function maskName(raw: string): string {
  const name = raw.trim();
  const n = name.length;
  // fast path: no surrogate pairs (every BMP name, i.e. nearly all)
  if (!/[\uD800-\uDFFF]/.test(name)) {
    if (n <= 1) return '*';
    if (n === 2) return `${name[0]}*`;
    return `${name[0]}${'*'.repeat(n - 2)}${name[n - 1]}`;
  }
  const chars = Array.from(name);
  if (chars.length === 0) return '*';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
