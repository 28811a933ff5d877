// A newly firing red alert's region glows on the city map once (alertGlow.ts decides which). The
// glow is its own layer pair (style.ts: regions-alert-fill/-line) filtered to the glowing codes:
// MapLibre does not transition feature-state changes, but it does transition a layer's paint
// properties, so the layer fades in, holds, fades out and is filtered back to nothing.
import { useEffect, useRef } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { AlertPanel } from '../../../../server/contract/index.ts';
import { FRESH_GLOW_MEMORY, pickAlertGlows, type GlowMemory } from '../alertGlow.ts';
import { ALERT_GLOW_FADE_MS, ALERT_GLOW_LAYERS, alertGlowFilter } from '../style.ts';
import type { MapHandle } from './useMapInstance.ts';
import type { MapViewKind } from './useRegionGeometry.ts';

/** lit between the fade in and the fade out: about 2.5 s in all */
const ALERT_GLOW_HOLD_MS = 700;
/** the glow's opacity when lit */
const FILL_ON = 0.42;
const LINE_ON = 1;

function setGlow(map: MapLibreMap, on: boolean): void {
  if (map.getLayer('regions-alert-fill')) map.setPaintProperty('regions-alert-fill', 'fill-opacity', on ? FILL_ON : 0);
  if (map.getLayer('regions-alert-line')) map.setPaintProperty('regions-alert-line', 'line-opacity', on ? LINE_ON : 0);
}

function setCodes(map: MapLibreMap, codes: readonly string[]): void {
  for (const id of ALERT_GLOW_LAYERS) if (map.getLayer(id)) map.setFilter(id, alertGlowFilter(codes));
}

export function useAlertGlow(
  handle: MapHandle | null,
  view: MapViewKind,
  drawnKey: string,
  region: string | undefined,
  panel: AlertPanel | undefined,
  visible: readonly string[],
): void {
  const memory = useRef<GlowMemory>(FRESH_GLOW_MEMORY);
  const lit = useRef<string[]>([]);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => {
    const live = timers;
    return () => live.current.forEach(clearTimeout);
  }, []);

  useEffect(() => {
    if (!region) return;
    // every panel is learned from, shown or not: a view that was not showing glows nothing later
    const pick = pickAlertGlows(memory.current, panel, region, visible);
    memory.current = pick.memory;
    if (pick.regions.length === 0 || !handle || view !== 'city' || drawnKey === '') return;
    const { map } = handle;
    // a second glow while one is lit joins it (one fade out for both; nothing flashes twice)
    lit.current = [...new Set([...lit.current, ...pick.regions])];
    timers.current.forEach(clearTimeout);
    setCodes(map, lit.current);
    setGlow(map, true);
    timers.current = [
      setTimeout(() => setGlow(map, false), ALERT_GLOW_FADE_MS + ALERT_GLOW_HOLD_MS),
      setTimeout(
        () => {
          lit.current = [];
          setCodes(map, []);
        },
        2 * ALERT_GLOW_FADE_MS + ALERT_GLOW_HOLD_MS + 100,
      ),
    ];
  }, [handle, view, drawnKey, region, panel, visible]);
}
