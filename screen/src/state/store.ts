// The zustand store and its batching: messages from the socket are queued and applied in one
// state commit per animation frame (a burst of frames costs one render, not one per frame).
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { initialState, isLive, reduceAll, type WallMessage, type WallState } from './apply.ts';
import { checkFirstFrame, recordPhases, recordUpdate, stats } from '../stats.ts';
import { runPendingCharts, setQuietFlushObserver, withAllCharts } from '../charts/scheduler.ts';

setQuietFlushObserver((t0) => recordUpdate(t0));

/** fallback drain when rAF is throttled (hidden tab, headless without focus) */
const DRAIN_FALLBACK_MS = 250;
/** how often liveness is re-checked when nothing arrives (a silent server turns the wall stale
 * within 3 frame intervals + this) */
const LIVE_CHECK_MS = 250;

export const wallStore = createStore<WallState>(() => initialState(''));

let queue: WallMessage[] = [];
let scheduled = false;
let rafId = 0;
let timerId: ReturnType<typeof setTimeout> | undefined;
/** paint hooks run inside the measured commit (charts flush their canvas here) */
const afterCommit = new Set<() => void>();

export function onAfterCommit(fn: () => void): () => void {
  afterCommit.add(fn);
  return () => afterCommit.delete(fn);
}

function drain(): void {
  scheduled = false;
  cancelAnimationFrame(rafId);
  if (timerId !== undefined) clearTimeout(timerId);
  timerId = undefined;
  if (queue.length === 0) return;
  const batch = queue;
  queue = [];
  const t0 = performance.now();
  const prev = wallStore.getState();
  const next = reduceAll(prev, batch);
  const t1 = performance.now();
  let t2 = t1;
  if (next !== prev) {
    const commit = () => flushSync(() => wallStore.setState(next, true));
    if (next.snapshot !== prev.snapshot && batch.some((m) => m.kind === 'snapshot')) withAllCharts(commit);
    else commit();
    t2 = performance.now();
    for (const fn of afterCommit) fn();
    runPendingCharts();
  }
  const t3 = performance.now();
  recordPhases(t1 - t0, t2 - t1, t3 - t2);
  const applied = next.framesApplied - prev.framesApplied;
  const snapshotChanged = next.snapshot !== prev.snapshot;
  stats.commits++;
  stats.framesApplied = next.framesApplied;
  stats.seq = next.seq;
  stats.region = next.snapshot?.region.code ?? '';
  if (applied > 0 || snapshotChanged) {
    const ms = performance.now() - t0;
    recordUpdate(t0);
    // visible in a DevTools trace; cleared at once so the timeline buffer does not grow for days
    performance.measure?.('wall-commit', { start: t0, end: t0 + ms });
    performance.clearMeasures?.('wall-commit');
  }
  checkFirstFrame(next.snapshot !== null, stats.chartInstances);
}

export function dispatch(message: WallMessage): void {
  queue.push(message);
  if (scheduled) return;
  scheduled = true;
  rafId = requestAnimationFrame(drain);
  timerId = setTimeout(drain, DRAIN_FALLBACK_MS);
}

export function resetStore(region: string): void {
  queue = [];
  wallStore.setState(initialState(region), true);
}

export function useWall<T>(selector: (s: WallState) => T): T {
  return useStore(wallStore, selector);
}

/** re-check first-frame readiness outside a commit (map load, chart paint) */
export function noteReady(): void {
  checkFirstFrame(wallStore.getState().snapshot !== null, stats.chartInstances);
}

/** `isLive` of the store's state, re-checked on every commit and on a clock (so a server that
 * falls silent turns the wall stale even though nothing arrives). Renders its component only
 * when the answer flips: a heartbeat each second moves `lastDataAt`, not the wall. */
export function useLive(frameIntervalMs: number, now: () => number = Date.now): boolean {
  const [live, setLive] = useState(() => isLive(wallStore.getState(), now(), frameIntervalMs));
  useEffect(() => {
    const check = () => setLive(isLive(wallStore.getState(), now(), frameIntervalMs));
    check();
    const unsubscribe = wallStore.subscribe(check);
    const id = setInterval(check, LIVE_CHECK_MS);
    return () => {
      unsubscribe();
      clearInterval(id);
    };
  }, [frameIntervalMs, now]);
  return live;
}
