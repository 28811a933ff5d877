// One MapLibre map (with one deck.gl overlay, not interleaved: the HeatmapLayer breaks when
// interleaved) for the life of the component. Data changes update sources, feature states and
// layer props; they never recreate the map.
import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, setWorkerUrl, type MapLayerMouseEvent } from 'maplibre-gl';
// the worker ships as its own file next to the bundle (its default URL is relative to the
// library file, which bundling moves)
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import { lazyFrames } from './lazyFrames.ts';
import type { GeoJSONSource, StyleSpecification } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import type { Palette } from '../palette.ts';
import { mapStyle, CITY_LAYERS, NATIONAL_LAYERS } from './style.ts';
import { LOCAL_IDEOGRAPH_FONT } from './fonts.ts';
import { boundsOf, CHINA_BOUNDS, labelPoints, loadChildren, loadChina, type Bounds, type GeoCollection } from './geo.ts';
import type { OrgPoint, RegionLevel, TickerItem } from '../../../server/contract/index.ts';
import { pickPulses } from './pulse.ts';
import { stats } from '../stats.ts';
import { noteReady } from '../state/store.ts';

export type MapViewKind = 'city' | 'national';

interface Props {
  width: number;
  height: number;
  view: MapViewKind;
  region: { code: string; level: RegionLevel } | null;
  /** child code → 0…1 colour position, or null for no data */
  values: Record<string, number | null>;
  orgs: OrgPoint[];
  layers: Layer[];
  pal: Palette;
  u: number;
  styleUrl: string | undefined;
  onDrill: (code: string) => void;
  onGeometry?: (fc: GeoCollection) => void;
  /** publish map.project on window.__wallStats (the city map) */
  exposeProject?: boolean;
  /** the live ticker: its new items' organisations pulse */
  ticker?: readonly TickerItem[] | undefined;
}

const GLOW_MS = 1200;
const PULSE_MS = 900;
/** pulse times older than this are dropped (the throttle's memory stays small) */
const PULSE_FORGET_MS = 10_000;
/** design px kept free above and below the fitted shape (breadcrumb and tabs; legend) */
const FIT_TOP_U = 66;
const FIT_BOTTOM_U = 66;

setWorkerUrl(workerUrl);

function setVisible(map: MapLibreMap, ids: string[], on: boolean): void {
  for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
}

export function MapView({ width, height, view, region, values, orgs, layers, pal, u, styleUrl, onDrill, onGeometry, exposeProject, ticker }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const wakeRef = useRef<() => void>(() => undefined);
  const [loaded, setLoaded] = useState(false);
  const [geomKey, setGeomKey] = useState('');
  const drill = useRef(onDrill);
  drill.current = onDrill;
  const geomCb = useRef(onGeometry);
  geomCb.current = onGeometry;
  const prev = useRef<Record<string, number | null>>({});

  useEffect(() => {
    const own = mapStyle(pal, u);
    const map = new MapLibreMap({
      container: el.current!,
      style: styleUrl ?? own,
      center: [108.94, 34.27],
      zoom: 7,
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
    const frames = lazyFrames(() => {
      // the overlay's Deck is private; it exists once the control is added
      const deck = (overlay as unknown as { _deck?: { needsRedraw(o: { clearRedrawFlags: boolean }): false | string; layerManager?: { needsUpdate(): false | string } | null } })._deck;
      return !deck || Boolean(deck.needsRedraw({ clearRedrawFlags: false })) || Boolean(deck.layerManager?.needsUpdate());
    });
    // animationFrameProvider is passed through Deck to its AnimationLoop
    const overlay = new MapLibreOverlay({ interleaved: false, layers: [], animationFrameProvider: frames.provider } as ConstructorParameters<typeof MapLibreOverlay>[0]);
    wakeRef.current = frames.wake;
    map.addControl(overlay);
    mapRef.current = map;
    overlayRef.current = overlay;
    stats.mapInstances++;
    stats.mapsCreated++;
    map.on('load', () => {
      if (styleUrl) addOwnLayers(map, own);
      if (exposeProject) {
        stats.project = (lng, lat) => {
          const p = map.project([lng, lat]);
          const box = map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        };
      }
      setLoaded(true);
    });
    map.on('click', 'regions-fill', (e: MapLayerMouseEvent) => {
      const code = e.features?.[0]?.properties?.code;
      if (typeof code === 'string') drill.current(code);
    });
    map.on('mousemove', 'regions-fill', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'regions-fill', () => (map.getCanvas().style.cursor = ''));
    return () => {
      map.removeControl(overlay);
      overlay.finalize();
      map.remove();
      mapRef.current = null;
      stats.mapInstances--;
    };
    // the map lives as long as the component; skin and unit are fixed per page
  }, []);

  useEffect(() => {
    mapRef.current?.resize();
  }, [width, height]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !region) return;
    let cancelled = false;
    setVisible(map, CITY_LAYERS, view === 'city');
    setVisible(map, NATIONAL_LAYERS, view === 'national');
    const fit = (b: Bounds | null) => {
      // the breadcrumb/tabs (top) and the legend/示意 note (bottom) sit over the map: the shape
      // is fitted between them, so no overlay covers a region
      const side = Math.round(36 * u);
      if (b) map.fitBounds(b, { padding: { top: Math.round(FIT_TOP_U * u), bottom: Math.round(FIT_BOTTOM_U * u), left: side, right: side }, duration: 0 });
    };
    if (view === 'national') {
      loadChina()
        .then((fc) => {
          if (cancelled) return;
          (map.getSource('china') as GeoJSONSource).setData(fc);
          (map.getSource('chinaLabels') as GeoJSONSource).setData(labelPoints({ type: 'FeatureCollection', features: fc.features.filter((f) => f.properties.code !== 'nanhai') }));
          const home = `${region.code.slice(0, 2)}0000`;
          map.setFeatureState({ source: 'china', id: home }, { home: true });
          // the data's own extent: the 南海诸岛 may be an inset or at true position
          fit(boundsOf(fc.features) ?? CHINA_BOUNDS);
        })
        .catch(() => undefined);
    } else {
      loadChildren(region.code, region.level)
        .then((fc) => {
          if (cancelled) return;
          (map.getSource('regions') as GeoJSONSource).setData(fc);
          (map.getSource('labels') as GeoJSONSource).setData(labelPoints(fc));
          prev.current = {};
          fit(boundsOf(fc.features));
          setGeomKey(`${region.code}:${fc.features.length}`);
          // "map ready" for the first-frame figure: the region's shapes are drawn
          // (not 'idle': live glow transitions keep the map busy)
          const onRender = () => {
            if (!map.isSourceLoaded('regions') || !map.areTilesLoaded()) return;
            map.off('render', onRender);
            stats.mapLoaded = true;
            noteReady();
          };
          map.on('render', onRender);
          geomCb.current?.(fc);
        })
        .catch(() => undefined);
    }
    return () => {
      cancelled = true;
    };
  }, [loaded, view, region?.code, region?.level, u]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || view !== 'city' || geomKey === '') return;
    const glowing: string[] = [];
    for (const [code, v] of Object.entries(values)) {
      const old = prev.current[code];
      const changed = old !== undefined && old !== v;
      map.setFeatureState({ source: 'regions', id: code }, { v: v ?? -1, glow: changed });
      if (changed) glowing.push(code);
    }
    prev.current = values;
    if (glowing.length === 0) return;
    const id = setTimeout(() => {
      for (const code of glowing) if (mapRef.current) mapRef.current.setFeatureState({ source: 'regions', id: code }, { glow: false });
    }, GLOW_MS);
    return () => clearTimeout(id);
  }, [values, loaded, view, geomKey]);

  // organisation pulses: the first ticker seen sets the baseline (no pulses for old items)
  const pulseSince = useRef<number | null>(null);
  const pulsedAt = useRef(new Map<string, number>());
  useEffect(() => {
    const map = mapRef.current;
    if (!ticker || ticker.length === 0) return;
    if (pulseSince.current === null || !map || !loaded || view !== 'city') {
      pulseSince.current = Math.max(pulseSince.current ?? 0, ...ticker.map((t) => t.ts));
      return;
    }
    const now = performance.now();
    const pick = pickPulses(ticker, pulseSince.current, pulsedAt.current, now);
    pulseSince.current = pick.newest;
    for (const org of pick.orgs) {
      pulsedAt.current.set(org, now);
      map.setFeatureState({ source: 'orgs', id: org }, { pulse: true });
    }
    for (const [org, at] of pulsedAt.current) if (now - at > PULSE_FORGET_MS) pulsedAt.current.delete(org);
    if (pick.orgs.length === 0) return;
    setTimeout(() => {
      for (const org of pick.orgs) mapRef.current?.setFeatureState({ source: 'orgs', id: org }, { pulse: false });
    }, PULSE_MS);
  }, [ticker, loaded, view]);

  useEffect(() => {
    overlayRef.current?.setProps({ layers });
    wakeRef.current();
  }, [layers]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    (map.getSource('orgs') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: orgs.map((o) => ({ type: 'Feature', properties: { id: o.id }, geometry: { type: 'Point', coordinates: [o.lng, o.lat] } })),
    });
  }, [orgs, loaded]);

  return <div ref={el} className="map-canvas" style={{ width, height }} />;
}

/** a customer's intranet style (mapStyleUrl) gets the wall's own sources and layers on top */
function addOwnLayers(map: MapLibreMap, own: StyleSpecification): void {
  for (const [id, src] of Object.entries(own.sources)) if (!map.getSource(id)) map.addSource(id, src);
  for (const layer of own.layers) if (layer.type !== 'background' && !map.getLayer(layer.id)) map.addLayer(layer);
}
