// What the map shows besides the regions: the organisation points (a GeoJSON source under the
// labels) and the deck.gl layers of the current view.
import { useEffect } from 'react';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import type { OrgPoint } from '../../../../server/contract/index.ts';
import type { MapHandle } from './useMapInstance.ts';

export function useOrgPoints(handle: MapHandle | null, orgs: readonly OrgPoint[]): void {
  useEffect(() => {
    if (!handle) return;
    (handle.map.getSource('orgs') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: orgs.map((o) => ({
        type: 'Feature',
        properties: { id: o.id },
        geometry: { type: 'Point', coordinates: [o.lng, o.lat] },
      })),
    });
  }, [handle, orgs]);
}

/** new layers reach deck and wake its loop; the same list (by identity) does nothing */
export function useDeckLayers(handle: MapHandle | null, layers: Layer[]): void {
  useEffect(() => {
    if (!handle) return;
    handle.overlay.setProps({ layers });
    handle.wake();
  }, [handle, layers]);
}
