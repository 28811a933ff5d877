// deck.gl layers as cheap descriptors with stable ids, rebuilt on each data change.
import { ScatterplotLayer, ArcLayer } from '@deck.gl/layers';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Layer } from '@deck.gl/core';
import { cellToLatLng } from 'h3-js';
import type { FloatingFlow, TransferFlow } from '../../../server/contract/index.ts';
import { hexToRgb, type Palette, type RGB } from '../palette.ts';

export type HeatPoint = [lng: number, lat: number, members: number];

export function heatPoints(cells: Record<string, number>): HeatPoint[] {
  const out: HeatPoint[] = [];
  for (const [cell, members] of Object.entries(cells)) {
    try {
      const [lat, lng] = cellToLatLng(cell);
      out.push([lng, lat, members]);
    } catch {
      // an invalid cell id is skipped, never fatal
    }
  }
  return out;
}

const rgba = (hex: string, a: number): [number, number, number, number] =>
  [...hexToRgb(hex), a] as [number, number, number, number];

/** the dominant stage of a flow decides its colour; width grows with the cases */
export function transferColor(f: TransferFlow, pal: Palette): RGB {
  if (f.open >= f.completed && f.open >= f.rejected) return hexToRgb(pal.stage.applied);
  if (f.completed >= f.rejected) return hexToRgb(pal.stage.completed);
  return hexToRgb(pal.stage.rejected);
}

/** a city-wide snapshot can carry hundreds of flows: the wall draws the largest, readably */
export const MAX_TRANSFER_ARCS = 40;

const cases = (f: TransferFlow) => f.open + f.completed + f.rejected;

export function topTransferFlows(flows: TransferFlow[]): TransferFlow[] {
  return [...flows].sort((a, b) => cases(b) - cases(a)).slice(0, MAX_TRANSFER_ARCS);
}

export function transferArcs(flows: TransferFlow[], pal: Palette, u: number, visible: boolean): Layer {
  return new ArcLayer<TransferFlow>({
    id: 'transfer-arcs',
    data: topTransferFlows(flows),
    visible,
    getSourcePosition: (f) => f.fromPoint,
    getTargetPosition: (f) => f.toPoint,
    getSourceColor: (f) => [...transferColor(f, pal), 200] as [number, number, number, number],
    getTargetColor: (f) => [...transferColor(f, pal), 90] as [number, number, number, number],
    getWidth: (f) => (0.8 + 0.5 * Math.log2(1 + cases(f))) * u,
    widthUnits: 'pixels',
    getHeight: 0.5,
  });
}

export function floatingHeat(points: HeatPoint[], pal: Palette, u: number, visible: boolean): Layer {
  const stops = pal.ramp.slice(3).map((c) => hexToRgb(c));
  return new HeatmapLayer<HeatPoint>({
    id: 'floating-heat',
    data: points,
    visible,
    getPosition: (p) => [p[0], p[1]],
    getWeight: (p) => p[2],
    radiusPixels: Math.min(100, 38 * u),
    intensity: 2,
    threshold: 0.04,
    colorRange: stops,
    debounceTimeout: 0,
  });
}

export function floatingArcs(flows: FloatingFlow[], pal: Palette, u: number, visible: boolean): Layer {
  return new ArcLayer<FloatingFlow>({
    id: 'floating-arcs',
    data: flows,
    visible,
    getSourcePosition: (f) => f.fromPoint,
    getTargetPosition: (f) => f.toPoint,
    getSourceColor: rgba(pal.highlight, 110),
    getTargetColor: rgba(pal.accent2, 190),
    getWidth: (f) => (0.5 + Math.log2(1 + f.members) * 0.3) * u,
    widthUnits: 'pixels',
    getHeight: 0.35,
  });
}

export function destinationDots(flows: FloatingFlow[], pal: Palette, u: number, visible: boolean): Layer {
  return new ScatterplotLayer<FloatingFlow>({
    id: 'floating-dest',
    data: flows,
    visible,
    getPosition: (f) => f.toPoint,
    getRadius: (f) => (3 + Math.log2(1 + f.members)) * u,
    radiusUnits: 'pixels',
    getFillColor: rgba(pal.accent2, 200),
    stroked: true,
    getLineColor: [255, 255, 255, 180],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
  });
}
