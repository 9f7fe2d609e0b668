import type { Preferences } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { fill, type Messages, useI18n } from './i18n/index.js';
import { generalError, portalApi, problemCode } from './portal-api.js';
import { searchParam } from './routes.js';
import { GpcBanner, PortalLoadError, PortalLoading } from './states.js';

type Preference = Preferences['purposes'][number];
type Change = { purpose: Preference['purpose']; subscribed?: boolean; objected?: boolean; language?: string };

const subscribedTo = (p: Preference) => p.consent === 'given' || p.consent === 'pending';

function stateText(p: Preference, t: Messages): string {
  if (p.choice === 'object') return p.objected ? t.preferences.objected : t.preferences.allowed;
  if (p.consent === 'pending') return t.preferences.pending;
  return subscribedTo(p) ? t.preferences.subscribed : t.preferences.notSubscribed;
}

function savedText(change: Change, name: string, t: Messages): string {
  const text =
    change.subscribed === true
      ? t.preferences.savedSubscribed
      : change.subscribed === false
        ? t.preferences.savedWithdrawn
        : change.objected
          ? t.preferences.savedObjected
          : t.preferences.savedObjectionWithdrawn;
  return fill(text, { purpose: name });
}

/** The preference centre from the signed link in every mail: subscribe, withdraw, object, per purpose. */
export function PreferencesPage() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const token = searchParam('token') ?? '';
  const path = `/api/v1/public/preferences?token=${encodeURIComponent(token)}`;
  const key = ['preferences', token, lang];
  // A GPC opt-out is recorded by the first read that carries it; later answers say "already": keep the first.
  const gpcRecorded = useRef(false);
  const [saved, setSaved] = useState<string | null>(null);
  const prefs = useQuery({
    queryKey: key,
    queryFn: () => portalApi<Preferences>('GET', path, lang),
    enabled: token.length > 0,
  });
  const change = useMutation({
    mutationFn: (c: Change) => portalApi<Preferences>('POST', path, lang, { changes: [c] }),
    onMutate: () => setSaved(null),
    onSuccess: (answer, c) => {
      queryClient.setQueryData(key, answer);
      const name = answer.purposes.find((p) => p.purpose === c.purpose)?.name ?? c.purpose;
      setSaved(savedText(c, name, t));
    },
  });
  const title = <h1>{t.preferences.title}</h1>;
  if (!token || problemCode(prefs.error) === 'not_found' || problemCode(prefs.error) === 'validation_failed')
    return (
      <>
        {title}
        <PortalLoadError error={prefs.error}>{t.preferences.invalid}</PortalLoadError>
      </>
    );
  if (prefs.isPending)
    return (
      <>
        {title}
        <PortalLoading />
      </>
    );
  if (prefs.isError)
    return (
      <>
        {title}
        <PortalLoadError error={prefs.error} onRetry={() => void prefs.refetch()} />
      </>
    );
  const { purposes, gpc } = prefs.data;
  if (gpc.recorded) gpcRecorded.current = true;
  return (
    <>
      {title}
      <p className="lead">{t.preferences.intro}</p>
      {gpc.signal && <GpcBanner text={gpcRecorded.current ? t.gpc.recorded : t.gpc.already} />}
      <div aria-live="polite">{saved && <p className="notice success">{saved}</p>}</div>
      {change.isError && (
        <p role="alert" className="form-error">
          {generalError(change.error, t)}
        </p>
      )}
      {purposes.length === 0 && <p>{t.preferences.none}</p>}
      {purposes.map((p) => {
        const headingId = `purpose-${p.purpose}`;
        const subscribed = subscribedTo(p);
        const next: Change =
          p.choice === 'subscribe'
            ? { purpose: p.purpose, subscribed: !subscribed, language: lang }
            : { purpose: p.purpose, objected: !p.objected };
        const label =
          p.choice === 'subscribe'
            ? subscribed
              ? t.preferences.withdraw
              : t.preferences.subscribe
            : p.objected
              ? t.preferences.withdrawObjection
              : t.preferences.object;
        return (
          <section key={p.purpose} className="purpose" aria-labelledby={headingId}>
            <h2 id={headingId}>{p.name}</h2>
            <p>{p.description}</p>
            <p className="purpose-state">
              <strong>{stateText(p, t)}</strong>
            </p>
            {p.choice === 'subscribe' && !subscribed && p.notice && (
              <div className="notice-text">
                <h3>{t.preferences.noticeTitle}</h3>
                <p lang={p.notice.language}>{p.notice.text}</p>
              </div>
            )}
            {/* Consent is given under a notice: without one published, there is nothing to subscribe under. */}
            {p.choice === 'subscribe' && !subscribed && !p.notice ? (
              <p className="hint">{t.preferences.unavailable}</p>
            ) : (
              <button
                type="button"
                className={subscribed || p.objected ? 'secondary' : undefined}
                disabled={change.isPending}
                aria-describedby={headingId}
                onClick={() => change.mutate(next)}
              >
                {label}
              </button>
            )}
          </section>
        );
      })}
    </>
  );
}
