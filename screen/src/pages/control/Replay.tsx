// Replay of a past window into the room: a Beijing day or the last 24 h, speeds 1×…288×, pause,
// resume, stop, and a scrubber over [from, to] marked with the window's alerts that seeks on
// release. The replayed time is the room's clock (replayTimeAt), shown big.
import { useEffect, useRef, useState } from 'react';
import type { ApiAlert } from '../../../../server/contract/alerts.ts';
import { REPLAY_SPEEDS, type ReplaySpeed, type RoomState } from '../../../../server/contract/control.ts';
import type { Lang } from '../../params.ts';
import type { ControlApi } from './api.ts';
import { alertMarks, beijingDay, beijingTime, DAY_MS, dayWindow, replayTimeAt } from './model.ts';
import { tt } from './strings.ts';
import { Chip, type Run } from './ui.tsx';

export function Replay({
  room,
  api,
  lang,
  run,
  busy,
  now,
}: {
  room: RoomState;
  api: ControlApi;
  lang: Lang;
  run: Run;
  busy: boolean;
  now: number;
}) {
  const r = room.replay;
  const [day, setDay] = useState(() => beijingDay(now - DAY_MS));
  const [speed, setSpeed] = useState<ReplaySpeed>(60);
  const [drag, setDrag] = useState<number | null>(null);
  const [alerts, setAlerts] = useState<ApiAlert[]>([]);
  const from = r?.from;
  const to = r?.to;
  useEffect(() => {
    if (from === undefined || to === undefined) return;
    let gone = false;
    api.alerts({ from, to }).then(
      (a) => !gone && setAlerts(a),
      () => !gone && setAlerts([]),
    );
    return () => {
      gone = true;
    };
  }, [api, from, to]);

  const startDay = () => {
    const w = dayWindow(day);
    if (w) void run({ type: 'replay.start', from: w.from, to: Math.min(w.to, now), speed });
  };
  const startLast24h = () => void run({ type: 'replay.start', from: now - DAY_MS, to: now, speed });
  const pickSpeed = (s: ReplaySpeed) => {
    setSpeed(s);
    if (r) void run({ type: 'replay.speed', speed: s });
  };
  /** moved since the last release (a ref: a release right after a move comes before React
   * re-rendered with the dragged value, so the input's own value is what is sent) */
  const moved = useRef(false);
  const commit = (e: { currentTarget: HTMLInputElement }) => {
    if (!moved.current) return;
    moved.current = false;
    setDrag(null);
    void run({ type: 'replay.seek', at: Number(e.currentTarget.value) });
  };

  const at = r ? (drag ?? replayTimeAt(r, now)) : null;
  const marks = r ? alertMarks(alerts, r.from, r.to, lang) : [];
  return (
    <section className="ctl-replay" data-replay>
      <div className="c-filter-row">
        <label className="c-field c-field-inline">
          <span>{tt(lang, 'day')}</span>
          <input type="date" value={day} max={beijingDay(now)} onChange={(e) => setDay(e.target.value)} name="day" />
        </label>
        <button type="button" className="c-btn c-btn-primary" onClick={startDay} disabled={busy} data-cmd="replay.day">
          {tt(lang, 'start')}
        </button>
        <button type="button" className="c-btn" onClick={startLast24h} disabled={busy} data-cmd="replay.24h">
          {tt(lang, 'last24h')}
        </button>
      </div>
      <div className="c-filter-row" role="group" aria-label={tt(lang, 'speed')}>
        <span className="console-dim">{tt(lang, 'speed')}</span>
        {REPLAY_SPEEDS.map((s) => (
          <Chip key={s} on={(r?.speed ?? speed) === s} onClick={() => pickSpeed(s)} disabled={busy} data={`speed:${s}`}>
            {s}×
          </Chip>
        ))}
      </div>
      {r && at !== null ? (
        <div className="ctl-replay-live">
          <div className="ctl-replay-clock" data-replay-clock>
            <span className="console-dim">{tt(lang, 'replayed')}</span>
            <strong>{beijingTime(at)}</strong>
            <span className="console-dim">
              {beijingDay(at)} · {r.speed}×
            </span>
          </div>
          <div className="ctl-scrub">
            <input
              type="range"
              min={r.from}
              max={r.to}
              step={1000}
              value={at}
              onChange={(e) => {
                moved.current = true;
                setDrag(Number(e.target.value));
              }}
              onPointerUp={commit}
              onKeyUp={commit}
              onTouchEnd={commit}
              onBlur={commit}
              aria-label={tt(lang, 'replayed')}
              data-scrubber
            />
            <div className="ctl-marks" aria-label={tt(lang, 'alertsInWindow')}>
              {marks.map((m) => (
                <span
                  key={m.fingerprint}
                  className={`ctl-mark sev-${m.severity}`}
                  style={{ left: `${(m.pos * 100).toFixed(2)}%` }}
                  title={`${beijingTime(m.at)} ${m.label}`}
                  data-mark={m.fingerprint}
                />
              ))}
            </div>
            <div className="ctl-scrub-ends console-dim">
              <span>{beijingTime(r.from, true)}</span>
              <span>
                {marks.length} {tt(lang, 'alertsInWindow')}
              </span>
              <span>{beijingTime(r.to, true)}</span>
            </div>
          </div>
          <div className="c-actions">
            {r.playing ? (
              <button
                type="button"
                className="c-btn"
                onClick={() => void run({ type: 'replay.pause' })}
                disabled={busy}
                data-cmd="replay.pause"
              >
                ❚❚ {tt(lang, 'pause')}
              </button>
            ) : (
              <button
                type="button"
                className="c-btn c-btn-primary"
                onClick={() => void run({ type: 'replay.resume' })}
                disabled={busy}
                data-cmd="replay.resume"
              >
                ▶ {tt(lang, 'resume')}
              </button>
            )}
            <button
              type="button"
              className="c-btn c-btn-ghost"
              onClick={() => void run({ type: 'replay.stop' })}
              disabled={busy}
              data-cmd="replay.stop"
            >
              ■ {tt(lang, 'stop')}
            </button>
          </div>
        </div>
      ) : (
        <p className="console-dim">{tt(lang, 'replayNote')}</p>
      )}
    </section>
  );
}
