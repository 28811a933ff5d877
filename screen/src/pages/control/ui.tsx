// Small pieces the control page's sections share: a pressed/unpressed chip, a ticking clock, and
// the way a command is sent (one in flight, its refusal kept until dismissed).
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CommandResult, ControlCommand } from '../../../../server/contract/control.ts';

export function Chip({
  on,
  onClick,
  children,
  disabled = false,
  data,
}: {
  on: boolean;
  onClick: () => void;
  children: ReactNode;
  disabled?: boolean;
  data?: string;
}) {
  return (
    <button
      type="button"
      className={`c-chip${on ? ' is-on' : ''}`}
      aria-pressed={on}
      onClick={onClick}
      disabled={disabled}
      data-cmd={data}
    >
      {children}
    </button>
  );
}

/** now, re-rendering every `ms` */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** a refused command: what the server said and why */
export type Refusal = Extract<CommandResult, { ok: false }> & { command: string };

export type Run = (cmd: ControlCommand) => Promise<CommandResult>;

export function useRun(send: (cmd: ControlCommand) => Promise<CommandResult>): {
  run: Run;
  busy: boolean;
  refusal: Refusal | null;
  clear: () => void;
  refuse: (r: Refusal | null) => void;
} {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const run = useCallback(
    async (cmd: ControlCommand) => {
      setBusy(true);
      try {
        const r = await send(cmd);
        setRefusal(r.ok ? null : { ...r, command: cmd.type });
        return r;
      } finally {
        setBusy(false);
      }
    },
    [send],
  );
  return { run, busy, refusal, clear: useCallback(() => setRefusal(null), []), refuse: setRefusal };
}
