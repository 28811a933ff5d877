// Kiosk URL parameters: ?region=CODE&theme=SECONDS&lang=en&token=T&skin=command-blue
export type Lang = 'zh' | 'en';
export type Skin = 'party-red' | 'command-blue';

export interface WallParams {
  region: string;
  /** map theme rotation period in seconds; 0 = no rotation */
  rotationS: number;
  lang: Lang;
  token: string | undefined;
  skin: Skin;
}

export const DEFAULT_REGION = '610100';
export const DEFAULT_ROTATION_S = 30;
const REGION_RE = /^(\d{6}|\d{9}|\d{12})$/;

export function parseParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const region = q.get('region') ?? '';
  const theme = q.get('theme');
  const rotation = theme === null || theme === '' ? DEFAULT_ROTATION_S : Number(theme);
  const token = q.get('token');
  return {
    region: REGION_RE.test(region) ? region : DEFAULT_REGION,
    rotationS: Number.isFinite(rotation) && rotation >= 0 ? rotation : DEFAULT_ROTATION_S,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
    token: token === null || token === '' ? undefined : token,
    skin: q.get('skin') === 'command-blue' ? 'command-blue' : 'party-red',
  };
}
