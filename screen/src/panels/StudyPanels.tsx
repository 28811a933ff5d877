// Study panels: ranking by child region, hourly today vs yesterday, 30-day learners, exam pass rate.
import { useMemo } from 'react';
import type { Snapshot } from '../../../server/contract/index.ts';
import { dailyOption, gaugeOption, hourlyOption, rankingOption, type ChartCtx } from '../charts/options.ts';
import { formatNumber } from '../format.ts';
import { t } from '../i18n.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import { ChartPanel, chartBox } from './ChartPanel.tsx';

interface Props {
  snap: Snapshot | null;
  layout: WallLayout;
  ctx: ChartCtx;
  replaceKey: string;
}

export function StudyPanels({ snap, layout, ctx, replaceKey }: Props) {
  const { lang } = ctx;
  const p = layout.panels;
  const children = snap?.children;
  const study = snap?.study;
  const rankRows = p.ranking ? Math.max(5, Math.floor((p.ranking.h / ctx.u - 50) / 23)) : 0;
  const hourlyH = p.hourly ? chartBox(p.hourly, ctx.u).h : 0;
  const dailyH = p.daily ? chartBox(p.daily, ctx.u).h : 0;

  const ranking = useMemo(() => {
    const list = children ? Object.values(children) : [];
    if (list.length === 0 || list.every((c) => c.kpi.studyRateToday === null)) return null;
    return rankingOption(list, ctx, rankRows);
  }, [children, ctx, rankRows]);
  const hourly = useMemo(() => {
    if (!study || !snap) return null;
    if (study.hourlyToday.every((v) => v === 0) && study.hourlyYesterday.every((v) => v === 0)) return null;
    return hourlyOption(study, snap.asOf, snap.timeZone, ctx, hourlyH);
    // asOf moves every frame; the hour changes the picture only hourly
  }, [study, ctx, hourlyH, snap?.timeZone, snap ? Math.floor(snap.asOf / 3_600_000) : 0]);
  const daily = useMemo(
    () => (study && study.daily.some((d) => d.learners > 0) ? dailyOption(study.daily, ctx, dailyH) : null),
    [study?.daily, ctx, dailyH],
  );
  const rate = snap?.kpi.examPassRateToday ?? null;
  const exams = snap?.kpi.examsToday ?? 0;
  const exam = useMemo(
    () => (rate === null ? null : gaugeOption(rate, `${formatNumber(exams, lang)} ${t(lang, 'examsUnit')}`, ctx)),
    [rate, exams, ctx, lang],
  );

  return (
    <>
      {p.ranking ? (
        <ChartPanel
          id="ranking"
          rect={p.ranking}
          u={ctx.u}
          title={t(lang, 'panelRanking')}
          subtitle={undefined}
          option={ranking}
          emptyText={children && Object.keys(children).length === 0 ? t(lang, 'noChildren') : t(lang, 'noStudyToday')}
          replaceKey={replaceKey}
          ready={snap !== null}
        />
      ) : null}
      {p.hourly ? (
        <ChartPanel
          id="hourly"
          rect={p.hourly}
          u={ctx.u}
          title={t(lang, 'panelHourly')}
          subtitle={undefined}
          option={hourly}
          emptyText={t(lang, 'noStudyToday')}
          replaceKey={replaceKey}
          ready={snap !== null}
        />
      ) : null}
      {p.daily ? (
        <ChartPanel
          id="daily"
          rect={p.daily}
          u={ctx.u}
          title={t(lang, 'panelDaily')}
          subtitle={undefined}
          option={daily}
          emptyText={t(lang, 'noData')}
          replaceKey={replaceKey}
          ready={snap !== null}
        />
      ) : null}
      {p.exam ? (
        <ChartPanel
          id="exam"
          rect={p.exam}
          u={ctx.u}
          title={t(lang, 'panelExam')}
          subtitle={undefined}
          option={exam}
          emptyText={t(lang, 'noExamsToday')}
          replaceKey={replaceKey}
          ready={snap !== null}
        />
      ) : null}
    </>
  );
}
