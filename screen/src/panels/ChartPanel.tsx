// A panel holding one chart. An empty panel keeps its chart instance (hidden) and says why.
import { useRef, type ReactNode } from 'react';
import { EChart } from '../charts/EChart.tsx';
import type { ECOption } from '../charts/echarts.ts';
import type { Rect } from '../pages/wall/layout.ts';
import { Empty, Panel } from './Panel.tsx';

export const TITLE_U = 40;
export const BODY_PAD_U = 10;

interface Props {
  id: string;
  rect: Rect;
  u: number;
  title: string;
  subtitle: string | undefined;
  option: ECOption | null;
  emptyText: string;
  extra?: ReactNode;
  replaceKey: string;
  /** content beside the chart (left), e.g. a big figure */
  aside?: ReactNode;
  asideU?: number;
  /** the snapshot is here: an empty panel now counts as painted (it says why) */
  ready: boolean;
}

const EMPTY_OPTION: ECOption = { animation: false, series: [] };

/** the chart box inside a panel: what option builders that fit their axes to the height get */
export function chartBox(rect: Rect, u: number, asideU = 0, hasAside = false): { w: number; h: number } {
  const asideW = hasAside ? Math.round(asideU * u) : 0;
  return {
    w: Math.max(10, Math.round(rect.w - 2 * BODY_PAD_U * u - asideW)),
    h: Math.max(10, Math.round(rect.h - TITLE_U * u - BODY_PAD_U * u)),
  };
}

export function ChartPanel({
  id,
  rect,
  u,
  title,
  subtitle,
  option,
  emptyText,
  extra,
  replaceKey,
  aside,
  asideU = 0,
  ready,
}: Props) {
  const last = useRef<ECOption>(EMPTY_OPTION);
  if (option) last.current = option;
  const asideW = aside ? Math.round(asideU * u) : 0;
  const { w, h } = chartBox(rect, u, asideU, Boolean(aside));
  return (
    <Panel id={id} rect={rect} title={title} subtitle={subtitle} extra={extra}>
      <div className="chart-row">
        {aside ? (
          <div className="chart-aside" style={{ width: asideW }}>
            {aside}
          </div>
        ) : null}
        <div className="chart-box" style={{ width: w, height: h }}>
          <div style={{ visibility: option ? 'visible' : 'hidden' }}>
            <EChart
              option={last.current}
              width={w}
              height={h}
              replaceKey={replaceKey}
              name={id}
              placeholder={last.current === EMPTY_OPTION && !ready}
            />
          </div>
          {option ? null : <Empty text={emptyText} />}
        </div>
      </div>
    </Panel>
  );
}
