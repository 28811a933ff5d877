// Direct commands to the room: region, theme, language, a full-screen panel, standby, spotlight an
// alert, reset. The pressed chip is the room's state (the mirror), never a local guess.
import type { ApiAlert } from '../../../../server/contract/alerts.ts';
import { FULL_PANELS, MAP_THEMES, type RoomState } from '../../../../server/contract/control.ts';
import { SEVERITY_LABELS } from '../../i18n.ts';
import type { Lang } from '../../params.ts';
import type { RegionOption } from './api.ts';
import { LANG_LABELS, panelLabel, themeLabel, tt } from './strings.ts';
import { Chip, type Run } from './ui.tsx';

const SEVERITY_RANK = { red: 0, orange: 1, yellow: 2 } as const;

export function ViewControls({
  room,
  regions,
  alerts,
  lang,
  run,
  busy,
}: {
  room: RoomState;
  regions: readonly RegionOption[];
  alerts: readonly ApiAlert[];
  lang: Lang;
  run: Run;
  busy: boolean;
}) {
  const v = room.view;
  const firing = alerts
    .filter((a) => a.state === 'firing')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.region.localeCompare(b.region));
  return (
    <div className="ctl-controls" data-controls>
      <fieldset className="ctl-set">
        <legend>{tt(lang, 'region')}</legend>
        <div className="ctl-chips" data-regions>
          {regions.map((r) => (
            <Chip
              key={r.code}
              on={v.region === r.code}
              onClick={() => void run({ type: 'region', region: r.code })}
              disabled={busy}
              data={`region:${r.code}`}
            >
              {r.name}
            </Chip>
          ))}
        </div>
      </fieldset>
      <div className="ctl-row">
        <fieldset className="ctl-set">
          <legend>{tt(lang, 'theme')}</legend>
          <div className="ctl-chips">
            {MAP_THEMES.map((th) => (
              <Chip
                key={th}
                on={v.theme === th}
                onClick={() => void run({ type: 'theme', theme: th })}
                disabled={busy}
                data={`theme:${th}`}
              >
                {themeLabel(lang, th)}
              </Chip>
            ))}
          </div>
        </fieldset>
        <fieldset className="ctl-set">
          <legend>{tt(lang, 'lang')}</legend>
          <div className="ctl-chips">
            {(['zh', 'en'] as const).map((l) => (
              <Chip
                key={l}
                on={(room.langOverride ?? v.lang) === l}
                onClick={() => void run({ type: 'lang', lang: l })}
                disabled={busy}
                data={`lang:${l}`}
              >
                {LANG_LABELS[l]}
              </Chip>
            ))}
          </div>
        </fieldset>
        <fieldset className="ctl-set">
          <legend>{tt(lang, 'standby')}</legend>
          <div className="ctl-chips">
            <Chip
              on={v.standby}
              onClick={() => void run({ type: 'standby', on: !v.standby })}
              disabled={busy}
              data="standby"
            >
              {tt(lang, v.standby ? 'wake' : 'standby')}
            </Chip>
            <button
              type="button"
              className="c-btn c-btn-ghost"
              onClick={() => void run({ type: 'reset' })}
              disabled={busy}
              data-cmd="reset"
            >
              {tt(lang, 'reset')}
            </button>
          </div>
        </fieldset>
      </div>
      <fieldset className="ctl-set">
        <legend>{tt(lang, 'panel')}</legend>
        <div className="ctl-chips">
          <Chip
            on={v.panel === null}
            onClick={() => void run({ type: 'panel', panel: null })}
            disabled={busy}
            data="panel:none"
          >
            {tt(lang, 'back')}
          </Chip>
          {FULL_PANELS.map((p) => (
            <Chip
              key={p}
              on={v.panel === p}
              onClick={() => void run({ type: 'panel', panel: p })}
              disabled={busy}
              data={`panel:${p}`}
            >
              {panelLabel(lang, p)}
            </Chip>
          ))}
        </div>
      </fieldset>
      <fieldset className="ctl-set">
        <legend>{tt(lang, 'spotlight')}</legend>
        {firing.length === 0 ? (
          <p className="console-dim">{tt(lang, 'noAlerts')}</p>
        ) : (
          <div className="ctl-chips" data-spotlights>
            {v.spotlight && (
              <button
                type="button"
                className="c-btn c-btn-ghost"
                onClick={() => void run({ type: 'spotlight', fingerprint: null })}
                disabled={busy}
                data-cmd="spotlight:none"
              >
                {tt(lang, 'clearSpotlight')}
              </button>
            )}
            {firing.map((a) => (
              <Chip
                key={a.fingerprint}
                on={v.spotlight?.fingerprint === a.fingerprint}
                onClick={() => void run({ type: 'spotlight', fingerprint: a.fingerprint })}
                disabled={busy}
                data={`spotlight:${a.fingerprint}`}
              >
                <span className={`c-sev-dot sev-${a.severity}`} aria-label={SEVERITY_LABELS[a.severity][lang]} />
                {a.regionName} · {a.message[lang]}
              </Chip>
            ))}
          </div>
        )}
      </fieldset>
    </div>
  );
}
