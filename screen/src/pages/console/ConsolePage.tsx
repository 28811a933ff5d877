// The operator console (issue 10, `/console`): sign in with an operator token, watch the alerts of
// the operator's region live (Socket.IO /console), and act on them over REST: acknowledge,
// silence, expire a silence; an alert's history and the last day's audit. Its own chunk: no map
// stack here (tests/e2e/chunks.test.ts).
import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { AlertHistoryEntry, ApiAlert, ApiSilence, AuditEntryView } from '../../../../server/contract/alerts.ts';
import { CONSOLE_TOKEN_STORAGE_KEY, tabStorage, type Lang, type WallParams } from '../../params.ts';
import { useNow } from '../../useNow.ts';
import { Brand, ConnectionBadge, DisconnectedBanner, HeaderTools, type Words } from '../chrome.tsx';
import { ConsoleApiError, createConsoleApi, type ConsoleApi, type SilenceRequest } from './api.ts';
import { useConsole, type ConsoleConnection } from './useConsole.ts';
import {
  age,
  applyFilters,
  formatTime,
  formatValue,
  groupCounts,
  inhibitedCount,
  groupOf,
  GROUPS,
  historyLines,
  NO_FILTERS,
  regionsOf,
  SEVERITIES,
  type AlertGroup,
  type Filters,
} from './model.ts';
import { RoomsTab } from './Rooms.tsx';
import { ct, eventLabel, GROUP_LABELS, SEVERITY_LABELS } from './strings.ts';
import './console.css';

const AGE_TICK_MS = 30_000;
const AUDIT_WINDOW_MS = 24 * 3_600_000;

export function ConsolePage({ params }: { params: WallParams }) {
  const [lang, setLang] = useState<Lang>(params.lang);
  const [token, setToken] = useState<string | undefined>(params.token);
  const conn = useConsole(token);
  const api = useMemo(() => (token === undefined ? null : createConsoleApi(token)), [token]);

  const toggleLang = useCallback(() => {
    const next: Lang = lang === 'zh' ? 'en' : 'zh';
    setLang(next);
    document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
    const url = new URL(window.location.href);
    if (next === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }, [lang]);
  const signIn = useCallback((t: string) => {
    try {
      tabStorage()?.setItem(CONSOLE_TOKEN_STORAGE_KEY, t);
    } catch {
      // quota or privacy mode: memory only
    }
    setToken(t);
  }, []);
  const signOut = useCallback(() => {
    try {
      tabStorage()?.removeItem(CONSOLE_TOKEN_STORAGE_KEY);
    } catch {
      // nothing stored
    }
    setToken(undefined);
  }, []);

  if (token === undefined || api === null || conn.status === 'unauthorized') {
    return (
      <SignIn
        lang={lang}
        onLang={toggleLang}
        onSignIn={signIn}
        refusal={conn.status === 'unauthorized' ? (conn.error?.message ?? '') : null}
      />
    );
  }
  return <ConsoleView conn={conn} api={api} lang={lang} onLang={toggleLang} onSignOut={signOut} />;
}

function SignIn({
  lang,
  onLang,
  onSignIn,
  refusal,
}: {
  lang: Lang;
  onLang: () => void;
  onSignIn: (token: string) => void;
  refusal: string | null;
}) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim() !== '') onSignIn(value.trim());
  };
  return (
    <div className="console console-signin-page">
      <form className="console-signin" onSubmit={submit} data-signin>
        <div className="console-signin-head">
          <h1>{ct(lang, 'title')}</h1>
          <button type="button" className="c-btn c-btn-ghost" onClick={onLang}>
            {ct(lang, 'language')}
          </button>
        </div>
        <p className="console-dim">{ct(lang, 'signInHint')}</p>
        {refusal !== null && (
          <p className="c-error" role="alert">
            <strong>{ct(lang, 'refusedToken')}</strong>
            {refusal ? <span className="c-error-msg">{refusal}</span> : null}
          </p>
        )}
        <label className="c-field">
          <span>{ct(lang, 'tokenLabel')}</span>
          <input
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            name="token"
            autoFocus
          />
        </label>
        <button type="submit" className="c-btn c-btn-primary" disabled={value.trim() === ''}>
          {ct(lang, 'signIn')}
        </button>
      </form>
    </div>
  );
}

type Tab = 'alerts' | 'silences' | 'audit' | 'rooms';
const TAB_LABELS = { alerts: 'tabAlerts', silences: 'tabSilences', audit: 'tabAudit', rooms: 'tabRooms' } as const;

export interface ConsoleViewProps {
  conn: ConsoleConnection;
  api: ConsoleApi;
  lang: Lang;
  onLang?: () => void;
  onSignOut?: () => void;
}

export function ConsoleView({ conn, api, lang, onLang, onSignOut }: ConsoleViewProps) {
  const [tab, setTab] = useState<Tab>('alerts');
  const now = useNow(AGE_TICK_MS);
  const words: Words = (k) => ct(lang, k);
  const { state, status } = conn;
  const live = status === 'live';
  const activeSilences = state?.silences.filter((s) => s.active).length ?? 0;
  return (
    <div className={`console${live ? '' : ' console-not-live'}`} data-status={status}>
      <header className="console-header">
        <Brand t={words} />
        <div className="console-who" data-operator>
          {state ? (
            <>
              <span className="console-dim">{ct(lang, 'operator')}</span> <strong>{state.operator.name}</strong>
              <span className="console-region">
                {state.operator.regionName} <span className="console-code">{state.operator.region}</span>
              </span>
            </>
          ) : null}
        </div>
        <div className="console-conn">
          <ConnectionBadge status={status} t={words} />
          <span className="console-eval" data-evaluated>
            <span className="console-dim">{ct(lang, 'evaluatedAt')}</span>{' '}
            {state?.evaluatedAt != null ? formatTime(state.evaluatedAt, lang) : ct(lang, 'neverEvaluated')}
          </span>
        </div>
        <HeaderTools t={words} onLang={onLang} onSignOut={onSignOut} />
      </header>
      <DisconnectedBanner status={status} t={words}>
        {conn.receivedAt !== null && (
          <>
            {' '}
            ({ct(lang, 'stateAsOf')} {formatTime(conn.receivedAt, lang)})
          </>
        )}
        {conn.error?.message ? <span className="console-dim"> — {conn.error.message}</span> : null}
      </DisconnectedBanner>
      <nav className="console-tabs" role="tablist">
        {(['alerts', 'silences', 'audit', 'rooms'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`c-tab${tab === t ? ' is-on' : ''}`}
            onClick={() => setTab(t)}
            data-tab={t}
          >
            {ct(lang, TAB_LABELS[t])}
            {t === 'alerts' && state ? <span className="c-count">{state.alerts.length}</span> : null}
            {t === 'silences' && state ? <span className="c-count">{activeSilences}</span> : null}
          </button>
        ))}
      </nav>
      <main className="console-main">
        {state === null ? (
          <p className="console-empty">{ct(lang, status === 'connecting' ? 'connecting' : 'disconnected')}</p>
        ) : tab === 'alerts' ? (
          <AlertsTab alerts={state.alerts} conn={conn} api={api} lang={lang} now={now} />
        ) : tab === 'silences' ? (
          <SilencesTab silences={state.silences} conn={conn} api={api} lang={lang} />
        ) : tab === 'audit' ? (
          <AuditTab api={api} lang={lang} region={state.operator.region} />
        ) : (
          <RoomsTab api={api} lang={lang} />
        )}
      </main>
    </div>
  );
}

function Chip<T extends string>({
  value,
  on,
  onPick,
  children,
  className = '',
}: {
  value: T;
  on: boolean;
  onPick: (v: T) => void;
  children: ReactNode;
  className?: string;
}) {
  return (
    <button
      type="button"
      className={`c-chip${on ? ' is-on' : ''} ${className}`}
      aria-pressed={on}
      onClick={() => onPick(value)}
      data-filter={value}
    >
      {children}
    </button>
  );
}

function AlertsTab({
  alerts,
  conn,
  api,
  lang,
  now,
}: {
  alerts: ApiAlert[];
  conn: ConsoleConnection;
  api: ConsoleApi;
  lang: Lang;
  now: number;
}) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const counts = useMemo(() => groupCounts(alerts, filters), [alerts, filters]);
  const hidden = useMemo(() => inhibitedCount(alerts, filters), [alerts, filters]);
  const shown = useMemo(() => applyFilters(alerts, filters), [alerts, filters]);
  const regions = useMemo(() => regionsOf(alerts), [alerts]);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const groups: AlertGroup[] = filters.group === 'all' ? [...GROUPS] : [filters.group];
  const known = regions.some((r) => r.code === filters.region);
  return (
    <section className="console-alerts">
      <div className="console-filters">
        <div className="c-filter-row" role="group" aria-label={ct(lang, 'state')} data-filter-group="state">
          <Chip value="all" on={filters.group === 'all'} onPick={() => set({ group: 'all' })}>
            {ct(lang, 'all')} <span className="c-count">{counts.all}</span>
          </Chip>
          {GROUPS.map((g) => (
            <Chip key={g} value={g} on={filters.group === g} onPick={(v) => set({ group: v })}>
              {GROUP_LABELS[g][lang]} <span className="c-count">{counts[g]}</span>
            </Chip>
          ))}
        </div>
        <div className="c-filter-row">
          <div role="group" aria-label={ct(lang, 'severity')} className="c-filter-set" data-filter-group="severity">
            <Chip value="all" on={filters.severity === 'all'} onPick={() => set({ severity: 'all' })}>
              {ct(lang, 'all')}
            </Chip>
            {SEVERITIES.map((s) => (
              <Chip key={s} value={s} on={filters.severity === s} onPick={(v) => set({ severity: v })}>
                <span className={`c-sev-dot sev-${s}`} aria-hidden="true" />
                {SEVERITY_LABELS[s][lang]}
              </Chip>
            ))}
          </div>
          <label className="c-field c-field-inline">
            <span>{ct(lang, 'region')}</span>
            <select
              value={known ? filters.region : ''}
              onChange={(e) => set({ region: e.target.value })}
              data-filter-region
            >
              <option value="">{ct(lang, 'allRegions')}</option>
              {regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name} {r.code}
                </option>
              ))}
            </select>
          </label>
          <label className="c-field c-field-inline">
            <span>{ct(lang, 'regionCode')}</span>
            <input
              inputMode="numeric"
              value={filters.region}
              onChange={(e) => set({ region: e.target.value.replace(/\D/g, '').slice(0, 12) })}
              placeholder="610113"
              size={12}
              data-filter-code
            />
          </label>
          <label className="c-field c-field-inline c-check">
            <input
              type="checkbox"
              checked={filters.inhibited}
              onChange={(e) => set({ inhibited: e.target.checked })}
              data-filter-inhibited
            />
            <span>
              {ct(lang, 'showInhibited')} <span className="c-count">{hidden}</span>
            </span>
          </label>
        </div>
      </div>
      {shown.length === 0 ? (
        <p className="console-empty">{ct(lang, 'noAlerts')}</p>
      ) : (
        groups.map((g) => {
          const rows = shown.filter((a) => groupOf(a) === g);
          if (rows.length === 0) return null;
          return (
            <div key={g} className="console-group" data-group={g}>
              <h2 className={`c-group-title group-${g}`}>
                {GROUP_LABELS[g][lang]} <span className="c-count">{rows.length}</span>
              </h2>
              <ul className="console-list">
                {rows.map((a) => (
                  <AlertRow key={a.fingerprint} alert={a} conn={conn} api={api} lang={lang} now={now} />
                ))}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}

/** what the server said, and its status when it answered */
function errorText(e: unknown): string {
  if (e instanceof ConsoleApiError) return e.status > 0 ? `${e.message} (HTTP ${e.status})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

/** an action in flight and what went wrong with the last one */
function useAction(): {
  busy: boolean;
  error: string | null;
  run: <T>(f: () => Promise<T>, then: (v: T) => void) => Promise<void>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(f: () => Promise<T>, then: (v: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      then(await f());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}

function ActionError({ lang, message, onClear }: { lang: Lang; message: string; onClear: () => void }) {
  return (
    <div className="c-error" role="alert" data-action-error>
      <strong>{ct(lang, 'actionFailed')}</strong>
      <span className="c-error-msg">{message}</span>
      <button type="button" className="c-btn c-btn-ghost c-btn-small" onClick={onClear}>
        {ct(lang, 'dismiss')}
      </button>
    </div>
  );
}

type Mode = null | 'ack' | 'silence';

function AlertRow({
  alert: a,
  conn,
  api,
  lang,
  now,
}: {
  alert: ApiAlert;
  conn: ConsoleConnection;
  api: ConsoleApi;
  lang: Lang;
  now: number;
}) {
  const [mode, setMode] = useState<Mode>(null);
  const [showHistory, setShowHistory] = useState(false);
  const action = useAction();
  const group = groupOf(a);
  const since = age(a, now, lang);
  const resolved = a.state === 'resolved';
  return (
    <li className={`c-alert sev-${a.severity} group-${group}`} data-fingerprint={a.fingerprint} data-row-group={group}>
      <div className="c-alert-sev">
        <span className={`c-sev-chip sev-${a.severity}`}>{SEVERITY_LABELS[a.severity][lang]}</span>
      </div>
      <div className="c-alert-body">
        <div className="c-alert-msg">{a.message[lang]}</div>
        <div className="c-alert-meta">
          <span className="c-meta-region">
            {a.regionName} <span className="console-code">{a.region}</span>
          </span>
          <span className={`c-state state-${group}`}>{GROUP_LABELS[group][lang]}</span>
          <span data-age>{since ?? ct(lang, 'notFired')}</span>
          <span className="c-meta-value">
            {ct(lang, 'value')} <strong>{formatValue(a.value, lang)}</strong> / {ct(lang, 'threshold')}{' '}
            {formatValue(a.threshold, lang)}
          </span>
          {a.flapping && <span className="c-badge c-badge-flap">{ct(lang, 'flapping')}</span>}
          {a.subject && <span className="console-dim">{a.subject}</span>}
        </div>
        {a.ack && (
          <div className="c-alert-ack" data-ack>
            ✓ {ct(lang, 'ackedBy')} <strong>{a.ack.by}</strong> · {formatTime(a.ack.at, lang)}
            {a.ack.comment ? <span className="c-ack-comment">“{a.ack.comment}”</span> : null}
          </div>
        )}
        {a.silencedBy.length > 0 && (
          <div className="c-alert-note">
            {ct(lang, 'silencedNote')} <span className="console-code">{a.silencedBy.join(', ')}</span>
          </div>
        )}
        {a.inhibitedBy && (
          <div className="c-alert-note">
            {ct(lang, 'inhibitedBy')} <span className="console-code">{a.inhibitedBy}</span>
          </div>
        )}
        <div className="c-actions">
          {a.ack === null ? (
            <button
              type="button"
              className="c-btn c-btn-primary"
              disabled={resolved || action.busy}
              aria-expanded={mode === 'ack'}
              onClick={() => setMode(mode === 'ack' ? null : 'ack')}
              data-action="ack"
            >
              {ct(lang, 'acknowledge')}
            </button>
          ) : (
            <button
              type="button"
              className="c-btn"
              disabled={action.busy}
              onClick={() => void action.run(() => api.unack(a.fingerprint), conn.patchAlert)}
              data-action="unack"
            >
              {ct(lang, 'unacknowledge')}
            </button>
          )}
          <button
            type="button"
            className="c-btn"
            disabled={action.busy}
            aria-expanded={mode === 'silence'}
            onClick={() => setMode(mode === 'silence' ? null : 'silence')}
            data-action="silence"
          >
            {ct(lang, 'silence')}
          </button>
          <button
            type="button"
            className="c-btn"
            aria-expanded={showHistory}
            onClick={() => setShowHistory((v) => !v)}
            data-action="history"
          >
            {ct(lang, showHistory ? 'hideHistory' : 'history')}
          </button>
          <a className="c-btn c-btn-link" href={a.link} target="_blank" rel="noopener noreferrer" data-wall-link>
            {ct(lang, 'openOnWall')} ↗
          </a>
        </div>
        {action.error !== null && <ActionError lang={lang} message={action.error} onClear={action.clear} />}
        {mode === 'ack' && (
          <AckForm
            lang={lang}
            busy={action.busy}
            onCancel={() => setMode(null)}
            onSubmit={(comment) =>
              void action.run(
                () => api.ack(a.fingerprint, comment),
                (r) => {
                  conn.patchAlert(r);
                  setMode(null);
                },
              )
            }
          />
        )}
        {mode === 'silence' && (
          <SilenceForm
            alert={a}
            lang={lang}
            busy={action.busy}
            onCancel={() => setMode(null)}
            onSubmit={(body) =>
              void action.run(
                () => api.silence(body),
                (s) => {
                  conn.patchSilence(s);
                  setMode(null);
                },
              )
            }
          />
        )}
        {showHistory && <History fingerprint={a.fingerprint} api={api} lang={lang} version={a.lastEvalAt} />}
      </div>
    </li>
  );
}

function AckForm({
  lang,
  busy,
  onSubmit,
  onCancel,
}: {
  lang: Lang;
  busy: boolean;
  onSubmit: (comment: string) => void;
  onCancel: () => void;
}) {
  const [comment, setComment] = useState('');
  const [tried, setTried] = useState(false);
  const empty = comment.trim() === '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!empty) onSubmit(comment.trim());
  };
  return (
    <form className="c-form" onSubmit={submit} data-form="ack">
      <CommentField lang={lang} comment={comment} setComment={setComment} invalid={tried && empty} autoFocus />
      <FormActions lang={lang} busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** confirm and cancel under a form */
function FormActions({ lang, busy, onCancel }: { lang: Lang; busy: boolean; onCancel: () => void }) {
  return (
    <div className="c-actions">
      <button type="submit" className="c-btn c-btn-primary" disabled={busy}>
        {ct(lang, busy ? 'working' : 'confirm')}
      </button>
      <button type="button" className="c-btn c-btn-ghost" onClick={onCancel}>
        {ct(lang, 'cancel')}
      </button>
    </div>
  );
}

/** the required comment of an acknowledgement or a silence */
function CommentField({
  lang,
  comment,
  setComment,
  invalid,
  autoFocus = false,
}: {
  lang: Lang;
  comment: string;
  setComment: (c: string) => void;
  invalid: boolean;
  autoFocus?: boolean;
}) {
  return (
    <>
      <label className="c-field">
        <span>
          {ct(lang, 'comment')} <span className="c-req">*</span>
        </span>
        <textarea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={ct(lang, 'commentPlaceholder')}
          rows={2}
          required
          aria-invalid={invalid}
          autoFocus={autoFocus}
        />
      </label>
      {invalid && <p className="c-hint-error">{ct(lang, 'commentRequired')}</p>}
    </>
  );
}

type Span = '1h' | '4h' | '24h' | 'resolved';
const SPAN_MS: Record<Exclude<Span, 'resolved'>, number> = {
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
  '24h': 24 * 3_600_000,
};
const SPAN_LABEL: Record<Span, 'h1' | 'h4' | 'h24' | 'untilResolved'> = {
  '1h': 'h1',
  '4h': 'h4',
  '24h': 'h24',
  resolved: 'untilResolved',
};

function SilenceForm({
  alert: a,
  lang,
  busy,
  onSubmit,
  onCancel,
}: {
  alert: ApiAlert;
  lang: Lang;
  busy: boolean;
  onSubmit: (body: SilenceRequest) => void;
  onCancel: () => void;
}) {
  const [span, setSpan] = useState<Span>('1h');
  const [onlyRule, setOnlyRule] = useState(true);
  const [region, setRegion] = useState(a.region);
  const [descendants, setDescendants] = useState(false);
  const [comment, setComment] = useState('');
  const [tried, setTried] = useState(false);
  const empty = comment.trim() === '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (empty || region.trim() === '') return;
    const body: SilenceRequest = {
      matchers: { ...(onlyRule ? { rule: a.rule } : {}), region: region.trim(), descendants },
      comment: comment.trim(),
    };
    if (span === 'resolved') body.untilResolved = true;
    else body.endsAt = Date.now() + SPAN_MS[span];
    onSubmit(body);
  };
  return (
    <form className="c-form" onSubmit={submit} data-form="silence">
      <fieldset className="c-fieldset">
        <legend>{ct(lang, 'silenceFor')}</legend>
        <div className="c-filter-row">
          {(['1h', '4h', '24h', 'resolved'] as const).map((s) => (
            <label key={s} className={`c-chip c-radio${span === s ? ' is-on' : ''}`}>
              <input type="radio" name="span" value={s} checked={span === s} onChange={() => setSpan(s)} />
              {ct(lang, SPAN_LABEL[s])}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="c-filter-row">
        <label className="c-check">
          <input type="checkbox" checked={onlyRule} onChange={(e) => setOnlyRule(e.target.checked)} />
          {ct(lang, 'onlyThisRule')} <span className="console-code">{a.rule}</span>
        </label>
        <label className="c-field c-field-inline">
          <span>{ct(lang, 'region')}</span>
          <input
            inputMode="numeric"
            value={region}
            onChange={(e) => setRegion(e.target.value.replace(/\D/g, '').slice(0, 12))}
            size={12}
            name="region"
          />
        </label>
        <label className="c-check">
          <input
            type="checkbox"
            checked={descendants}
            onChange={(e) => setDescendants(e.target.checked)}
            name="descendants"
          />
          {ct(lang, 'descendants')}
        </label>
      </div>
      <CommentField lang={lang} comment={comment} setComment={setComment} invalid={tried && empty} />
      <FormActions lang={lang} busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** an alert's history, fetched when opened and again when the alert changes */
function History({
  fingerprint,
  api,
  lang,
  version,
}: {
  fingerprint: string;
  api: ConsoleApi;
  lang: Lang;
  version: number;
}) {
  const [entries, setEntries] = useState<AlertHistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    api.history(fingerprint).then(
      (e) => !gone && (setEntries(e), setError(null)),
      (e: unknown) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [api, fingerprint, version]);
  if (error !== null) return <ActionError lang={lang} message={error} onClear={() => setError(null)} />;
  if (entries === null) return <p className="console-dim c-history">{ct(lang, 'historyLoading')}</p>;
  if (entries.length === 0) return <p className="console-dim c-history">{ct(lang, 'historyEmpty')}</p>;
  return (
    <ol className="c-history" data-history>
      {historyLines(entries).map((line) =>
        line.kind === 'entry' ? (
          <li key={`${line.entry.at}-${line.entry.event}`} className="c-history-entry">
            <span className="c-history-time">{formatTime(line.entry.at, lang)}</span>
            <span className={`c-history-event ev-${line.entry.event}`}>{eventLabel(lang, line.entry.event)}</span>
            {line.entry.by && <strong>{line.entry.by}</strong>}
            {line.entry.comment && <span className="c-ack-comment">“{line.entry.comment}”</span>}
          </li>
        ) : (
          <li key={`flap-${line.from}`} className="c-history-entry c-history-flap" data-flapping-run>
            <details>
              <summary>
                <span className="c-history-time">
                  {formatTime(line.from, lang)} – {formatTime(line.to, lang, false)}
                </span>
                <span className="c-badge c-badge-flap">
                  {line.entries.length} {ct(lang, 'flappingRun')}
                </span>
              </summary>
              <ol>
                {line.entries.map((e) => (
                  <li key={`${e.at}-${e.event}`}>
                    <span className="c-history-time">{formatTime(e.at, lang)}</span> {eventLabel(lang, e.event)}
                  </li>
                ))}
              </ol>
            </details>
          </li>
        ),
      )}
    </ol>
  );
}

function SilencesTab({
  silences,
  conn,
  api,
  lang,
}: {
  silences: ApiSilence[];
  conn: ConsoleConnection;
  api: ConsoleApi;
  lang: Lang;
}) {
  const sorted = useMemo(
    () => [...silences].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt - a.createdAt),
    [silences],
  );
  if (sorted.length === 0) return <p className="console-empty">{ct(lang, 'noSilences')}</p>;
  return (
    <ul className="console-list" data-silences>
      {sorted.map((s) => (
        <SilenceRow key={s.id} silence={s} conn={conn} api={api} lang={lang} />
      ))}
    </ul>
  );
}

function SilenceRow({
  silence: s,
  conn,
  api,
  lang,
}: {
  silence: ApiSilence;
  conn: ConsoleConnection;
  api: ConsoleApi;
  lang: Lang;
}) {
  const action = useAction();
  return (
    <li className={`c-silence${s.active ? '' : ' is-ended'}`} data-silence={s.id}>
      <div className="c-alert-body">
        <div className="c-alert-msg">
          <span className={`c-state ${s.active ? 'state-silenced' : 'state-resolved'}`}>
            {ct(lang, s.active ? 'active' : 'ended')}
          </span>{' '}
          {s.matchers.rule ? <span className="console-code">{s.matchers.rule}</span> : ct(lang, 'allRules')} ·{' '}
          {ct(lang, 'region')} <span className="console-code">{s.matchers.region}</span>
          {s.matchers.descendants ? ` + ${ct(lang, 'descendants')}` : ''}
        </div>
        <div className="c-alert-meta">
          <span>
            {ct(lang, 'createdBy')} <strong>{s.createdBy}</strong> · {formatTime(s.createdAt, lang)}
          </span>
          <span>
            {ct(lang, 'endsAt')}{' '}
            {s.untilResolved ? ct(lang, 'untilResolved') : s.endsAt !== null ? formatTime(s.endsAt, lang) : '—'}
          </span>
          {s.endedAt !== null && (
            <span>
              {ct(lang, 'ended')} {formatTime(s.endedAt, lang)}
              {s.endedBy ? ` · ${ct(lang, 'endedBy')} ${s.endedBy}` : ''}
            </span>
          )}
        </div>
        {s.comment && <div className="c-ack-comment">“{s.comment}”</div>}
        {action.error !== null && <ActionError lang={lang} message={action.error} onClear={action.clear} />}
      </div>
      {s.active && (
        <div className="c-silence-actions">
          <button
            type="button"
            className="c-btn"
            disabled={action.busy}
            onClick={() => void action.run(() => api.expire(s.id), conn.patchSilence)}
            data-action="expire"
          >
            {ct(lang, action.busy ? 'working' : 'expire')}
          </button>
        </div>
      )}
    </li>
  );
}

function AuditTab({ api, lang, region }: { api: ConsoleApi; lang: Lang; region: string }) {
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let gone = false;
    const to = Date.now();
    setEntries(null);
    api.audit({ region, from: to - AUDIT_WINDOW_MS, to }).then(
      (e) => !gone && (setEntries([...e].sort((a, b) => b.at - a.at)), setError(null)),
      (e: unknown) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [api, region, asked]);
  return (
    <section className="console-audit">
      <div className="c-filter-row">
        <h2 className="c-group-title">{ct(lang, 'auditTitle')}</h2>
        <button type="button" className="c-btn" onClick={() => setAsked((n) => n + 1)}>
          {ct(lang, 'refresh')}
        </button>
      </div>
      {error !== null ? (
        <ActionError lang={lang} message={error} onClear={() => setError(null)} />
      ) : entries === null ? (
        <p className="console-empty">{ct(lang, 'auditLoading')}</p>
      ) : entries.length === 0 ? (
        <p className="console-empty">{ct(lang, 'auditEmpty')}</p>
      ) : (
        <div className="c-table-wrap">
          <table className="c-table" data-audit>
            <thead>
              <tr>
                <th>{ct(lang, 'colTime')}</th>
                <th>{ct(lang, 'colBy')}</th>
                <th>{ct(lang, 'colAction')}</th>
                <th>{ct(lang, 'colTarget')}</th>
                <th>{ct(lang, 'colComment')}</th>
                <th>{ct(lang, 'colResult')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => {
                const refused = e.result !== 'ok';
                return (
                  <tr key={`${e.at}-${i}`} className={refused ? 'is-refused' : ''} data-refused={refused || undefined}>
                    <td className="c-nowrap">{formatTime(e.at, lang)}</td>
                    <td>{e.by}</td>
                    <td>{eventLabel(lang, e.action)}</td>
                    <td className="console-code">{e.target}</td>
                    <td>{e.comment}</td>
                    <td>
                      {refused ? (
                        <span className="c-badge c-badge-refused">
                          ✕ {ct(lang, 'refused')} · {e.result}
                        </span>
                      ) : (
                        <span className="c-ok">✓ {e.result}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
