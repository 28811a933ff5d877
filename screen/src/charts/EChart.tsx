// One ECharts instance per panel for the life of the page: created on mount, fed with
// setOption (merge, not replace) on every update, resized with its box, disposed on unmount.
// The canvas renders at the device pixel ratio, and is painted inside the measured commit.
import { useLayoutEffect, useRef } from 'react';
import { echarts, type ECOption } from './echarts.ts';
import { onAfterCommit, noteReady } from '../state/store.ts';
import { stats } from '../stats.ts';

interface Props {
  option: ECOption;
  width: number;
  height: number;
  /** a change of option structure (e.g. theme/lang) that must replace, not merge */
  replaceKey?: string;
}

export function EChart({ option, width, height, replaceKey }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const dirty = useRef(false);
  const painted = useRef(false);
  const lastKey = useRef<string | undefined>(undefined);

  useLayoutEffect(() => {
    const inst = echarts.init(el.current!, null, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio || 1 });
    chart.current = inst;
    stats.chartInstances++;
    stats.chartsCreated++;
    const off = onAfterCommit(() => {
      if (!dirty.current) return;
      dirty.current = false;
      // paint now, inside the measured commit, instead of on zrender's next frame
      inst.getZr().flush();
    });
    return () => {
      off();
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
    const replace = lastKey.current !== replaceKey;
    lastKey.current = replaceKey;
    inst.setOption(option, { notMerge: replace, lazyUpdate: false, silent: true });
    dirty.current = true;
    if (!painted.current) {
      painted.current = true;
      inst.getZr().flush();
      stats.chartsPainted++;
      noteReady();
    }
  }, [option, replaceKey]);

  return <div ref={el} className="echart" style={{ width, height }} />;
}
