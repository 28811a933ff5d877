// Small pieces the control page's sections share: a pressed/unpressed chip, the way a command is
// sent (one in flight, its refusal kept until dismissed), and the scenes' and tours' cards and
// editor forms (a name field, save and cancel).
import { useCallback, useState, type ReactNode } from 'react';
import type { CommandResult, ControlCommand, RoomState } from '../../../../server/contract/control.ts';
import type { Lang } from '../../params.ts';
import type { ControlApi } from './api.ts';
import { tt } from './strings.ts';

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

/** what the scenes' and tours' sections both take */
export interface LibraryProps {
  room: RoomState;
  api: ControlApi;
  lang: Lang;
  run: Run;
  busy: boolean;
  /** the library changed: fetch it again */
  onChanged: () => void;
  onError: (message: string) => void;
}

/** data-* attributes, passed through as they are */
type DataAttrs = Record<`data-${string}`, string>;

/** a library card (a scene, a tour): one tap plays it, with edit and delete beside */
export function Card({
  on,
  busy,
  cmd,
  onPlay,
  title,
  detail,
  lang,
  onEdit,
  onDelete,
  data,
  deleteData,
}: {
  on: boolean;
  busy: boolean;
  /** the play button's data-cmd */
  cmd: string;
  onPlay: () => void;
  title: ReactNode;
  detail: ReactNode;
  lang: Lang;
  onEdit: () => void;
  onDelete: () => void;
  /** the card's own data-* attributes */
  data: DataAttrs;
  /** the delete button's data-* attributes */
  deleteData?: DataAttrs;
}) {
  return (
    <li className={`ctl-card${on ? ' is-on' : ''}`} {...data}>
      <button type="button" className="ctl-card-main" onClick={onPlay} disabled={busy} aria-pressed={on} data-cmd={cmd}>
        <strong>{title}</strong>
        <span className="console-dim">{detail}</span>
      </button>
      <div className="ctl-card-tools">
        <button type="button" className="c-btn c-btn-small" onClick={onEdit}>
          {tt(lang, 'edit')}
        </button>
        <button type="button" className="c-btn c-btn-small c-btn-ghost" onClick={onDelete} {...deleteData}>
          {tt(lang, 'delete')}
        </button>
      </div>
    </li>
  );
}

/** what an editor form takes besides the item: the words' language, and what to do with the item */
export interface EditorProps<T> {
  lang: Lang;
  onSave: (item: T) => void;
  onCancel: () => void;
}

/** an item being edited, and a setter taking a part of it */
export function useDraft<T extends object>(initial: T): [T, (patch: Partial<T>) => void] {
  const [draft, setDraft] = useState(initial);
  return [draft, (patch) => setDraft((x) => ({ ...x, ...patch }))];
}

/** an editor form's name field */
export function NameField({ lang, value, onChange }: { lang: Lang; value: string; onChange: (name: string) => void }) {
  return (
    <label className="c-field">
      <span>{tt(lang, 'name')}</span>
      <input value={value} maxLength={40} onChange={(e) => onChange(e.target.value)} name="name" required />
    </label>
  );
}

/** an editor form's save (submit) and cancel */
export function FormActions({ lang, canSave, onCancel }: { lang: Lang; canSave: boolean; onCancel: () => void }) {
  return (
    <div className="c-actions">
      <button type="submit" className="c-btn c-btn-primary" disabled={!canSave}>
        {tt(lang, 'save')}
      </button>
      <button type="button" className="c-btn c-btn-ghost" onClick={onCancel}>
        {tt(lang, 'cancel')}
      </button>
    </div>
  );
}
