// The shapes of the current view: which layer set shows (city or national), the boundaries in
// the sources, and the camera fitted to them between the map's top and bottom overlays.
import { useEffect, useRef, useState } from 'react';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { NANHAI_CODE, type RegionLevel } from '../../../../geo/browser.ts';
import { boundsOf, CHINA_BOUNDS, labelPoints, loadChildren, loadChina, provinceCodeOf } from '../geo.ts';
import type { Bounds, RegionFeatureCollection } from '../geo.ts';
import { CITY_LAYERS, NATIONAL_LAYERS } from '../style.ts';
import type { MapHandle } from './useMapInstance.ts';

export type MapViewKind = 'city' | 'national';

/** design px kept free above and below the fitted shape (breadcrumb and tabs; legend) */
const FIT_TOP_U = 66;
const FIT_BOTTOM_U = 66;
const FIT_SIDE_U = 36;
/** a drill (down or up, by a click or a presenter) moves the camera over this long; a theme
 * change, a resize and the first picture are placed at once */
export const DRILL_MS = 800;

function setVisible(map: MapLibreMap, ids: string[], on: boolean): void {
  for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
}

/** the breadcrumb/tabs (top) and the legend/示意 note (bottom) sit over the map: the shape is
 * fitted between them, so no overlay covers a region */
function fit(map: MapLibreMap, b: Bounds | null, u: number, duration = 0): void {
  const side = Math.round(FIT_SIDE_U * u);
  const padding = { top: Math.round(FIT_TOP_U * u), bottom: Math.round(FIT_BOTTOM_U * u), left: side, right: side };
  if (b) map.fitBounds(b, { padding, duration });
}

/** a source gets new data only when the collection is another one: a theme rotation back to a
 * view already drawn re-fits the camera but does not make MapLibre re-tile the same shapes */
function setOnce(
  map: MapLibreMap,
  id: string,
  fc: RegionFeatureCollection,
  seen: Map<string, unknown>,
  data: () => object,
) {
  if (seen.get(id) === fc) return;
  seen.set(id, fc);
  (map.getSource(id) as GeoJSONSource).setData(data() as GeoJSON.GeoJSON);
}

const NO_INSET: RegionFeatureCollection = { type: 'FeatureCollection', features: [] };
const insets = new WeakMap<RegionFeatureCollection, RegionFeatureCollection>();

/** china.json's 南海诸岛 feature alone (one collection per china.json, so setOnce sees it again) */
function nanhaiOf(china: RegionFeatureCollection): RegionFeatureCollection {
  let fc = insets.get(china);
  if (!fc) {
    fc = { type: 'FeatureCollection', features: china.features.filter((f) => f.properties.code === NANHAI_CODE) };
    insets.set(china, fc);
  }
  return fc;
}

/** the key of the city geometry drawn ('' until the first): the choropleth follows it */
export function useRegionGeometry(
  handle: MapHandle | null,
  view: MapViewKind,
  region: { code: string; level: RegionLevel } | null,
  u: number,
  onGeometry: ((fc: RegionFeatureCollection) => void) | undefined,
): string {
  const [geomKey, setGeomKey] = useState('');
  const geomCb = useRef(onGeometry);
  geomCb.current = onGeometry;
  const seen = useRef(new Map<string, unknown>());
  /** the city view's region drawn last: another one is a drill, animated */
  const drawn = useRef<string | null>(null);
  /** the province highlighted as home on the national view */
  const homeShown = useRef<string | null>(null);
  const code = region?.code;
  const level = region?.level;

  useEffect(() => {
    if (!handle || !code || !level) return;
    const { map } = handle;
    let cancelled = false;
    setVisible(map, CITY_LAYERS, view === 'city');
    setVisible(map, NATIONAL_LAYERS, view === 'national');
    if (view === 'national') {
      loadChina()
        .then((fc) => {
          if (cancelled) return;
          setOnce(map, 'china', fc, seen.current, () => fc);
          const provinces = fc.features.filter((f) => f.properties.code !== NANHAI_CODE);
          setOnce(map, 'chinaLabels', fc, seen.current, () => labelPoints(provinces));
          // one home at a time: the region's province (none for the country's own wall)
          const home = provinceCodeOf(code);
          if (homeShown.current !== null && homeShown.current !== home)
            map.setFeatureState({ source: 'china', id: homeShown.current }, { home: false });
          homeShown.current = home;
          map.setFeatureState({ source: 'china', id: home }, { home: true });
          // the data's own extent: the 南海诸岛 may be an inset or at true position
          fit(map, boundsOf(fc.features) ?? CHINA_BOUNDS, u);
        })
        .catch(() => undefined);
    } else {
      // the country's children are the provinces: the 南海诸岛 are drawn beside them
      const inset = level === 'country' ? loadChina().then(nanhaiOf) : Promise.resolve(NO_INSET);
      Promise.all([loadChildren(code, level), inset])
        .then(([fc, nanhai]) => {
          if (cancelled) return;
          setOnce(map, 'regions', fc, seen.current, () => fc);
          setOnce(map, 'labels', fc, seen.current, () => labelPoints(fc.features));
          setOnce(map, 'inset', nanhai, seen.current, () => nanhai);
          const drill = drawn.current !== null && drawn.current !== code;
          drawn.current = code;
          fit(map, boundsOf([...fc.features, ...nanhai.features]), u, drill ? DRILL_MS : 0);
          setGeomKey(`${code}:${fc.features.length}`);
          geomCb.current?.(fc);
        })
        .catch(() => undefined);
    }
    return () => {
      cancelled = true;
    };
  }, [handle, view, code, level, u]);

  return geomKey;
}
