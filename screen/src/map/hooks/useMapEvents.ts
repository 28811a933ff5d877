// The map's input and instrumentation: a click on a region drills into it; the city map
// publishes map.project for the e2e tests and notes "map ready" for the first-frame figure.
import { useEffect, useRef } from 'react';
import type { MapLayerMouseEvent } from 'maplibre-gl';
import { noteReady } from '../../state/store.ts';
import { stats } from '../../stats.ts';
import type { MapHandle } from './useMapInstance.ts';

export function useRegionClicks(handle: MapHandle | null, onDrill: (code: string) => void): void {
  const drill = useRef(onDrill);
  drill.current = onDrill;
  useEffect(() => {
    if (!handle) return;
    const { map } = handle;
    const click = (e: MapLayerMouseEvent) => {
      const code = e.features?.[0]?.properties?.code;
      if (typeof code === 'string') drill.current(code);
    };
    const enter = () => (map.getCanvas().style.cursor = 'pointer');
    const leave = () => (map.getCanvas().style.cursor = '');
    map.on('click', 'regions-fill', click);
    map.on('mousemove', 'regions-fill', enter);
    map.on('mouseleave', 'regions-fill', leave);
    return () => {
      map.off('click', 'regions-fill', click);
      map.off('mousemove', 'regions-fill', enter);
      map.off('mouseleave', 'regions-fill', leave);
    };
  }, [handle]);
}

/** `drawnKey`: the city geometry set in the sources ('' = none yet) */
export function useMapStats(handle: MapHandle | null, exposeProject: boolean, drawnKey: string): void {
  useEffect(() => {
    if (!handle || !exposeProject) return;
    const { map } = handle;
    stats.project = (lng, lat) => {
      const p = map.project([lng, lat]);
      const box = map.getContainer().getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    };
  }, [handle, exposeProject]);

  useEffect(() => {
    if (exposeProject && drawnKey !== '') stats.mapDrawn = drawnKey;
  }, [exposeProject, drawnKey]);

  useEffect(() => {
    if (!handle || drawnKey === '') return;
    const { map } = handle;
    // "map ready": the region's shapes are drawn (not 'idle': live glow transitions keep the
    // map busy)
    const onRender = () => {
      if (!map.isSourceLoaded('regions') || !map.areTilesLoaded()) return;
      map.off('render', onRender);
      stats.mapLoaded = true;
      noteReady();
    };
    map.on('render', onRender);
    return () => {
      map.off('render', onRender);
    };
  }, [handle, drawnKey]);
}
