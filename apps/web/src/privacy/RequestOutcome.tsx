import type { DsrRequest, IssuedCertificate, PackageStatus, SubjectPackage } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { dashboardKey } from './DashboardPage.js';

const packageKey = (id: string) => ['privacy', 'request', id, 'package'] as const;

/** The request's access package, or null while none is prepared (the server answers 404). */
export function usePackage(request: DsrRequest) {
  return useQuery({
    queryKey: packageKey(request.id),
    queryFn: () =>
      api<PackageStatus>('GET', `/api/v1/requests/${request.id}/package`).catch((e: unknown) =>
        e instanceof ApiError && e.problem.status === 404 ? null : Promise.reject(e),
      ),
    enabled: request.type === 'access' || request.type === 'portability',
  });
}

type Released = PackageStatus & { downloadUrl: string };

/** Review and release of an access or portability package; the download link is shown once, here. */
export function PackagePanel({ request, mayManage }: { request: DsrRequest; mayManage: boolean }) {
  const queryClient = useQueryClient();
  const pkg = usePackage(request);
  const [reviewed, setReviewed] = useState(false);
  // The single-use link lives in this component's memory only: never cached, stored or put in an address.
  const [released, setReleased] = useState<Released | null>(null);
  const release = useMutation({
    mutationFn: () =>
      api<Released>('POST', `/api/v1/requests/${request.id}/package/release`, { reviewed: true }),
    onSuccess: (answer) => {
      setReleased(answer);
      const { downloadUrl: _link, ...status } = answer;
      queryClient.setQueryData(packageKey(request.id), status);
      void queryClient.invalidateQueries({ queryKey: ['privacy', 'request', request.id] });
      void queryClient.invalidateQueries({ queryKey: ['privacy', 'requests'] });
      void queryClient.invalidateQueries({ queryKey: dashboardKey });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reviewed) release.mutate();
  };
  const status = released ?? pkg.data;
  return (
    <section aria-labelledby="package-title" className="panel">
      <h2 id="package-title">{request.type === 'portability' ? 'Portability' : 'Access'} package</h2>
      {pkg.isPending ? (
        <Loading what="the package" />
      ) : pkg.isError ? (
        <LoadError error={pkg.error} onRetry={() => void pkg.refetch()} />
      ) : !status ? (
        <p className="empty">Not prepared yet.</p>
      ) : (
        <>
          <p>
            <span className="badge">{humanize(status.status)}</span> prepared{' '}
            {formatDateTime(status.preparedAt)}
            {status.releasedAt && <>, released {formatDateTime(status.releasedAt)}</>}
            {status.expiresAt && <>, link valid until {formatDateTime(status.expiresAt)}</>}
            {status.downloadedAt && <>, downloaded {formatDateTime(status.downloadedAt)}</>}.
          </p>
          {status.flagged.length > 0 && (
            <>
              <h3>Values to review</h3>
              <p className="hint">Free text that may hold other people’s data, by where it is.</p>
              <ul className="plain facts">
                {status.flagged.map((f) => (
                  <li key={`${f.entity}-${f.id}-${f.field}`}>
                    {humanize(f.entity)} {humanize(f.field).toLowerCase()}: {humanize(f.reason).toLowerCase()}
                  </li>
                ))}
              </ul>
            </>
          )}
          {status.status === 'review' && <PackagePreview request={request} />}
          {status.status === 'review' && mayManage && (
            <form onSubmit={submit} aria-label="Release the package" className="step-form">
              <label className="check">
                <input type="checkbox" checked={reviewed} onChange={(e) => setReviewed(e.target.checked)} />I
                reviewed the package and the flagged values
              </label>
              <FormError error={release.error} />
              <div className="actions">
                <button type="submit" disabled={!reviewed || release.isPending}>
                  {release.isPending ? 'Releasing…' : 'Release and fulfil'}
                </button>
              </div>
            </form>
          )}
          {released && (
            <div className="notice" role="status">
              <label>
                Download link for the requester
                <input type="text" readOnly value={released.downloadUrl} onFocus={(e) => e.target.select()} />
              </label>
              <p>
                Shown this once and mailed to the requester. It works for one download: do not open it
                yourself.
              </p>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** What the package holds, counted: reading it is audited, so it is fetched only when asked for. */
function PackagePreview({ request }: { request: DsrRequest }) {
  const [shown, setShown] = useState(false);
  const preview = useQuery({
    queryKey: ['privacy', 'request', request.id, 'package', 'preview'],
    queryFn: () => api<SubjectPackage>('GET', `/api/v1/requests/${request.id}/package/preview`),
    enabled: shown,
  });
  if (!shown)
    return (
      <button type="button" className="secondary" onClick={() => setShown(true)}>
        Show what the package holds
      </button>
    );
  if (preview.isPending) return <Loading what="the package" />;
  if (preview.isError) return <LoadError error={preview.error} onRetry={() => void preview.refetch()} />;
  const p = preview.data;
  const counts: [string, number][] = [
    ['personal fields', p.person.fields.length],
    ['activities', p.activities.length],
    ['deals', p.deals.length],
    ['tasks', p.tasks.length],
    ['consent events', p.consent.events.length],
    ['purposes', p.purposes.length],
    ['recipients', p.recipients.length],
    ['access log entries', p.accessLog.length],
  ];
  return (
    <ul className="plain facts">
      {counts.map(([what, n]) => (
        <li key={what}>
          {n} {what}
        </li>
      ))}
    </ul>
  );
}

export function ErasureCertificatePanel({ request }: { request: DsrRequest }) {
  const certificate = useQuery({
    queryKey: ['privacy', 'request', request.id, 'certificate'],
    queryFn: () => api<IssuedCertificate>('GET', `/api/v1/requests/${request.id}/certificate`),
  });
  return (
    <section aria-labelledby="certificate-title" className="panel">
      <h2 id="certificate-title">Erasure certificate</h2>
      {certificate.isPending ? (
        <Loading what="the certificate" />
      ) : certificate.isError ? (
        <LoadError error={certificate.error} onRetry={() => void certificate.refetch()} />
      ) : (
        <Certificate issued={certificate.data} />
      )}
    </section>
  );
}

function Certificate({ issued }: { issued: IssuedCertificate }) {
  const c = issued.certificate;
  const rows = c.tables.reduce((n, t) => n + t.rows, 0);
  return (
    <>
      <p>
        <strong>{c.outcome === 'erased' ? 'Erased' : 'Erased, except what a legal hold keeps'}</strong> on{' '}
        {formatDateTime(c.issuedAt)}: {rows} rows in {c.tables.length} tables, {c.keysDestroyed} keys
        destroyed, {c.suppressionEntries} suppression {c.suppressionEntries === 1 ? 'entry' : 'entries'}.
      </p>
      <p>
        Verification: {c.verification.valuesSought} former identifiers sought in{' '}
        {c.verification.columnsScanned} columns of {c.verification.tablesScanned} tables
        {c.verification.columnsProved !== undefined && (
          <> ({c.verification.columnsProved} more proved free by the schema)</>
        )}
        ; <strong>{c.verification.hits} found</strong>.
      </p>
      {c.kept.length > 0 && (
        <ul className="plain facts">
          {c.kept.map((k) => (
            <li key={k.what}>
              Kept: {k.what} ({k.fields.join(', ')}) — {k.why}
              {k.until && <> until {k.until}</>}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Tables</summary>
        <ul className="plain facts">
          {c.tables.map((t) => (
            <li key={`${t.table}-${t.action}`}>
              {t.table}: {t.rows} {t.action}
            </li>
          ))}
        </ul>
      </details>
      <p className="hash">
        SHA-256 <code>{issued.sha256}</code>, audit entry {issued.auditEntryId}.{' '}
        <a
          href={`data:application/json;charset=utf-8,${encodeURIComponent(issued.document)}`}
          download={`erasure-certificate-${c.certificateId}.json`}
        >
          Download the certificate
        </a>
      </p>
    </>
  );
}
