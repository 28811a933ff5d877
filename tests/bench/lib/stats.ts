// Small helpers for benchmark reports.
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Value of one Prometheus sample line (`name{labels} value`), NaN when absent. */
export function metric(text: string, name: string, labels = ''): number {
  const escaped = `${name}${labels}`.replace(/[{}"=.]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);
