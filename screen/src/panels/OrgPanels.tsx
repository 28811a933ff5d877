// Organisation-life panels: 三会一课, transfer pipeline, points leaderboard, floating destinations.
import { useMemo, useRef } from 'react';
import { EChart } from '../charts/EChart.tsx';
import type { ECOption } from '../charts/echarts.ts';
import type { Snapshot } from '../../../server/contract/index.ts';
import { gaugeOption, type ChartCtx } from '../charts/options.ts';
import {
  destinations,
  floatingOption,
  leaderboardOption,
  meetingsOption,
  transfersOption,
} from '../charts/orgOptions.ts';
import { formatKpi, formatNumber } from '../format.ts';
import { t } from '../i18n.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import { ChartPanel } from './ChartPanel.tsx';

interface Props {
  snap: Snapshot | null;
  layout: WallLayout;
  ctx: ChartCtx;
  replaceKey: string;
}

function Figure({ label, text, tone }: { label: string; text: string; tone?: 'alert' | undefined }) {
  return (
    <span className={tone === 'alert' ? 'figure figure-alert' : 'figure'}>
      <span className="figure-label">{label}</span>
      <span className="figure-num">{text}</span>
    </span>
  );
}

export function OrgPanels({ snap, layout, ctx, replaceKey }: Props) {
  const { lang, u } = ctx;
  const p = layout.panels;
  const meetings = snap?.meetings;
  const stages = snap?.transfers.stages;
  const leaderboard = snap?.leaderboard;
  const flows = snap?.floating.flows;
  const rows = (h: number) => Math.max(4, Math.floor((h / u - 56) / 28));

  const compliance = meetings && meetings.branches > 0 ? meetings.compliantBranches / meetings.branches : null;
  const meetingsTotal = meetings ? Object.values(meetings.byKind).reduce((a, b) => a + b, 0) : 0;
  const meetingBars = useMemo(
    () => (meetings && meetingsTotal > 0 ? meetingsOption(meetings, ctx) : null),
    [meetings, meetingsTotal, ctx],
  );
  const gauge = useMemo(
    () => (compliance === null ? null : gaugeOption(compliance, t(lang, 'compliance'), ctx, ctx.pal.highlight)),
    [compliance, ctx, lang],
  );
  const transfers = useMemo(
    () => (stages && Object.values(stages).some((v) => v > 0) ? transfersOption(stages, ctx) : null),
    [stages, ctx],
  );
  const lbRows = p.leaderboard ? rows(p.leaderboard.h) : 0;
  const board = useMemo(
    () => (leaderboard && leaderboard.length > 0 ? leaderboardOption(leaderboard, ctx, lbRows) : null),
    [leaderboard, ctx, lbRows],
  );
  const flRows = p.floating ? rows(p.floating.h) : 0;
  const dest = useMemo(() => (flows ? destinations(flows) : []), [flows]);
  const floating = useMemo(() => (dest.length > 0 ? floatingOption(dest, ctx, flRows) : null), [dest, ctx, flRows]);

  const attendance = formatKpi('attendanceRateMonth', snap?.kpi.attendanceRateMonth, lang);
  const overdue = snap?.transfers.overdue ?? 0;
  const ooc = snap?.floating.outOfContact ?? 0;
  const gaugeW = p.meetings ? Math.min(200, p.meetings.h / u - 50) : 0;

  return (
    <>
      {p.meetings ? (
        <ChartPanel
          id="meetings"
          rect={p.meetings}
          u={u}
          title={t(lang, 'panelMeetings')}
          subtitle={undefined}
          option={meetingBars}
          emptyText={t(lang, 'noMeetings')}
          replaceKey={replaceKey}
          ready={snap !== null}
          extra={
            <Figure label={t(lang, 'attendance')} text={attendance.empty ? attendance.text : `${attendance.text}%`} />
          }
          aside={<GaugeSlot option={gauge} u={u} size={gaugeW} replaceKey={replaceKey} ready={snap !== null} />}
          asideU={gaugeW}
        />
      ) : null}
      {p.transfers ? (
        <ChartPanel
          id="transfers"
          rect={p.transfers}
          u={u}
          title={t(lang, 'panelTransfers')}
          subtitle={undefined}
          option={transfers}
          emptyText={t(lang, 'noTransfers')}
          replaceKey={replaceKey}
          ready={snap !== null}
          extra={
            <Figure
              label={t(lang, 'overdue')}
              text={formatNumber(overdue, lang)}
              tone={overdue > 0 ? 'alert' : undefined}
            />
          }
        />
      ) : null}
      {p.leaderboard ? (
        <ChartPanel
          id="leaderboard"
          rect={p.leaderboard}
          u={u}
          title={t(lang, 'panelLeaderboard')}
          subtitle={undefined}
          option={board}
          emptyText={t(lang, 'noPoints')}
          replaceKey={replaceKey}
          ready={snap !== null}
        />
      ) : null}
      {p.floating ? (
        <ChartPanel
          id="floating"
          rect={p.floating}
          u={u}
          title={t(lang, 'panelFloating')}
          subtitle={undefined}
          option={floating}
          emptyText={t(lang, 'noFloating')}
          replaceKey={replaceKey}
          ready={snap !== null}
          extra={
            <Figure
              label={t(lang, 'outOfContact')}
              text={formatNumber(ooc, lang)}
              tone={ooc > 0 ? 'alert' : undefined}
            />
          }
        />
      ) : null}
    </>
  );
}

function GaugeSlot({
  option,
  u,
  size,
  replaceKey,
  ready,
}: {
  option: ECOption | null;
  u: number;
  size: number;
  replaceKey: string;
  ready: boolean;
}) {
  const last = useRef<ECOption>({ animation: false, series: [] });
  const everHad = useRef(false);
  if (option) {
    last.current = option;
    everHad.current = true;
  }
  const px = Math.round(size * u);
  return (
    <div style={{ visibility: option ? 'visible' : 'hidden' }}>
      <EChart
        option={last.current}
        width={px}
        height={px}
        replaceKey={replaceKey}
        name="compliance"
        placeholder={!option && !everHad.current && !ready}
      />
    </div>
  );
}
