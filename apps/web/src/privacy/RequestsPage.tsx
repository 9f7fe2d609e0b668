import {
  type DsrRequest,
  type RequestStatus,
  type RequestType,
  requestStatuses,
  requestTypes,
} from '@custodian/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, withQuery } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Value } from '../ui/restricted.js';
import { clockOf, requestStatusLabels, requestTypeLabels } from './request-labels.js';

type Page = { items: DsrRequest[]; nextCursor: string | null };
type StatusFilter = RequestStatus | 'open' | '';
const pageSize = 25;

export function RequestsPage() {
  // Filters live in memory only, like the contacts list's.
  const [status, setStatus] = useState<StatusFilter>('open');
  const [type, setType] = useState<RequestType | ''>('');
  const filters = { status, type };
  const requests = useInfiniteQuery({
    queryKey: ['privacy', 'requests', filters],
    queryFn: ({ pageParam }) =>
      api<Page>('GET', withQuery('/api/v1/requests', { ...filters, limit: pageSize, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = requests.data?.pages.flatMap((p) => p.items) ?? [];
  const now = Date.now();

  return (
    <section aria-labelledby="requests-title">
      <PageHeading title="Data-subject requests" id="requests-title" />
      <search aria-label="Requests" className="filters request-filters">
        <Field label="Status" field="querystring.status" error={requests.error}>
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="open">Open</option>
            <option value="">Any status</option>
            {requestStatuses.map((s) => (
              <option key={s} value={s}>
                {requestStatusLabels[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Type" field="querystring.type" error={requests.error}>
          <select value={type} onChange={(e) => setType(e.target.value as RequestType | '')}>
            <option value="">Any type</option>
            {requestTypes.map((t) => (
              <option key={t} value={t}>
                {requestTypeLabels[t]}
              </option>
            ))}
          </select>
        </Field>
      </search>
      <p className="status" aria-live="polite">
        {requests.isSuccess
          ? `${items.length}${requests.hasNextPage ? '+' : ''} ${items.length === 1 ? 'request' : 'requests'}, soonest due first`
          : ''}
      </p>
      {requests.isPending ? (
        <Loading what="requests" />
      ) : requests.isError && items.length === 0 ? (
        <LoadError error={requests.error} onRetry={() => void requests.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">No request matches these filters.</p>
      ) : (
        <>
          <table className="requests" aria-busy={requests.isFetching || undefined}>
            <caption className="visually-hidden">Data-subject requests, soonest due first</caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Requester</th>
                <th scope="col">Status</th>
                <th scope="col">Received</th>
                <th scope="col">Due</th>
                <th scope="col">Clock</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => {
                const clock = clockOf(r, now);
                return (
                  <tr key={r.id} className={clock.tone === 'overdue' ? 'row-overdue' : undefined}>
                    <th scope="row" data-label="Request">
                      <Link to={`/privacy-desk/requests/${r.id}`}>{requestTypeLabels[r.type]}</Link>{' '}
                      <span className="badge">{r.regime.toUpperCase()}</span>
                    </th>
                    <td data-label="Requester">
                      <Value value={r.requester.name ?? r.requester.email} compact />
                    </td>
                    <td data-label="Status">{requestStatusLabels[r.status]}</td>
                    <td data-label="Received">{formatDate(r.receivedAt)}</td>
                    <td data-label="Due">{formatDate(r.dueAt)}</td>
                    <td data-label="Clock">
                      <span className={`clock clock-${clock.tone}`}>{clock.text}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {requests.isError && <LoadError error={requests.error} onRetry={() => void requests.refetch()} />}
          {requests.hasNextPage && (
            <button
              type="button"
              className="secondary load-more"
              disabled={requests.isFetchingNextPage}
              onClick={() => void requests.fetchNextPage()}
            >
              {requests.isFetchingNextPage ? 'Loading more…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
