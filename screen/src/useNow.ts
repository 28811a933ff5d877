import { useEffect, useRef, useState } from 'react';

const TICK_MS = 1000;

/** wall-clock time, re-rendering once a second (the clock only: keep it in a leaf component) */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(id);
  }, []);
  return now;
}

/** a value of the wall-clock time (e.g. live/stale), re-checked once a second: re-renders only
 * when the value changes, not on every tick (the whole wall must not render once a second) */
export function useTimed<T>(fn: (now: number) => T): T {
  const ref = useRef(fn);
  const [, setValue] = useState<T>(() => fn(Date.now()));
  useEffect(() => {
    ref.current = fn;
  });
  useEffect(() => {
    const id = setInterval(() => setValue(ref.current(Date.now())), TICK_MS);
    return () => clearInterval(id);
  }, []);
  return fn(Date.now());
}
