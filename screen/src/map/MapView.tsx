// One map for the life of the component, composed of hooks with one job each: the instance
// (MapLibre + the deck.gl overlay), the current view's geometry, the choropleth, organisation
// pulses, alert glows, org points and deck layers, clicks and stats. Data changes never recreate the map.
import { useRef } from 'react';
import type { Layer } from '@deck.gl/core';
import type { AlertPanel, OrgPoint, RegionLevel, TickerItem } from '../../../server/contract/index.ts';
import type { Palette } from '../palette.ts';
import type { RegionFeatureCollection } from './geo.ts';
import { useMapInstance, useMapSize } from './hooks/useMapInstance.ts';
import { useRegionGeometry, type MapViewKind } from './hooks/useRegionGeometry.ts';
import { useChoropleth } from './hooks/useChoropleth.ts';
import { usePulses } from './hooks/usePulses.ts';
import { useAlertGlow } from './hooks/useAlertGlow.ts';
import { useDeckLayers, useOrgPoints } from './hooks/useMapData.ts';
import { useMapStats, useRegionClicks } from './hooks/useMapEvents.ts';

export type { MapViewKind } from './hooks/useRegionGeometry.ts';

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
  onGeometry?: (fc: RegionFeatureCollection) => void;
  /** publish map.project on window.__wallStats (the city map) */
  exposeProject?: boolean;
  /** the live ticker: its new items' organisations pulse */
  ticker?: readonly TickerItem[] | undefined;
  /** the alert panel: a newly firing red alert's region glows once (the city map) */
  alerting?: AlertPanel | undefined;
  /** the child regions drawn (the codes an alert's glow may light) */
  childCodes?: readonly string[] | undefined;
}

const NO_CODES: readonly string[] = [];

export function MapView(props: Props) {
  const { width, height, view, region, values, orgs, layers, pal, u, styleUrl, onDrill, onGeometry, ticker } = props;
  const { alerting, childCodes = NO_CODES } = props;
  const el = useRef<HTMLDivElement>(null);
  const handle = useMapInstance(el, { pal, u, styleUrl });
  useMapSize(handle, width, height);
  const drawnKey = useRegionGeometry(handle, view, region, u, onGeometry);
  useChoropleth(handle, view, drawnKey, values);
  usePulses(handle, view, ticker);
  useAlertGlow(handle, view, drawnKey, region?.code, alerting, childCodes);
  useOrgPoints(handle, orgs);
  useDeckLayers(handle, layers);
  useRegionClicks(handle, onDrill);
  useMapStats(handle, props.exposeProject ?? false, drawnKey);
  return <div ref={el} className="map-canvas" style={{ width, height }} />;
}
