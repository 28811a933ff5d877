// The MapLibre style: a background layer and GeoJSON sources only (no tiles, no glyph URL:
// MapLibre 6 draws the CJK labels from the local font), so the map makes zero requests.
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { Palette } from '../palette.ts';
import { FONT_STACK_LIST } from './fonts.ts';

const empty = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** fill colour from feature-state `v` (0…1; < 0 = no data) on the skin's ramp */
export function fillColor(pal: Palette): ExpressionSpecification {
  const stops: (number | string)[] = [];
  pal.ramp.forEach((c, i) => stops.push(i / (pal.ramp.length - 1), c));
  return [
    'case',
    ['<', ['coalesce', ['feature-state', 'v'], -1], 0],
    pal.noData,
    ['interpolate', ['linear'], ['feature-state', 'v'], ...stops] as unknown as ExpressionSpecification,
  ];
}

/** a newly firing red alert's region (useAlertGlow.ts): fades in and out over this, each way */
export const ALERT_GLOW_FADE_MS = 900;
export const ALERT_GLOW_LAYERS = ['regions-alert-fill', 'regions-alert-line'] as const;

/** the glow layers show the regions named here, and nothing when none */
export function alertGlowFilter(codes: readonly string[]): ExpressionSpecification {
  return ['in', ['get', 'code'], ['literal', [...codes]]];
}

export function mapStyle(pal: Palette, u: number): StyleSpecification {
  const halo = 'rgba(10,0,0,0.9)';
  const textSize = Math.round(17 * u);
  return {
    version: 8,
    sources: {
      context: { type: 'geojson', data: empty() },
      regions: { type: 'geojson', data: empty(), promoteId: 'code' },
      // the 南海诸岛 beside the provinces when the city view is the country's (never omitted)
      inset: { type: 'geojson', data: empty() },
      labels: { type: 'geojson', data: empty() },
      orgs: { type: 'geojson', data: empty(), promoteId: 'id' },
      china: { type: 'geojson', data: empty(), promoteId: 'code' },
      chinaLabels: { type: 'geojson', data: empty() },
    },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': pal.background, 'background-opacity': 0 } },
      {
        id: 'context-fill',
        type: 'fill',
        source: 'context',
        paint: { 'fill-color': pal.mapLand, 'fill-opacity': 0.55 },
      },
      {
        id: 'context-line',
        type: 'line',
        source: 'context',
        paint: { 'line-color': pal.mapLine, 'line-opacity': 0.25, 'line-width': 1 * u },
      },
      {
        id: 'regions-fill',
        type: 'fill',
        source: 'regions',
        paint: { 'fill-color': fillColor(pal), 'fill-opacity': 0.88 },
      },
      {
        id: 'regions-line',
        type: 'line',
        source: 'regions',
        paint: {
          'line-color': ['case', ['boolean', ['feature-state', 'glow'], false], '#ffffff', pal.mapLine],
          'line-width': ['case', ['boolean', ['feature-state', 'glow'], false], 3 * u, 1.3 * u],
          'line-width-transition': { duration: 600 },
        },
      },
      {
        id: 'inset-fill',
        type: 'fill',
        source: 'inset',
        paint: { 'fill-color': pal.mapLand, 'fill-opacity': 1 },
      },
      {
        id: 'inset-line',
        type: 'line',
        source: 'inset',
        paint: { 'line-color': pal.mapLine, 'line-width': 0.8 * u, 'line-opacity': 0.8 },
      },
      {
        // a newly firing red alert: its region glows once (useAlertGlow.ts animates the opacity)
        id: 'regions-alert-fill',
        type: 'fill',
        source: 'regions',
        filter: alertGlowFilter([]),
        paint: {
          'fill-color': pal.severity.red,
          'fill-opacity': 0,
          'fill-opacity-transition': { duration: ALERT_GLOW_FADE_MS, delay: 0 },
        },
      },
      {
        id: 'regions-alert-line',
        type: 'line',
        source: 'regions',
        filter: alertGlowFilter([]),
        paint: {
          'line-color': pal.severity.red,
          'line-width': 5 * u,
          'line-blur': 3 * u,
          'line-opacity': 0,
          'line-opacity-transition': { duration: ALERT_GLOW_FADE_MS, delay: 0 },
        },
      },
      {
        // organisations: small and dim, under the labels so names stay legible
        id: 'orgs',
        type: 'circle',
        source: 'orgs',
        paint: { 'circle-radius': 1.3 * u, 'circle-color': pal.accent2, 'circle-opacity': 0.35 },
      },
      {
        // an organisation where an event just happened: a ring that opens and fades (pulse.ts)
        id: 'org-pulse',
        type: 'circle',
        source: 'orgs',
        paint: {
          'circle-radius': ['case', ['boolean', ['feature-state', 'pulse'], false], 11 * u, 2 * u],
          'circle-radius-transition': { duration: 700 },
          'circle-color': pal.accent2,
          'circle-opacity': ['case', ['boolean', ['feature-state', 'pulse'], false], 0.25, 0],
          'circle-stroke-width': 1.5 * u,
          'circle-stroke-color': pal.accent2,
          'circle-stroke-opacity': ['case', ['boolean', ['feature-state', 'pulse'], false], 0.95, 0],
          'circle-opacity-transition': { duration: 900 },
          'circle-stroke-opacity-transition': { duration: 900 },
        },
      },
      {
        id: 'china-fill',
        type: 'fill',
        source: 'china',
        paint: {
          'fill-color': ['case', ['boolean', ['feature-state', 'home'], false], pal.highlight, pal.mapLand],
          'fill-opacity': ['case', ['==', ['get', 'code'], 'nanhai'], 1, 0.9],
        },
      },
      {
        id: 'china-line',
        type: 'line',
        source: 'china',
        paint: { 'line-color': pal.mapLine, 'line-width': 0.8 * u, 'line-opacity': 0.7 },
      },
      {
        id: 'labels',
        type: 'symbol',
        source: 'labels',
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT_STACK_LIST,
          'text-size': textSize,
          'text-allow-overlap': false,
          'text-padding': 2,
        },
        paint: { 'text-color': '#ffffff', 'text-halo-color': halo, 'text-halo-width': 2 * u },
      },
      {
        id: 'china-labels',
        type: 'symbol',
        source: 'chinaLabels',
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT_STACK_LIST,
          'text-size': Math.round(13 * u),
          'text-padding': 1,
        },
        paint: { 'text-color': 'rgba(255,255,255,0.75)', 'text-halo-color': halo, 'text-halo-width': 1.5 * u },
      },
    ],
  };
}

export const CITY_LAYERS = [
  'context-fill',
  'context-line',
  'regions-fill',
  'regions-line',
  'inset-fill',
  'inset-line',
  ...ALERT_GLOW_LAYERS,
  'orgs',
  'org-pulse',
  'labels',
];
export const NATIONAL_LAYERS = ['china-fill', 'china-line', 'china-labels'];
