// Tours: scenes with dwell times, played into the room (play, pause, resume, next, prev, stop),
// edited here (steps, loop, whether a red alert may take over and for how long).
import { useState, type FormEvent } from 'react';
import { TAKEOVER_MAX_MS, TAKEOVER_MIN_MS, type Scene, type Tour } from '../../../../server/contract/control.ts';
import { newId } from './model.ts';
import { tt } from './strings.ts';
import { Card, FormActions, NameField, useDraft, type EditorProps, type LibraryProps } from './ui.tsx';

const TAKEOVER_MIN_S = TAKEOVER_MIN_MS / 1000;
const TAKEOVER_MAX_S = TAKEOVER_MAX_MS / 1000;
const DWELL_MIN_S = 3;
const DWELL_MAX_S = 3600;
const DEFAULT_DWELL_S = 30;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));

export function Tours({
  room,
  tours,
  scenes,
  api,
  lang,
  run,
  busy,
  onChanged,
  onError,
}: LibraryProps & {
  tours: readonly Tour[];
  scenes: readonly Scene[];
}) {
  const [editing, setEditing] = useState<Tour | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setEditing(null);
      onChanged();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };
  const current = room.tour;
  const blank = (): Tour => ({
    id: newId('tour', Date.now()),
    name: '',
    steps: scenes[0] ? [{ scene: scenes[0].id, dwellS: DEFAULT_DWELL_S }] : [],
    loop: true,
    takeover: false,
    takeoverS: 60,
  });
  return (
    <section className="ctl-tours" data-tours>
      {current && (
        <div className="c-actions ctl-transport" data-tour-transport>
          {current.playing ? (
            <button
              type="button"
              className="c-btn"
              onClick={() => void run({ type: 'tour.pause' })}
              disabled={busy}
              data-cmd="tour.pause"
            >
              ❚❚ {tt(lang, 'pause')}
            </button>
          ) : (
            <button
              type="button"
              className="c-btn c-btn-primary"
              onClick={() => void run({ type: 'tour.resume' })}
              disabled={busy}
              data-cmd="tour.resume"
            >
              ▶ {tt(lang, 'resume')}
            </button>
          )}
          <button type="button" className="c-btn" onClick={() => void run({ type: 'tour.prev' })} disabled={busy}>
            ◀ {tt(lang, 'prev')}
          </button>
          <button type="button" className="c-btn" onClick={() => void run({ type: 'tour.next' })} disabled={busy}>
            {tt(lang, 'next')} ▶
          </button>
          <button
            type="button"
            className="c-btn c-btn-ghost"
            onClick={() => void run({ type: 'tour.stop' })}
            disabled={busy}
            data-cmd="tour.stop"
          >
            ■ {tt(lang, 'stop')}
          </button>
        </div>
      )}
      <div className="c-actions">
        <button
          type="button"
          className="c-btn"
          onClick={() => setEditing(blank())}
          disabled={scenes.length === 0}
          data-new-tour
        >
          {tt(lang, 'newTour')}
        </button>
      </div>
      {editing && (
        <TourForm
          tour={editing}
          scenes={scenes}
          lang={lang}
          onSave={(t) => void act(() => api.putTour(t))}
          onCancel={() => setEditing(null)}
        />
      )}
      {tours.length === 0 ? (
        <p className="console-empty">{tt(lang, 'noTours')}</p>
      ) : (
        <ul className="ctl-cards">
          {tours.map((t) => {
            const on = current?.id === t.id;
            const total = t.steps.reduce((n, s) => n + s.dwellS, 0);
            return (
              <Card
                key={t.id}
                on={on}
                busy={busy}
                cmd={`tour.play:${t.id}`}
                onPlay={() => void run({ type: 'tour.play', id: t.id })}
                title={<>▶ {t.name}</>}
                detail={
                  <>
                    {t.steps.length} {tt(lang, 'steps')} · {total} s{t.loop ? ` · ${tt(lang, 'loop')}` : ''}
                    {t.takeover ? ` · ${tt(lang, 'takeover')} ${t.takeoverS} s` : ''}
                  </>
                }
                lang={lang}
                onEdit={() => setEditing(t)}
                onDelete={() => void act(() => api.deleteTour(t.id))}
                data={{ 'data-tour': t.id }}
              />
            );
          })}
        </ul>
      )}
    </section>
  );
}

function TourForm({
  tour,
  scenes,
  lang,
  onSave,
  onCancel,
}: EditorProps<Tour> & {
  tour: Tour;
  scenes: readonly Scene[];
}) {
  const [t, set] = useDraft(tour);
  const setStep = (i: number, patch: Partial<Tour['steps'][number]>) =>
    set({ steps: t.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const valid = t.name.trim() !== '' && t.steps.length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    onSave({
      ...t,
      name: t.name.trim(),
      steps: t.steps.map((s) => ({ ...s, dwellS: clamp(s.dwellS, DWELL_MIN_S, DWELL_MAX_S) })),
      takeoverS: clamp(t.takeoverS, TAKEOVER_MIN_S, TAKEOVER_MAX_S),
    });
  };
  return (
    <form className="c-form ctl-form" onSubmit={submit} data-form="tour">
      <NameField lang={lang} value={t.name} onChange={(name) => set({ name })} />
      <fieldset className="c-fieldset">
        <legend>{tt(lang, 'steps')}</legend>
        <ol className="ctl-steps">
          {t.steps.map((s, i) => (
            <li key={i} className="c-filter-row">
              <span className="c-count">{i + 1}</span>
              <label className="c-field c-field-inline">
                <span>{tt(lang, 'scene')}</span>
                <select value={s.scene} onChange={(e) => setStep(i, { scene: e.target.value })} name={`scene-${i}`}>
                  {scenes.map((sc) => (
                    <option key={sc.id} value={sc.id}>
                      {sc.name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="c-field c-field-inline">
                <span>{tt(lang, 'dwellS')}</span>
                <input
                  type="number"
                  inputMode="numeric"
                  min={DWELL_MIN_S}
                  max={DWELL_MAX_S}
                  value={s.dwellS}
                  onChange={(e) => setStep(i, { dwellS: Number(e.target.value) })}
                  name={`dwell-${i}`}
                  size={5}
                />
              </label>
              <button
                type="button"
                className="c-btn c-btn-small c-btn-ghost"
                onClick={() => set({ steps: t.steps.filter((_, j) => j !== i) })}
              >
                {tt(lang, 'remove')}
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="c-btn c-btn-small"
          onClick={() => set({ steps: [...t.steps, { scene: scenes[0]?.id ?? '', dwellS: DEFAULT_DWELL_S }] })}
          disabled={scenes.length === 0}
        >
          ＋ {tt(lang, 'addStep')}
        </button>
      </fieldset>
      <div className="c-filter-row">
        <label className="c-check">
          <input type="checkbox" checked={t.loop} onChange={(e) => set({ loop: e.target.checked })} name="loop" />
          {tt(lang, 'loop')}
        </label>
        <label className="c-check">
          <input
            type="checkbox"
            checked={t.takeover}
            onChange={(e) => set({ takeover: e.target.checked })}
            name="takeover"
          />
          {tt(lang, 'allowTakeover')}
        </label>
        <label className="c-field c-field-inline">
          <span>{tt(lang, 'takeoverS')}</span>
          <input
            type="number"
            inputMode="numeric"
            min={TAKEOVER_MIN_S}
            max={TAKEOVER_MAX_S}
            value={t.takeoverS}
            onChange={(e) => set({ takeoverS: Number(e.target.value) })}
            disabled={!t.takeover}
            name="takeoverS"
            size={4}
          />
        </label>
      </div>
      <FormActions lang={lang} canSave={valid} onCancel={onCancel} />
    </form>
  );
}
