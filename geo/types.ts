// Types of the region registry (geo/). Pure data; no framework imports.

export type RegionLevel = 'country' | 'province' | 'city' | 'county' | 'township' | 'village';
export type LngLat = [lng: number, lat: number];

export interface RegionRecord {
  /**
   * GB/T 2260 / NBS code: 6 digits for province (610000), city (610100) and county, 9 township,
   * 12 village; 100000 for the whole country
   */
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

/**
 * city/<code>.json: what the wall loads to draw one city down to townships. Its villages are in
 * county/<county code>.json (one file per county-level unit), fetched when the wall drills in.
 */
export interface CityBundle {
  code: string;
  name: string;
  /** the city's county-level units (empty for a city without counties, 东莞 441900) */
  counties: RegionFeatureCollection;
  /** illustrative (示意) township cells */
  townships: RegionFeatureCollection;
}
