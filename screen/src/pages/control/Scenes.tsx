// Saved scenes (一键切换): apply in one tap, create, edit, delete, and save the room's current view
// as a new scene. Stored by the server (PUT/DELETE /api/v1/control/scenes/:id).
import { useState, type FormEvent } from 'react';
import {
  FULL_PANELS,
  MAP_THEMES,
  type FullPanel,
  type RoomState,
  type Scene,
} from '../../../../server/contract/control.ts';
import { DEFAULT_REGION } from '../../params.ts';
import type { RegionOption } from './api.ts';
import { newId } from './model.ts';
import { regionName } from './Mirror.tsx';
import { LANG_LABELS, panelLabel, themeLabel, tt } from './strings.ts';
import { Card, FormActions, NameField, useDraft, type EditorProps, type LibraryProps } from './ui.tsx';

/** the room's view as a scene; `home`: the region when the room names none (the wall's own) */
export function sceneFromView(room: RoomState, name: string, now: number, home = DEFAULT_REGION): Scene {
  const v = room.view;
  return {
    id: newId('scene', now),
    name,
    region: v.region ?? home,
    theme: v.theme ?? 'study',
    panel: v.panel,
    lang: room.langOverride ?? v.lang ?? 'zh',
  };
}

export function Scenes({
  room,
  scenes,
  regions,
  home,
  api,
  lang,
  run,
  busy,
  onChanged,
  onError,
}: LibraryProps & {
  scenes: readonly Scene[];
  regions: readonly RegionOption[];
  /** the deployment's area: a scene's region when the room names none */
  home?: string;
}) {
  const [editing, setEditing] = useState<Scene | null>(null);
  const save = async (s: Scene) => {
    try {
      await api.putScene(s);
      setEditing(null);
      onChanged();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.deleteScene(id);
      onChanged();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="ctl-scenes" data-scenes>
      <div className="c-actions">
        <button
          type="button"
          className="c-btn c-btn-primary"
          onClick={() =>
            setEditing(sceneFromView(room, tt(lang, 'scene') + ' ' + (scenes.length + 1), Date.now(), home))
          }
          data-save-view
        >
          {tt(lang, 'saveView')}
        </button>
        <button
          type="button"
          className="c-btn"
          onClick={() => setEditing({ ...sceneFromView(room, '', Date.now(), home), panel: null })}
          data-new-scene
        >
          {tt(lang, 'newScene')}
        </button>
      </div>
      {editing && (
        <SceneForm
          scene={editing}
          regions={regions}
          lang={lang}
          onSave={(s) => void save(s)}
          onCancel={() => setEditing(null)}
        />
      )}
      {scenes.length === 0 ? (
        <p className="console-empty">{tt(lang, 'noScenes')}</p>
      ) : (
        <ul className="ctl-cards">
          {scenes.map((s) => {
            const on = room.view.scene === s.id;
            return (
              <Card
                key={s.id}
                on={on}
                busy={busy}
                cmd={`scene:${s.id}`}
                onPlay={() => void run({ type: 'scene', id: s.id })}
                title={s.name}
                detail={
                  <>
                    {regionName(s.region, regions)} · {themeLabel(lang, s.theme)} ·{' '}
                    {s.panel ? panelLabel(lang, s.panel) : tt(lang, 'wholeWall')} · {LANG_LABELS[s.lang]}
                  </>
                }
                lang={lang}
                onEdit={() => setEditing(s)}
                onDelete={() => void remove(s.id)}
                data={{ 'data-scene': s.id }}
                deleteData={{ 'data-delete-scene': s.id }}
              />
            );
          })}
        </ul>
      )}
    </section>
  );
}

function SceneForm({
  scene,
  regions,
  lang,
  onSave,
  onCancel,
}: EditorProps<Scene> & {
  scene: Scene;
  regions: readonly RegionOption[];
  /** the deployment's area: a scene's region when the room names none */
  home?: string;
}) {
  const [s, set] = useDraft(scene);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (s.name.trim() !== '') onSave({ ...s, name: s.name.trim() });
  };
  const options = regions.some((r) => r.code === s.region) ? regions : [{ code: s.region, name: s.region }, ...regions];
  return (
    <form className="c-form ctl-form" onSubmit={submit} data-form="scene">
      <div className="ctl-form-grid">
        <NameField lang={lang} value={s.name} onChange={(name) => set({ name })} />
        <label className="c-field">
          <span>{tt(lang, 'region')}</span>
          <select value={s.region} onChange={(e) => set({ region: e.target.value })} name="region">
            {options.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name} {r.code}
              </option>
            ))}
          </select>
        </label>
        <label className="c-field">
          <span>{tt(lang, 'theme')}</span>
          <select value={s.theme} onChange={(e) => set({ theme: e.target.value as Scene['theme'] })} name="theme">
            {MAP_THEMES.map((t) => (
              <option key={t} value={t}>
                {themeLabel(lang, t)}
              </option>
            ))}
          </select>
        </label>
        <label className="c-field">
          <span>{tt(lang, 'panel')}</span>
          <select
            value={s.panel ?? ''}
            onChange={(e) => set({ panel: e.target.value === '' ? null : (e.target.value as FullPanel) })}
            name="panel"
          >
            <option value="">{tt(lang, 'wholeWall')}</option>
            {FULL_PANELS.map((p) => (
              <option key={p} value={p}>
                {panelLabel(lang, p)}
              </option>
            ))}
          </select>
        </label>
        <label className="c-field">
          <span>{tt(lang, 'lang')}</span>
          <select value={s.lang} onChange={(e) => set({ lang: e.target.value === 'en' ? 'en' : 'zh' })} name="lang">
            <option value="zh">{LANG_LABELS.zh}</option>
            <option value="en">{LANG_LABELS.en}</option>
          </select>
        </label>
      </div>
      <FormActions lang={lang} canSave={s.name.trim() !== ''} onCancel={onCancel} />
    </form>
  );
}
