import type { PublicRequestStatus } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { formatDay, formatMoment } from './format.js';
import { fill, useI18n } from './i18n/index.js';
import { portalApi, problemCode } from './portal-api.js';
import { searchParam } from './routes.js';
import { GpcBanner, PortalLoadError, PortalLoading } from './states.js';
import { lastVerification } from './VerifyPage.js';

/** Where a person follows their request with the signed link: dates and states, nothing personal. */
export function StatusPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const linkId = useId();
  const token = searchParam('token') ?? '';
  const status = useQuery({
    queryKey: ['request-status', id, token],
    queryFn: () =>
      portalApi<PublicRequestStatus>(
        'GET',
        `/api/v1/public/requests/${id}/status?token=${encodeURIComponent(token)}`,
        lang,
      ),
    enabled: token.length > 0,
  });
  const title = <h1>{t.status.title}</h1>;
  const invalid =
    !token || problemCode(status.error) === 'not_found' || problemCode(status.error) === 'validation_failed';
  if (invalid)
    return (
      <>
        {title}
        <PortalLoadError error={status.error}>{t.status.invalid}</PortalLoadError>
      </>
    );
  if (status.isPending)
    return (
      <>
        {title}
        <PortalLoading />
      </>
    );
  if (status.isError)
    return (
      <>
        {title}
        <PortalLoadError error={status.error} onRetry={() => void status.refetch()} />
      </>
    );
  const r = status.data;
  const justVerified = lastVerification.id === id;
  const gpc = justVerified ? lastVerification.gpc : null;
  const link = `${window.location.origin}/privacy/requests/${id}?token=${encodeURIComponent(token)}`;
  const download = r.status === 'fulfilled' && (r.type === 'access' || r.type === 'portability');
  return (
    <>
      {title}
      {justVerified && (
        <p className="notice success" role="status">
          {t.verify.done}
        </p>
      )}
      {gpc?.signal && <GpcBanner text={gpc.recorded ? t.gpc.recorded : t.gpc.already} />}
      <dl className="facts">
        <div>
          <dt>{t.status.what}</dt>
          <dd>{t.types[r.type]}</dd>
        </div>
        <div>
          <dt>{t.status.regime}</dt>
          <dd>{t.regimes[r.regime]}</dd>
        </div>
        <div>
          <dt>{t.status.received}</dt>
          <dd>{formatDay(r.receivedAt, lang)}</dd>
        </div>
        {r.verifiedAt && (
          <div>
            <dt>{t.status.verified}</dt>
            <dd>{formatDay(r.verifiedAt, lang)}</dd>
          </div>
        )}
        <div>
          <dt>{r.extended ? t.status.dueExtended : t.status.due}</dt>
          <dd>{formatDay(r.dueAt, lang)}</dd>
        </div>
        <div>
          <dt>{t.status.state}</dt>
          <dd className={`state state-${r.status}`}>{t.states[r.status]}</dd>
        </div>
      </dl>
      {r.extended && r.extensionReason && (
        <p className="notice">{fill(t.status.extendedWhy, { reason: r.extensionReason })}</p>
      )}
      {download && <p className="notice success">{t.status.downloadMailed}</p>}
      {r.status === 'rejected' && r.rejectionReason && (
        <p className="notice">
          {fill(t.status.rejectedBecause, { reason: t.rejections[r.rejectionReason] })}
        </p>
      )}
      <section aria-labelledby={`${linkId}-timeline`}>
        <h2 id={`${linkId}-timeline`}>{t.status.timeline}</h2>
        <ol className="timeline">
          {r.timeline.map((step) => (
            <li key={`${step.at}-${step.status}`}>
              <time dateTime={step.at}>{formatMoment(step.at, lang)}</time> {t.states[step.status]}
            </li>
          ))}
        </ol>
      </section>
      <div className="field keep-link">
        <label htmlFor={linkId}>{t.status.keep}</label>
        <input id={linkId} type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </div>
    </>
  );
}
