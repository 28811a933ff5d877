// Colours of the two skins (WALL-DESIGN.md), shared by CSS variables, charts and the map.
import type { AlertSeverity } from '../../server/contract/index.ts';
import type { Skin } from './params.ts';

export type RGB = [r: number, g: number, b: number];

export interface Palette {
  text: string;
  textDim: string;
  accent: string;
  accent2: string;
  highlight: string;
  alert: string;
  /** the alert severities 红 橙 黄 (CSS --sev-red, --sev-orange, --sev-yellow); red is `alert` */
  severity: Record<AlertSeverity, string>;
  grid: string;
  /** choropleth ramp, low → high */
  ramp: string[];
  /** series colours: today, yesterday, … */
  series: string[];
  stage: Record<'applied' | 'approved' | 'received' | 'completed' | 'rejected', string>;
  noData: string;
  mapLine: string;
  mapLand: string;
  background: string;
}

export const PALETTES: Record<Skin, Palette> = {
  'party-red': {
    text: '#fff4e0',
    textDim: 'rgba(255,244,224,0.62)',
    accent: '#f5c56b',
    accent2: '#ffd88a',
    highlight: '#c8102e',
    alert: '#ff5a4f',
    severity: { red: '#ff5a4f', orange: '#f09b48', yellow: '#ffe45c' },
    grid: 'rgba(245,197,107,0.16)',
    ramp: ['#3a0709', '#5e0c12', '#86111b', '#b01e23', '#cf3e2a', '#e36f36', '#f09b48', '#f5c56b', '#ffe3a3'],
    series: ['#ffd88a', '#c8102e', '#f09b48', '#fff4e0'],
    stage: { applied: '#f5c56b', approved: '#f09b48', received: '#ff7f50', completed: '#7fdc8a', rejected: '#ff4d5e' },
    noData: '#3b2a2a',
    mapLine: 'rgba(255,216,138,0.75)',
    mapLand: '#2b0a0c',
    background: '#160204',
  },
  'command-blue': {
    text: '#ffffff',
    textDim: 'rgba(220,236,255,0.62)',
    accent: '#3fd0ff',
    accent2: '#8be6ff',
    highlight: '#3fd0ff',
    alert: '#e5484d',
    severity: { red: '#e5484d', orange: '#f5a524', yellow: '#ffe45c' },
    grid: 'rgba(63,208,255,0.16)',
    ramp: ['#071a3a', '#0a2a57', '#0d3d75', '#105493', '#136db0', '#1a8ccc', '#27aee3', '#3fd0ff', '#a6ecff'],
    series: ['#3fd0ff', '#7a8cff', '#35e0b0', '#ffffff'],
    stage: { applied: '#8be6ff', approved: '#3fd0ff', received: '#7a8cff', completed: '#35e0b0', rejected: '#e5484d' },
    noData: '#1d2940',
    mapLine: 'rgba(63,208,255,0.7)',
    mapLand: '#0a1a38',
    background: '#040d22',
  },
};

export function hexToRgb(hex: string): RGB {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** colour for t in 0…1 on a ramp (nearest stop; the legend shows the same stops) */
export function rampColor(ramp: string[], t: number): string {
  const i = Math.max(0, Math.min(ramp.length - 1, Math.round(t * (ramp.length - 1))));
  return ramp[i]!;
}
