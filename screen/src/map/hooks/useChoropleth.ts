// The city choropleth: each region's colour position as feature state `v`, and a glow on the
// regions whose value just changed. Only changed regions are written: every feature-state write
// makes MapLibre rebuild that feature's paint data in every tile, on the next drawn frame.
import { useEffect, useRef } from 'react';
import type { MapHandle } from './useMapInstance.ts';
import type { MapViewKind } from './useRegionGeometry.ts';

const GLOW_MS = 1200;

/** the feature-state writes that take the map from `prev` to `next` (pure) */
export function choroplethWrites(
  prev: Readonly<Record<string, number | null>> | null,
  next: Readonly<Record<string, number | null>>,
  glowing: ReadonlySet<string>,
): { code: string; v: number; glow: boolean }[] {
  const out: { code: string; v: number; glow: boolean }[] = [];
  for (const [code, v] of Object.entries(next)) {
    const old = prev?.[code];
    const changed = prev !== null && old !== undefined && old !== v;
    // a region that glowed for the last change and holds still now stops glowing
    const write = prev === null || changed || glowing.has(code) || old === undefined;
    if (write) out.push({ code, v: v ?? -1, glow: changed });
  }
  return out;
}

/** `drawnKey` names the geometry on screen ('' = none yet): a new one is painted whole, no glow */
export function useChoropleth(
  handle: MapHandle | null,
  view: MapViewKind,
  drawnKey: string,
  values: Record<string, number | null>,
): void {
  const prev = useRef<Record<string, number | null> | null>(null);
  const paintedFor = useRef('');
  const glowing = useRef(new Set<string>());

  useEffect(() => {
    if (view !== 'city') {
      // the next city view is painted whole
      paintedFor.current = '';
      return;
    }
    if (!handle || drawnKey === '') return;
    const { map } = handle;
    // back from the national view or on new shapes: the whole map again, without glow
    if (paintedFor.current !== drawnKey) prev.current = null;
    paintedFor.current = drawnKey;
    const writes = choroplethWrites(prev.current, values, glowing.current);
    prev.current = values;
    const now = new Set<string>();
    for (const w of writes) {
      map.setFeatureState({ source: 'regions', id: w.code }, { v: w.v, glow: w.glow });
      if (w.glow) now.add(w.code);
    }
    glowing.current = now;
    if (now.size === 0) return;
    const id = setTimeout(() => {
      for (const code of now) map.setFeatureState({ source: 'regions', id: code }, { glow: false });
      glowing.current = new Set();
    }, GLOW_MS);
    return () => clearTimeout(id);
  }, [handle, values, view, drawnKey]);
}
