// Types of the region registry (geo/). Pure data; no framework imports.

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';
export type LngLat = [lng: number, lat: number];

export interface RegionRecord {
  /** GB/T 2260 / NBS code: 6 digits for province (610000), city (610100) and county, 9 township, 12 village */
  code: string;
  name: string;
  level: RegionLevel;
  parent: string | null;
  /** township/village geometry is derived for illustration (示意), not surveyed */
  illustrative: boolean;
}

export interface RegionFeature {
  type: 'Feature';
  properties: {
    code: string;
    name: string;
    level: RegionLevel;
    illustrative: boolean;
    /** label point (pole of inaccessibility; a village's own point), GCJ-02 */
    label?: LngLat;
  };
  geometry: { type: 'Polygon'; coordinates: LngLat[][] } | { type: 'MultiPolygon'; coordinates: LngLat[][][] };
}
export interface RegionFeatureCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

/** geo/data/city/<code>.json: what the wall loads to draw one city down to villages. */
export interface CityBundle {
  code: string;
  name: string;
  counties: RegionFeatureCollection;
  /** illustrative (示意) township cells */
  townships: RegionFeatureCollection;
  /** illustrative (示意) village cells; each village's point is its properties.label */
  villages: RegionFeatureCollection;
}
