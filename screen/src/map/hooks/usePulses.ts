// Organisation pulses on the city map: new ticker items' organisations get a feature-state
// ring (pulse.ts picks and throttles them). The first ticker seen is the baseline, so loading
// the page, or a view that was not showing, pulses nothing.
import { useEffect, useRef } from 'react';
import type { TickerItem } from '../../../../server/contract/index.ts';
import { pickPulses } from '../pulse.ts';
import type { MapHandle } from './useMapInstance.ts';
import type { MapViewKind } from './useRegionGeometry.ts';

const PULSE_MS = 900;
/** pulse times older than this are dropped (the throttle's memory stays small) */
const PULSE_FORGET_MS = 10_000;

type Ticker = readonly TickerItem[] | undefined;

export function usePulses(handle: MapHandle | null, view: MapViewKind, ticker: Ticker): void {
  const since = useRef<number | null>(null);
  const pulsedAt = useRef(new Map<string, number>());
  // a pulse ends on its own timer, whatever comes next; only the end of the map cancels it
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const live = timers.current;
    return () => live.forEach(clearTimeout);
  }, []);
  useEffect(() => {
    if (!ticker || ticker.length === 0) return;
    if (since.current === null || !handle || view !== 'city') {
      since.current = Math.max(since.current ?? 0, ...ticker.map((t) => t.ts));
      return;
    }
    const { map } = handle;
    const now = performance.now();
    const pick = pickPulses(ticker, since.current, pulsedAt.current, now);
    since.current = pick.newest;
    for (const org of pick.orgs) {
      pulsedAt.current.set(org, now);
      map.setFeatureState({ source: 'orgs', id: org }, { pulse: true });
    }
    for (const [org, at] of pulsedAt.current) if (now - at > PULSE_FORGET_MS) pulsedAt.current.delete(org);
    if (pick.orgs.length === 0) return;
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      for (const org of pick.orgs) map.setFeatureState({ source: 'orgs', id: org }, { pulse: false });
    }, PULSE_MS);
    timers.current.add(timer);
  }, [ticker, handle, view]);
}
