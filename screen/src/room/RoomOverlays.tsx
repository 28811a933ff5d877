// What a room puts over the wall (issue 11): standby (the emblem-coloured title and the clock),
// a spotlighted alert shown large, the takeover's countdown badge, the pairing code with its QR
// code (only while the console asked for it), the handover toast and the replay frame. A leaf:
// it renders four times a second for its countdowns, the wall does not.
import { useEffect, useState } from 'react';
import type { RoomState } from '../../../server/contract/control.ts';
import type { Snapshot } from '../../../server/contract/index.ts';
import { clockParts } from '../format.ts';
import { SEVERITY_LABELS, t } from '../i18n.ts';
import type { Lang } from '../params.ts';
import type { WallLayout } from '../pages/wall/layout.ts';
import { useNow } from '../useNow.ts';

/** how long a handover toast stays */
export const HANDOVER_SHOW_MS = 6000;

interface Props {
  room: RoomState;
  lang: Lang;
  layout: WallLayout;
  snap: Snapshot | null;
}

export function RoomOverlays({ room, lang, layout, snap }: Props) {
  const now = useNow(250);
  const { view, takeover, pairing, handover, replay } = room;
  const mapRect = layout.panels.map ?? layout.panels.mapNational;
  return (
    <>
      {replay ? <div className="room-replay-frame" data-room-replay /> : null}
      {takeover && !view.standby ? (
        <div className="room-takeover" data-room-takeover={takeover.fingerprint} style={badgeStyle(layout)}>
          <span className={`sev sev-${takeover.severity}`}>{t(lang, 'takeover')}</span>
          <span className="room-takeover-region">{takeover.regionName}</span>
          <span className="room-takeover-count" data-countdown>
            {Math.max(0, Math.ceil((takeover.until - now) / 1000))}
            {lang === 'zh' ? ' ' : ''}
            {t(lang, 'secondsLeft')}
          </span>
        </div>
      ) : null}
      {view.spotlight && !view.standby && mapRect ? (
        <Spotlight fingerprint={view.spotlight.fingerprint} snap={snap} lang={lang} rect={mapRect} now={now} />
      ) : null}
      {handover && now - handover.at < HANDOVER_SHOW_MS ? (
        <div className="room-toast" data-room-handover style={badgeStyle(layout)}>
          {t(lang, 'handover')}: {handover.from || '—'} → {handover.to}
        </div>
      ) : null}
      {view.standby ? <Standby lang={lang} regionName={snap?.region.name ?? null} now={now} /> : null}
      {pairing && pairing.code !== '' && now < pairing.until ? (
        <Pairing code={pairing.code} room={room.room} expiresAt={pairing.expiresAt} now={now} lang={lang} />
      ) : null}
    </>
  );
}

/** centred on the map, below its title, breadcrumb and theme switch */
function badgeStyle(layout: WallLayout): React.CSSProperties {
  const map = layout.panels.map;
  if (!map) return { left: layout.width / 2, top: layout.header.title.h + 24 * layout.u };
  return { left: map.x + map.w / 2, top: map.y + 104 * layout.u };
}

function Spotlight({
  fingerprint,
  snap,
  lang,
  rect,
  now,
}: {
  fingerprint: string;
  snap: Snapshot | null;
  lang: Lang;
  rect: WallLayout['panels']['map'] & object;
  now: number;
}) {
  const alert = snap?.alerting.alerts.find((a) => a.fingerprint === fingerprint);
  const w = Math.min(rect.w * 0.62, rect.h * 1.2);
  // the lower half of the map (the focused region stays visible above it); as tall as its text
  const style: React.CSSProperties = { left: rect.x + (rect.w - w) / 2, top: rect.y + rect.h * 0.5, width: w };
  if (!alert)
    return (
      <div className="room-spotlight" data-room-spotlight={fingerprint} style={style}>
        <div className="room-spotlight-title">{t(lang, 'spotlight')}</div>
        <div className="room-spotlight-msg">{snap?.region.name ?? ''}</div>
      </div>
    );
  const mins = alert.startsAt === null ? null : Math.max(0, Math.floor((now - alert.startsAt) / 60_000));
  return (
    <div className={`room-spotlight sev-${alert.severity}`} data-room-spotlight={fingerprint} style={style}>
      <div className="room-spotlight-title">
        <span className={`sev sev-${alert.severity}`}>{SEVERITY_LABELS[alert.severity][lang]}</span>
        {t(lang, 'spotlight')} · {alert.regionName}
      </div>
      <div className="room-spotlight-msg">{alert.message[lang]}</div>
      <div className="room-spotlight-meta">
        {mins !== null ? (lang === 'zh' ? `已持续 ${mins} 分钟` : `firing for ${mins} min`) : t(lang, 'alertNoData')}
        {alert.ack ? ` · ${t(lang, 'alertAcked')} ${alert.ack.by}` : ''}
      </div>
    </div>
  );
}

function Standby({ lang, regionName, now }: { lang: Lang; regionName: string | null; now: number }) {
  const c = clockParts(now);
  return (
    <div className="room-standby" data-room-standby>
      <div className="room-standby-title">
        {regionName ?? ''}
        {t(lang, 'titleSuffix')}
      </div>
      <div className="room-standby-clock">{c.time.slice(0, 5)}</div>
      <div className="room-standby-date">{c.date}</div>
      <div className="room-standby-motto">{t(lang, 'standbyMotto')}</div>
    </div>
  );
}

function Pairing({
  code,
  room,
  expiresAt,
  now,
  lang,
}: {
  code: string;
  room: string;
  expiresAt: number;
  now: number;
  lang: Lang;
}) {
  const [svg, setSvg] = useState<string | null>(null);
  const url = `${window.location.origin}/control?room=${encodeURIComponent(room)}&code=${code}`;
  useEffect(() => {
    let gone = false;
    // the QR encoder is its own chunk: a wall that never pairs never downloads it
    import('qrcode')
      .then((q) => q.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }))
      .then((s) => !gone && setSvg(s))
      .catch(() => !gone && setSvg(null));
    return () => {
      gone = true;
    };
  }, [url]);
  return (
    <div className="room-pairing" data-room-pairing={code}>
      <div className="room-pairing-title">{t(lang, 'pairingCode')}</div>
      <div className="room-pairing-code">
        {code.slice(0, 3)} {code.slice(3)}
      </div>
      {svg ? <div className="room-pairing-qr" dangerouslySetInnerHTML={{ __html: svg }} /> : null}
      <div className="room-pairing-hint">
        {t(lang, 'pairingHint')} · {Math.max(0, Math.ceil((expiresAt - now) / 1000))} s
      </div>
    </div>
  );
}
