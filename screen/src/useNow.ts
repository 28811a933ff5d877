import { useEffect, useState } from 'react';

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
