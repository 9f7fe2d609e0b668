import {
  dismissFinding,
  findingStatuses,
  type Me,
  type ScannerFinding,
  type ScannerScan,
  specialFindingKinds,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, withQuery } from '../api.js';
import { Link } from '../router.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { mayCall } from './PrivacyDesk.js';

const findingsKey = ['privacy', 'scanner'] as const;
const special = (k: string) => (specialFindingKinds as readonly string[]).includes(k);

const placeOf = (f: ScannerFinding) =>
  f.entity === 'contact' ? (
    <Link to={`/contacts/${f.entityId}`}>a contact</Link>
  ) : (
    <>an {f.entity === 'activity' ? 'activity' : 'task'}</>
  );

/** Free-text fields where the scanner found personal data: kinds and places only, never the text. */
export function ScannerPage({ me }: { me: Me }) {
  const client = useQueryClient();
  const mayManage = mayCall(me, dismissFinding);
  const [status, setStatus] = useState<(typeof findingStatuses)[number]>('open');
  const findings = useQuery({
    queryKey: [...findingsKey, status],
    queryFn: () =>
      api<{ items: ScannerFinding[] }>('GET', withQuery('/api/v1/scanner/findings', { status, limit: 100 })),
  });
  const scans = useQuery({
    queryKey: [...findingsKey, 'scans'],
    queryFn: () => api<{ items: ScannerScan[] }>('GET', '/api/v1/scanner/scans'),
    refetchInterval: (q) =>
      q.state.data?.items.some((s) => s.status === 'queued' || s.status === 'running') ? 2000 : false,
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'dismiss' | 'redact' }) =>
      api<ScannerFinding>('POST', `/api/v1/scanner/findings/${id}/${action}`, {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: findingsKey }),
  });
  const scan = useMutation({
    mutationFn: () => api<ScannerScan>('POST', '/api/v1/scanner/scans', {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: [...findingsKey, 'scans'] }),
  });
  const latest = scans.data?.items[0];
  return (
    <section aria-labelledby="scanner-title">
      <div className="page-top">
        <PageHeading title="Scanner findings" id="scanner-title" />
        {mayManage && (
          <button type="button" className="secondary" disabled={scan.isPending} onClick={() => scan.mutate()}>
            Scan the stored text
          </button>
        )}
      </div>
      <FormError error={scan.error} />
      {latest && (
        <p className="status" role="status">
          Last scan {humanize(latest.status).toLowerCase()}
          {latest.startedAt && <> (started {formatDateTime(latest.startedAt)})</>}: {latest.scanned} of{' '}
          {latest.total} records, {latest.withFindings} with findings.
        </p>
      )}
      <div className="trend-controls">
        <Field label="Show" field="querystring.status" error={findings.error}>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            {findingStatuses.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FormError error={act.error} />
      {findings.isPending ? (
        <Loading what="the findings" />
      ) : findings.isError ? (
        <LoadError error={findings.error} onRetry={() => void findings.refetch()} />
      ) : findings.data.items.length === 0 ? (
        <p className="empty">No {status} finding.</p>
      ) : (
        <div className="table-scroll">
          <table className="register">
            <caption className="visually-hidden">Scanner findings</caption>
            <thead>
              <tr>
                <th scope="col">Found</th>
                <th scope="col">Where</th>
                <th scope="col">What</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {findings.data.items.map((f) => (
                <tr key={f.id}>
                  <td>{formatDateTime(f.foundAt)}</td>
                  <td>
                    {humanize(f.field)} of {placeOf(f)}
                  </td>
                  <td>
                    {(f.classifiedKinds ?? f.kinds).map((k) => (
                      <span key={k} className={special(k) ? 'badge warn' : 'badge'}>
                        {humanize(k)}
                      </span>
                    ))}
                  </td>
                  <td className="row-actions">
                    {mayManage && f.status === 'open' && (
                      <>
                        <button
                          type="button"
                          className="secondary"
                          disabled={act.isPending}
                          onClick={() => act.mutate({ id: f.id, action: 'dismiss' })}
                        >
                          Dismiss
                          <span className="visually-hidden"> finding of {formatDateTime(f.foundAt)}</span>
                        </button>
                        <button
                          type="button"
                          className="danger"
                          disabled={act.isPending}
                          onClick={() => {
                            if (window.confirm('Replace what was found in this field by [redacted]?'))
                              act.mutate({ id: f.id, action: 'redact' });
                          }}
                        >
                          Redact
                          <span className="visually-hidden"> finding of {formatDateTime(f.foundAt)}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
