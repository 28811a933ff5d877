// The hero: the map with its breadcrumb, theme tabs, legend and 示意 note.
import { useMemo, useState } from 'react';
import type { Layer } from '@deck.gl/core';
import type { OrgPoint, RegionRef, Snapshot } from '../../../server/contract/index.ts';
import { t, type TextKey } from '../i18n.ts';
import type { Rect } from '../pages/wall/layout.ts';
import type { Lang } from '../params.ts';
import type { Palette } from '../palette.ts';
import { Panel } from '../panels/Panel.tsx';
import { MapView, type MapViewKind } from './MapView.tsx';
import { destinationDots, floatingArcs, floatingHeat, heatPoints, transferArcs } from './deckLayers.ts';
import { childLevel, illustrativeNote, type IllustrativeNote } from './geo.ts';
import { choroplethValues, THEMES, type MapTheme } from './themes.ts';

const NO_LAYERS: Layer[] = [];
const THEME_LABEL: Record<MapTheme, TextKey> = {
  study: 'themeStudy',
  floating: 'themeFloating',
  transfers: 'themeTransfers',
};

interface Props {
  id: 'map' | 'mapNational';
  rect: Rect;
  u: number;
  lang: Lang;
  pal: Palette;
  snap: Snapshot | null;
  orgs: OrgPoint[];
  view: MapViewKind;
  theme: MapTheme;
  onTheme?: ((t: MapTheme) => void) | undefined;
  crumbs?: RegionRef[] | undefined;
  onCrumb?: ((code: string) => void) | undefined;
  onDrill: (code: string) => void;
  styleUrl: string | undefined;
}

export function MapPanel({
  id,
  rect,
  u,
  lang,
  pal,
  snap,
  orgs,
  view,
  theme,
  onTheme,
  crumbs,
  onCrumb,
  onDrill,
  styleUrl,
}: Props) {
  const [illustrative, setIllustrative] = useState<IllustrativeNote>({ kind: 'none' });
  const region = snap ? { code: snap.region.code, level: snap.region.level } : null;
  const children = snap?.children;
  const values = useMemo(() => choroplethValues(children, theme), [children, theme]);
  const childCodes = useMemo(() => Object.keys(children ?? {}), [children]);
  const flows = snap?.transfers.flows;
  const fflows = snap?.floating.flows;
  const cells = snap?.floating.cells;
  // only the national view draws the heat: the city view does not convert cells it never shows
  const heat = useMemo(() => (view === 'national' ? heatPoints(cells ?? {}) : null), [cells, view]);
  // each view's layers follow only the data they draw
  const transfers = view === 'city' && theme === 'transfers' ? flows : undefined;
  const floating = heat === null ? undefined : fflows;
  const layers = useMemo<Layer[]>(() => {
    // only the layers of the current view exist: no shader work for what is not shown; a view
    // without deck layers keeps one empty list, so its data changes never reach deck
    if (heat === null) return transfers ? [transferArcs(Object.values(transfers), pal, u, true)] : NO_LAYERS;
    const ff = Object.values(floating ?? {});
    return [floatingHeat(heat, pal, u, true), floatingArcs(ff, pal, u, true), destinationDots(ff, pal, u, true)];
  }, [transfers, floating, heat, pal, u]);
  const drillable = snap ? childLevel(snap.region.level) !== null && snap.region.level !== 'township' : false;
  const title =
    view === 'national' ? t(lang, 'nationalView') : `${snap?.region.name ?? ''} · ${t(lang, THEME_LABEL[theme])}`;
  const bodyW = Math.round(rect.w - 4 * u);
  const bodyH = Math.round(rect.h - 44 * u);
  const rampCss = `linear-gradient(90deg, ${pal.ramp.join(', ')})`;
  const max =
    view === 'city' && theme !== 'study'
      ? Math.max(
          0,
          ...Object.values(children ?? {}).map((c) =>
            theme === 'transfers' ? c.kpi.transfersOpen : c.kpi.floatingMembers,
          ),
        )
      : 0;

  return (
    <Panel id={id} rect={rect} title={title} subtitle={undefined} bare>
      <div className="map-wrap" data-map-view={view} data-map-theme={theme}>
        <MapView
          width={bodyW}
          height={bodyH}
          view={view}
          region={region}
          values={values}
          exposeProject={id === 'map'}
          ticker={snap?.ticker}
          alerting={id === 'map' ? snap?.alerting : undefined}
          childCodes={childCodes}
          orgs={orgs}
          layers={layers}
          pal={pal}
          u={u}
          styleUrl={styleUrl}
          onDrill={drillable ? onDrill : () => undefined}
          onGeometry={(fc) => setIllustrative(illustrativeNote(fc.features))}
        />
        {crumbs && crumbs.length > 0 ? (
          <nav className="crumbs" data-breadcrumb>
            {crumbs.map((c, i) => (
              <span key={c.code}>
                {i > 0 ? <i className="crumb-sep">›</i> : null}
                {i < crumbs.length - 1 ? (
                  <button type="button" className="crumb" data-crumb={c.code} onClick={() => onCrumb?.(c.code)}>
                    {c.name}
                  </button>
                ) : (
                  <span className="crumb crumb-here" data-crumb={c.code}>
                    {c.name}
                  </span>
                )}
              </span>
            ))}
          </nav>
        ) : null}
        {onTheme ? (
          <div className="tabs" role="tablist">
            {THEMES.map((th) => (
              <button
                key={th}
                type="button"
                role="tab"
                aria-selected={th === theme}
                className={th === theme ? 'tab tab-on' : 'tab'}
                data-theme-tab={th}
                onClick={() => onTheme(th)}
              >
                {t(lang, THEME_LABEL[th])}
              </button>
            ))}
          </div>
        ) : null}
        {/* one row for the legend and the 示意 note: it wraps (note above) rather than overlap */}
        <div className="map-foot">
          {view === 'city' ? (
            <div className="legend">
              <span className="legend-title">
                {theme === 'study'
                  ? t(lang, 'legendStudy')
                  : t(lang, theme === 'transfers' ? 'legendTransfers' : 'themeFloating')}
              </span>
              <span className="legend-ramp" style={{ background: rampCss }} />
              <span className="legend-ticks">
                <span>{theme === 'study' ? '0%' : '0'}</span>
                <span>{theme === 'study' ? '100%' : String(max)}</span>
              </span>
              <span className="legend-nodata">
                <i style={{ background: pal.noData }} /> {t(lang, 'noData')}
              </span>
            </div>
          ) : (
            <div className="legend">
              <span className="legend-title">{t(lang, 'themeFloating')}</span>
              <span
                className="legend-ramp"
                style={{ background: `linear-gradient(90deg, ${pal.ramp.slice(3).join(', ')})` }}
              />
              <span className="legend-ticks">
                <span>{lang === 'zh' ? '少' : 'few'}</span>
                <span>{lang === 'zh' ? '多' : 'many'}</span>
              </span>
            </div>
          )}
          {view === 'city' && illustrative.kind !== 'none' ? (
            <div className="note-illustrative" data-illustrative={illustrative.kind}>
              {t(lang, 'illustrative')} · {noteText(illustrative, lang)}
            </div>
          ) : null}
        </div>
      </div>
    </Panel>
  );
}

/** the 示意 note's text: 乡镇、村界为示意… for the cells; 光明区界为示意… or 区县界为示意… above them */
function noteText(note: IllustrativeNote, lang: Lang): string {
  if (note.kind === 'none') return '';
  if (note.kind === 'cells') return t(lang, 'illustrativeNote');
  const sep = lang === 'zh' ? '、' : ', ';
  const what =
    note.kind === 'names'
      ? note.names.join(sep)
      : note.levels.map((l) => t(lang, l === 'city' ? 'illustrativeCities' : 'illustrativeCounties')).join(sep);
  return lang === 'zh' ? `${what}${t(lang, 'illustrativeRegions')}` : `${what} ${t(lang, 'illustrativeRegions')}`;
}
