import type { DsrRequest, Me, RequestEvent, User } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Value } from '../ui/restricted.js';
import { RequestActions } from './RequestActions.js';
import { ErasureCertificatePanel, PackagePanel } from './RequestOutcome.js';
import { clockOf, requestStatusLabels, requestTypeLabels } from './request-labels.js';

const channelLabels: Record<DsrRequest['channel'], string> = {
  staff: 'and recorded by staff',
  email: 'by e-mail',
  letter: 'by letter',
  phone: 'by phone',
  portal: 'through the privacy portal',
  api: 'through the API',
};

const requestKey = (id: string) => ['privacy', 'request', id] as const;

export function RequestPage({ id, me }: { id: string; me: Me }) {
  const request = useQuery({
    queryKey: requestKey(id),
    queryFn: () => api<DsrRequest>('GET', `/api/v1/requests/${id}`),
  });
  return (
    <article className="request-page">
      <p className="breadcrumb">
        <Link to="/privacy-desk/requests">Requests</Link>
      </p>
      {request.isPending ? (
        <>
          <PageHeading title="Request" />
          <Loading what="the request" />
        </>
      ) : request.isError ? (
        <>
          <PageHeading title="Request" />
          {request.error instanceof ApiError && request.error.problem.status === 404 ? (
            <p role="alert">This request does not exist, or you may not see it.</p>
          ) : (
            <LoadError error={request.error} onRetry={() => void request.refetch()} />
          )}
        </>
      ) : (
        <RequestDetails request={request.data} me={me} />
      )}
    </article>
  );
}

function RequestDetails({ request: r, me }: { request: DsrRequest; me: Me }) {
  const clock = clockOf(r);
  const mayManage = me.permissions.includes('requests:manage');
  const withActions = mayManage && r.status !== 'closed';
  return (
    <>
      {/* The title names the kind of request only: the requester's name never reaches the history. */}
      <PageHeading title="Request">{requestTypeLabels[r.type]} request</PageHeading>
      <p className="subtitle">
        <span className={`badge status-badge-${r.status}`}>{requestStatusLabels[r.status]}</span>{' '}
        {r.regime.toUpperCase()} · received {formatDateTime(r.receivedAt)} {channelLabels[r.channel]}
      </p>
      <div className={withActions ? 'request-grid' : 'request-grid single'}>
        <div className="request-main">
          <section aria-labelledby="clock-title" className={`panel clock-panel clock-panel-${clock.tone}`}>
            <h2 id="clock-title">Deadline</h2>
            <p className={`clock-big clock-${clock.tone}`}>{clock.text}</p>
            <dl className="details">
              <dt>Due</dt>
              <dd>{formatDateTime(r.dueAt)}</dd>
              {r.extendedAt && (
                <>
                  <dt>First deadline</dt>
                  <dd>{formatDateTime(r.originalDueAt)}</dd>
                  <dt>Extended</dt>
                  <dd>
                    {formatDateTime(r.extendedAt)}: {r.extensionReason}
                  </dd>
                </>
              )}
              {r.acknowledgeBy && (
                <>
                  <dt>Receipt confirmed</dt>
                  <dd>
                    {r.acknowledgedAt
                      ? formatDateTime(r.acknowledgedAt)
                      : `not yet (due by ${formatDateTime(r.acknowledgeBy)})`}
                  </dd>
                </>
              )}
              {r.closedAt && (
                <>
                  <dt>Closed</dt>
                  <dd>{formatDateTime(r.closedAt)}</dd>
                </>
              )}
            </dl>
          </section>

          <section aria-labelledby="request-details-title" className="panel">
            <h2 id="request-details-title">Details</h2>
            <dl className="details">
              <dt>Requester</dt>
              <dd>
                <Value value={r.requester.name} />
              </dd>
              <dt>E-mail</dt>
              <dd>
                <Value value={r.requester.email} />
              </dd>
              <dt>Contact</dt>
              <dd>
                {r.contactId ? (
                  <Link to={`/contacts/${r.contactId}`}>Open the contact</Link>
                ) : r.status === 'fulfilled' && r.type === 'erasure' ? (
                  'erased'
                ) : (
                  'not linked'
                )}
              </dd>
              <dt>Identity</dt>
              <dd>
                {r.verifiedAt ? (
                  <>
                    verified {formatDateTime(r.verifiedAt)} (
                    {humanize(r.verificationMethod ?? 'other').toLowerCase()})
                  </>
                ) : (
                  <span className="clock-soon">not verified yet</span>
                )}
              </dd>
              {r.purposes.length > 0 && (
                <>
                  <dt>Purposes</dt>
                  <dd>{r.purposes.map(humanize).join(', ')}</dd>
                </>
              )}
              {r.rejectionReason && (
                <>
                  <dt>Rejected</dt>
                  <dd>{humanize(r.rejectionReason)}</dd>
                </>
              )}
              {r.duplicateOf && (
                <>
                  <dt>Duplicate of</dt>
                  <dd>
                    <Link to={`/privacy-desk/requests/${r.duplicateOf}`}>
                      an open request of the same kind
                    </Link>
                  </dd>
                </>
              )}
              <dt>In their words</dt>
              <dd className="words">
                <Value value={r.details} />
              </dd>
            </dl>
          </section>

          {(r.type === 'access' || r.type === 'portability') && r.verifiedAt && (
            <PackagePanel request={r} mayManage={mayManage} />
          )}
          {r.type === 'erasure' && (r.status === 'fulfilled' || r.status === 'closed') && (
            <ErasureCertificatePanel request={r} />
          )}
        </div>
        {withActions && (
          <div className="request-side">
            <RequestActions request={r} />
          </div>
        )}
      </div>
      <RequestHistory id={r.id} me={me} />
    </>
  );
}

const historyKey = (id: string) => ['privacy', 'request', id, 'history'] as const;

function RequestHistory({ id, me }: { id: string; me: Me }) {
  const history = useQuery({
    queryKey: historyKey(id),
    queryFn: () => api<{ items: RequestEvent[] }>('GET', `/api/v1/requests/${id}/history`),
  });
  const names = useStaffNames(me);
  // Staff steps name the user (an API token's owner); a public verification was the requester's own.
  const actorName = ({ type, id }: RequestEvent['actor']) => {
    const name = (id && names.get(id)) || 'staff';
    return type === 'user'
      ? name
      : type === 'token'
        ? `${name} (API token)`
        : type === 'subject'
          ? 'the requester'
          : type;
  };
  return (
    <section aria-labelledby="history-title" className="panel history-panel">
      <h2 id="history-title">History</h2>
      {history.isPending ? (
        <Loading what="the history" />
      ) : history.isError ? (
        <LoadError error={history.error} onRetry={() => void history.refetch()} />
      ) : (
        <ol className="ledger">
          {[...history.data.items].reverse().map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <span className="when">{formatDateTime(e.at)}</span> <strong>{humanize(e.action)}</strong>
              {e.fromStatus && e.toStatus && e.toStatus !== e.fromStatus && (
                <> → {requestStatusLabels[e.toStatus].toLowerCase()}</>
              )}{' '}
              · by {actorName(e.actor)}
              {e.note && (
                <>
                  {' '}
                  · <Value value={e.note} />
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Staff names by id, for the history; empty for a role that may not list users. */
function useStaffNames(me: Me): Map<string, string> {
  const users = useQuery({
    queryKey: ['users', 'names'],
    queryFn: () => api<{ items: User[] }>('GET', '/api/v1/users?limit=200'),
    enabled: me.permissions.includes('users:read'),
    staleTime: 5 * 60_000,
  });
  return new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
}
