// The console's and the control page's header pieces: the page's title, the connection's badge,
// the language and sign-out buttons, and the banner while disconnected. Each page passes its own
// words.
import type { ReactNode } from 'react';

export type ChromeKey =
  'title' | 'subtitle' | 'live' | 'connecting' | 'disconnected' | 'disconnectedNote' | 'language' | 'signOut';
export type Words = (key: ChromeKey) => string;

export function Brand({ t }: { t: Words }) {
  return (
    <div className="console-brand">
      <h1>{t('title')}</h1>
      <span className="console-dim">{t('subtitle')}</span>
    </div>
  );
}

export function ConnectionBadge({ status, t }: { status: string; t: Words }) {
  return (
    <span className={`c-status c-status-${status}`} data-connection={status} role="status">
      <span className="c-dot" aria-hidden="true" />
      {t(status === 'live' ? 'live' : status === 'connecting' ? 'connecting' : 'disconnected')}
    </span>
  );
}

export function HeaderTools({ t, onLang, onSignOut }: { t: Words; onLang?: () => void; onSignOut?: () => void }) {
  return (
    <div className="console-tools">
      {onLang && (
        <button type="button" className="c-btn c-btn-ghost" onClick={onLang} data-lang-toggle>
          {t('language')}
        </button>
      )}
      {onSignOut && (
        <button type="button" className="c-btn c-btn-ghost" onClick={onSignOut}>
          {t('signOut')}
        </button>
      )}
    </div>
  );
}

/** shown while neither live nor connecting; `children`: what the page adds */
export function DisconnectedBanner({ status, t, children }: { status: string; t: Words; children?: ReactNode }) {
  if (status === 'live' || status === 'connecting') return null;
  return (
    <div className="console-banner" role="alert" data-disconnected>
      <strong>{t('disconnected')}</strong> · {t('disconnectedNote')}
      {children}
    </div>
  );
}
