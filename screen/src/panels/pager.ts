// The 16:9 paged slot: which of the panels that share it is shown. The first turn comes after
// half a period, so the slot and the map theme (same period) never change at the same moment:
// one thing moves at a time. Period 0 (theme=0, a still wall) keeps the first page.
import { useEffect, useState } from 'react';
import type { PanelId } from '../pages/wall/layout.ts';

const perfNow = () => performance.now();

/** the page index shown `elapsedMs` after the wall started */
export function pageAt(elapsedMs: number, periodMs: number, count: number): number {
  if (count <= 1 || periodMs <= 0 || elapsedMs < periodMs / 2) return 0;
  return (1 + Math.floor((elapsedMs - periodMs / 2) / periodMs)) % count;
}

/** ms from `elapsedMs` to the next turn (Infinity when the slot never turns) */
export function msToNextTurn(elapsedMs: number, periodMs: number, count: number): number {
  if (count <= 1 || periodMs <= 0) return Infinity;
  const first = periodMs / 2;
  if (elapsedMs < first) return first - elapsedMs;
  return periodMs - ((elapsedMs - first) % periodMs);
}

/** the page on show, or null when the layout has no paged slot */
export function usePager(pages: readonly PanelId[], periodS: number, now: () => number = perfNow): PanelId | null {
  const [start] = useState(now);
  const [index, setIndex] = useState(0);
  const count = pages.length;
  const periodMs = periodS * 1000;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const wait = msToNextTurn(now() - start, periodMs, count);
      if (!Number.isFinite(wait)) return;
      timer = setTimeout(() => {
        setIndex(pageAt(now() - start, periodMs, count));
        arm();
      }, wait + 1);
    };
    setIndex(pageAt(now() - start, periodMs, count));
    arm();
    return () => clearTimeout(timer);
  }, [count, periodMs, start, now]);
  return count === 0 ? null : (pages[index % count] ?? null);
}
