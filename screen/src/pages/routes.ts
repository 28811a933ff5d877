// Which page a path opens. Pure; main.tsx loads the page's chunk. The wall answers every path
// that names no other page: a kiosk with a stale or mistyped URL still shows the wall.
export const PAGES = ['wall', 'console', 'control'] as const;
export type PageName = (typeof PAGES)[number];

const PATHS: Readonly<Record<string, PageName>> = {
  '/': 'wall',
  '/wall': 'wall',
  '/console': 'console',
  '/control': 'control',
};

export function pageFor(pathname: string): PageName {
  const path = pathname.replace(/\/+$/, '') || '/';
  return PATHS[path] ?? 'wall';
}
