// One MapLibre map and its deck.gl overlay for the life of the component (not interleaved: the
// HeatmapLayer breaks when interleaved). The handle appears once the style has loaded; data
// changes go through the other hooks and never recreate the map.
import { useEffect, useState, type RefObject } from 'react';
import { Map as MapLibreMap, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
// the worker ships as its own file next to the bundle (its default URL is relative to the
// library file, which bundling moves)
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Palette } from '../../palette.ts';
import { stats } from '../../stats.ts';
import { LOCAL_IDEOGRAPH_FONT } from '../fonts.ts';
import { lazyFrames } from '../lazyFrames.ts';
import { mapStyle } from '../style.ts';

export interface MapHandle {
  map: MapLibreMap;
  overlay: MapLibreOverlay;
  /** deck has new work (layers): give its loop animation frames again */
  wake: () => void;
}

interface Options {
  pal: Palette;
  u: number;
  styleUrl: string | undefined;
}

const START_CENTER: [lng: number, lat: number] = [108.94, 34.27];
const START_ZOOM = 7;

setWorkerUrl(workerUrl);

type OverlayProps = ConstructorParameters<typeof MapLibreOverlay>[0];

/** null until the map's style has loaded; the same handle for the life of the component */
export function useMapInstance(el: RefObject<HTMLDivElement | null>, { pal, u, styleUrl }: Options): MapHandle | null {
  const [handle, setHandle] = useState<MapHandle | null>(null);
  useEffect(() => {
    const own = mapStyle(pal, u);
    const map = new MapLibreMap({
      container: el.current!,
      style: styleUrl ?? own,
      center: START_CENTER,
      zoom: START_ZOOM,
      attributionControl: false,
      dragPan: false,
      scrollZoom: false,
      boxZoom: false,
      dragRotate: false,
      keyboard: false,
      doubleClickZoom: false,
      touchZoomRotate: false,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      pixelRatio: window.devicePixelRatio || 1,
      fadeDuration: 0,
    });
    const frames = lazyFrames();
    frames.wake(); // the deck's set-up (device, first draw) gets frames at once
    // deck draws only when something changed: a draw gets its loop the next animation frame
    // (multi-frame work draws every frame), otherwise it ticks slowly. animationFrameProvider is
    // handed by Deck's setProps to its luma.gl AnimationLoop; deck.gl's typings do not list it.
    const props = { interleaved: false, layers: [], onAfterRender: frames.drew };
    const overlay = new MapLibreOverlay({ ...props, animationFrameProvider: frames.provider } as OverlayProps);
    map.addControl(overlay);
    stats.mapInstances++;
    stats.mapsCreated++;
    map.on('load', () => {
      if (styleUrl) addOwnLayers(map, own);
      setHandle({ map, overlay, wake: frames.wake });
    });
    return () => {
      map.removeControl(overlay);
      overlay.finalize();
      map.remove();
      setHandle(null);
      stats.mapInstances--;
    };
    // the map lives as long as the component; skin, unit and style are fixed per page
  }, []);
  return handle;
}

/** a customer's intranet style (mapStyleUrl) gets the wall's own sources and layers on top */
function addOwnLayers(map: MapLibreMap, own: StyleSpecification): void {
  for (const [id, src] of Object.entries(own.sources)) if (!map.getSource(id)) map.addSource(id, src);
  for (const layer of own.layers) if (layer.type !== 'background' && !map.getLayer(layer.id)) map.addLayer(layer);
}

/** the canvas follows the panel's size */
export function useMapSize(handle: MapHandle | null, width: number, height: number): void {
  useEffect(() => {
    handle?.map.resize();
  }, [handle, width, height]);
}
