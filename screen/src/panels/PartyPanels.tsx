// Party affairs panels: 党费 (dues this month, by child region), 发展党员 (the funnel, overdue
// probation, this year's new members) and 党员结构 (members by band, shares only). Pure views of
// the snapshot; each keeps one chart instance for the life of the page (ChartPanel).
import { useMemo } from 'react';
import type { Snapshot } from '../../../server/contract/index.ts';
import type { ChartCtx } from '../charts/options.ts';
import { developmentOption, duesOption, hasDevelopment, structureOption } from '../charts/partyOptions.ts';
import { formatNumber } from '../format.ts';
import { t } from '../i18n.ts';
import type { PanelId, Rect, WallLayout } from '../pages/wall/layout.ts';
import { ChartPanel, BODY_PAD_U, TITLE_U } from './ChartPanel.tsx';
import { KpiFigure } from './KpiFigure.tsx';

interface PanelProps {
  snap: Snapshot | null;
  rect: Rect;
  ctx: ChartCtx;
  replaceKey: string;
}

/** the aside of the figures: about a third of the panel, within what a 48 px number needs */
const asideU = (rect: Rect, u: number) => Math.round(Math.min(260, Math.max(176, (rect.w / u) * 0.36)));
const DUES_ROW_U = 24;
/** a wide structure panel (the ultra-wide zone) puts two dimensions side by side */
const STRUCTURE_TWO_COLUMNS_U = 1200;
/** a dimension's row: its band names (18 u) above a 26 u bar, and a gap */
const STRUCTURE_ROW_MIN_U = 52;
const STRUCTURE_COLUMN_MIN_U = 420;

export function DuesPanel({ snap, rect, ctx, replaceKey }: PanelProps) {
  const { lang, u } = ctx;
  const children = snap?.children;
  const rows = Math.max(4, Math.floor((rect.h / u - TITLE_U - BODY_PAD_U - 26) / DUES_ROW_U));
  const kpi = snap?.kpi;
  // nobody in the region has paid this month: a column of 0.0 % bars would say less than why
  const nonePaid = kpi !== undefined && kpi.duesPaidMonth === 0;
  const option = useMemo(() => {
    const list = children ? Object.values(children) : [];
    if (nonePaid || list.every((c) => c.kpi.duesRateMonth === null)) return null;
    return duesOption(list, ctx, rows);
  }, [children, ctx, rows, nonePaid]);
  const noChildren = children !== undefined && Object.keys(children).length === 0;
  const side = asideU(rect, u);
  return (
    <ChartPanel
      id="dues"
      rect={rect}
      u={u}
      title={t(lang, 'panelDues')}
      subtitle={undefined}
      option={option}
      emptyText={noChildren ? t(lang, 'noChildren') : nonePaid ? t(lang, 'noDues') : t(lang, 'noDuesRegions')}
      replaceKey={replaceKey}
      ready={snap !== null}
      asideU={side}
      aside={
        <div className="pfig-stack">
          <KpiFigure name="duesRateMonth" value={kpi?.duesRateMonth} lang={lang} size="big" />
          <KpiFigure name="duesAmountMonth" value={kpi?.duesAmountMonth} lang={lang} size="small" />
          <KpiFigure name="duesPaidMonth" value={kpi?.duesPaidMonth} lang={lang} size="small" />
        </div>
      }
    />
  );
}

export function DevelopmentPanel({ snap, rect, ctx, replaceKey }: PanelProps) {
  const { lang, u } = ctx;
  const stages = snap?.development.stages;
  const option = useMemo(
    () => (stages && hasDevelopment(stages) ? developmentOption(stages, ctx) : null),
    [stages, ctx],
  );
  const kpi = snap?.kpi;
  const overdue = kpi?.probationOverdue;
  const late = overdue !== undefined && overdue !== null && overdue > 0;
  return (
    <ChartPanel
      id="development"
      rect={rect}
      u={u}
      title={t(lang, 'panelDevelopment')}
      subtitle={undefined}
      option={option}
      emptyText={t(lang, 'noDevelopment')}
      replaceKey={replaceKey}
      ready={snap !== null}
      extra={<KpiFigure name="developmentOpen" value={kpi?.developmentOpen} lang={lang} size="inline" />}
      asideU={asideU(rect, u)}
      aside={
        <div className="pfig-stack">
          <KpiFigure name="probationOverdue" value={overdue} lang={lang} size="big" alert={late} />
          <KpiFigure name="newProbationaryYear" value={kpi?.newProbationaryYear} lang={lang} size="small" />
          <KpiFigure name="newFullYear" value={kpi?.newFullYear} lang={lang} size="small" />
        </div>
      }
    />
  );
}

export function StructurePanel({ snap, rect, ctx, replaceKey }: PanelProps) {
  const { lang, u } = ctx;
  const structure = snap?.structure;
  const widthU = Math.round((rect.w - 2 * BODY_PAD_U * u) / u);
  // four rows where they have the height, else two columns of two (also where the panel is wide)
  const rowU = (rect.h / u - TITLE_U - BODY_PAD_U) / 4;
  const twoFit = widthU >= 2 * STRUCTURE_COLUMN_MIN_U;
  const columns = widthU >= STRUCTURE_TWO_COLUMNS_U || (rowU < STRUCTURE_ROW_MIN_U && twoFit) ? 2 : 1;
  const option = useMemo(
    () => (structure && structure.members > 0 ? structureOption(structure, ctx, widthU, columns) : null),
    [structure, ctx, widthU, columns],
  );
  // the base of every share: which organizations report, and how many members they hold
  const base =
    structure && structure.members > 0 ? (
      <span className="structure-base" data-structure-orgs={structure.orgs} data-structure-members={structure.members}>
        {formatNumber(structure.orgs, lang)} {t(lang, 'structureBase')} · {formatNumber(structure.members, lang)}{' '}
        {t(lang, 'structureMembers')}
      </span>
    ) : undefined;
  return (
    <ChartPanel
      id="structure"
      rect={rect}
      u={u}
      title={t(lang, 'panelStructure')}
      subtitle={undefined}
      option={option}
      emptyText={t(lang, 'noStructure')}
      replaceKey={replaceKey}
      ready={snap !== null}
      extra={base}
    />
  );
}

/** where the paged slot is, and which page it shows: small dots at its foot */
function PagerDots({ rect, pages, page, u }: { rect: Rect; pages: PanelId[]; page: PanelId; u: number }) {
  const h = Math.round(10 * u);
  const style = { left: rect.x, top: rect.y + rect.h - h, width: rect.w, height: h };
  return (
    <div className="pager-dots" data-pager={page} style={style}>
      {pages.map((p) => (
        <i key={p} className={p === page ? 'pager-dot pager-dot-on' : 'pager-dot'} />
      ))}
    </div>
  );
}

interface Props {
  snap: Snapshot | null;
  layout: WallLayout;
  ctx: ChartCtx;
  replaceKey: string;
  /** the page the paged slot shows (16:9), null where every panel has its own place */
  page: PanelId | null;
}

export function PartyPanels({ snap, layout, ctx, replaceKey, page }: Props) {
  const p = layout.panels;
  const slot = layout.pages.length > 0 ? p[layout.pages[0]!] : undefined;
  return (
    <>
      {p.dues ? <DuesPanel snap={snap} rect={p.dues} ctx={ctx} replaceKey={replaceKey} /> : null}
      {p.development ? <DevelopmentPanel snap={snap} rect={p.development} ctx={ctx} replaceKey={replaceKey} /> : null}
      {p.structure ? <StructurePanel snap={snap} rect={p.structure} ctx={ctx} replaceKey={replaceKey} /> : null}
      {slot && page ? <PagerDots rect={slot} pages={layout.pages} page={page} u={ctx.u} /> : null}
    </>
  );
}
