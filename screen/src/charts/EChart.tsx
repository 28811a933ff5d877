// One ECharts instance per panel for the life of the page: created on mount, fed with
// setOption (merge, not replace) on every update, resized with its box, disposed on unmount.
// The canvas renders at the device pixel ratio, and is painted inside the measured commit.
import { useContext, useLayoutEffect, useRef } from 'react';
import { isPagedOut, PagedSlotContext } from '../panels/pagedSlot.ts';
import { echarts, type ECOption } from './echarts.ts';
import { noteReady } from '../state/store.ts';
import { cancelChart, scheduleChart } from './scheduler.ts';
import { stats } from '../stats.ts';
import { optionDelta, serializeKeys, type OptionKeys } from './optionDelta.ts';

interface Props {
  option: ECOption;
  width: number;
  height: number;
  /** a change of option structure (e.g. theme/lang) that must replace, not merge */
  replaceKey?: string;
  /** panel name for the cost counters */
  name: string;
  /** the option is a placeholder (no data yet): does not count as painted */
  placeholder?: boolean;
}

export function EChart({ option, width, height, replaceKey, name, placeholder = false }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const painted = useRef(false);
  const lastKey = useRef<string | undefined>(undefined);
  /** what the chart shows, serialized per top-level key */
  const onChart = useRef<OptionKeys | null>(null);
  // hidden in a paged slot: the first paint happens (the wall's first frame needs every chart),
  // later ones wait until the panel is shown, then paint the delta to what it shows
  const pagedOut = isPagedOut(useContext(PagedSlotContext), name);

  useLayoutEffect(() => {
    const inst = echarts.init(el.current!, null, {
      renderer: 'canvas',
      devicePixelRatio: window.devicePixelRatio || 1,
      useDirtyRect: true,
    });
    chart.current = inst;
    stats.chartInstances++;
    stats.chartsCreated++;
    return () => {
      cancelChart(inst);
      inst.dispose();
      chart.current = null;
      stats.chartInstances--;
    };
  }, []);

  useLayoutEffect(() => {
    chart.current?.resize({ width, height });
  }, [width, height]);

  useLayoutEffect(() => {
    const inst = chart.current;
    if (!inst) return;
    if (pagedOut && painted.current) {
      cancelChart(inst);
      return;
    }
    const replace = lastKey.current !== replaceKey;
    lastKey.current = replaceKey;
    const keys = serializeKeys(option);
    // same content as on screen (a rebuilt but equal option): nothing to paint, and a waiting
    // older paint is obsolete
    const same = !replace && optionDelta(onChart.current, option, keys) === null;
    // setOption paints synchronously (lazyUpdate false): inside the measured commit. The delta
    // is taken when the paint runs, against what the chart then shows.
    const apply = () => {
      const t0 = performance.now();
      const delta = replace ? option : optionDelta(onChart.current, option, keys);
      onChart.current = keys;
      if (delta) inst.setOption(delta, { notMerge: replace, lazyUpdate: false, silent: true });
      const c = (stats.chartCost[name] ??= { n: 0, ms: 0 });
      c.n++;
      c.ms += performance.now() - t0;
    };
    if (same) cancelChart(inst);
    else if (painted.current && !replace) {
      scheduleChart(inst, apply);
      return;
    } else {
      cancelChart(inst);
      apply();
    }
    if (!painted.current && !placeholder) {
      painted.current = true;
      stats.chartsPainted++;
      noteReady();
    }
  }, [option, replaceKey, name, placeholder, pagedOut]);

  return <div ref={el} className="echart" style={{ width, height }} />;
}
