import { useEffect, useState } from 'react';

const TICK_MS = 1000;

/** wall-clock time, re-rendering once every `periodMs` (a second for the clock; coarser for
 * durations): keep it in a leaf component */
export function useNow(periodMs = TICK_MS): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}
