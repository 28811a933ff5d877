// Name masking for the ticker. Applied at ingest: a raw name is never stored.
// 张三 → 张*, 张三明 → 张*明, 欧阳娜娜 → 欧**娜. Idempotent, so replaying a masked log is safe.

export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '*';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
