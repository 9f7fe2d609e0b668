import { type AuditEntry, auditOutcomeSchema, type ChainStatus } from '@custodian/contracts';
import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, withQuery } from '../api.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type Filters = {
  entityType: string;
  action: string;
  actorId: string;
  outcome: string;
  from: string;
  to: string;
};
const noFilters: Filters = { entityType: '', action: '', actorId: '', outcome: '', from: '', to: '' };
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The audit trail, newest first, filtered and paged by cursor, and the chain's verification on demand. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const entries = useInfiniteQuery({
    queryKey: ['privacy', 'audit', filters],
    queryFn: ({ pageParam }) =>
      api<{ items: AuditEntry[]; nextCursor: string | null }>(
        'GET',
        withQuery('/api/v1/audit', {
          ...filters,
          from: iso(filters.from),
          to: iso(filters.to),
          limit: 25,
          cursor: pageParam,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const e = entries.error;
  const apply = (ev: FormEvent) => {
    ev.preventDefault();
    setFilters({
      ...draft,
      entityType: draft.entityType.trim(),
      action: draft.action.trim(),
      actorId: draft.actorId.trim(),
    });
  };
  return (
    <section aria-labelledby="audit-title">
      <PageHeading title="Audit trail" id="audit-title" />
      <ChainPanel />
      <form onSubmit={apply} className="audit-filters" aria-label="Filter the audit trail" noValidate>
        <Field label="Entity" field="querystring.entityType" error={e} hint="e.g. contact, breach">
          <input
            value={draft.entityType}
            maxLength={100}
            onChange={(x) => setDraft({ ...draft, entityType: x.target.value })}
          />
        </Field>
        <Field label="Action" field="querystring.action" error={e} hint="e.g. contact.read">
          <input
            value={draft.action}
            maxLength={100}
            onChange={(x) => setDraft({ ...draft, action: x.target.value })}
          />
        </Field>
        <Field label="Actor (user id)" field="querystring.actorId" error={e}>
          <input value={draft.actorId} onChange={(x) => setDraft({ ...draft, actorId: x.target.value })} />
        </Field>
        <Field label="Outcome" field="querystring.outcome" error={e}>
          <select value={draft.outcome} onChange={(x) => setDraft({ ...draft, outcome: x.target.value })}>
            <option value="">Any</option>
            {auditOutcomeSchema.options.map((o) => (
              <option key={o} value={o}>
                {humanize(o)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From" field="querystring.from" error={e}>
          <input
            type="datetime-local"
            value={draft.from}
            onChange={(x) => setDraft({ ...draft, from: x.target.value })}
          />
        </Field>
        <Field label="To" field="querystring.to" error={e}>
          <input
            type="datetime-local"
            value={draft.to}
            onChange={(x) => setDraft({ ...draft, to: x.target.value })}
          />
        </Field>
        <div className="actions">
          <button type="submit">Filter</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {entries.isPending ? (
        <Loading what="the audit trail" />
      ) : entries.isError && items.length === 0 ? (
        <LoadError error={e} onRetry={() => void entries.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">No entry matches.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="register audit-table" aria-busy={entries.isFetching}>
              <caption className="visually-hidden">Audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Entity</th>
                  <th scope="col">People</th>
                  <th scope="col">Chain</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <td>{formatDateTime(a.occurredAt)}</td>
                    <td>
                      <code>{a.action}</code>
                      {a.outcome !== 'success' && <span className="badge warn">{a.outcome}</span>}
                      {a.purpose && <span className="when"> · {humanize(a.purpose)}</span>}
                    </td>
                    <td>
                      {humanize(a.actorType)}
                      {a.actorId && <code className="when"> {a.actorId.slice(0, 8)}</code>}
                      {a.tokenId && <span className="when"> (API token)</span>}
                    </td>
                    <td>
                      {a.entityType}
                      {a.entityId && <code className="when"> {a.entityId.slice(0, 8)}</code>}
                    </td>
                    <td>
                      {a.subjectIds.length}
                      {a.access && <span className="when"> {a.access}</span>}
                      {a.categories.length > 0 && <span className="when"> · {a.categories.join(', ')}</span>}
                    </td>
                    <td>{a.seq ? `#${a.seq}` : <span className="when">not sealed yet</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entries.hasNextPage && (
            <button
              type="button"
              className="secondary load-more"
              disabled={entries.isFetchingNextPage}
              onClick={() => void entries.fetchNextPage()}
            >
              {entries.isFetchingNextPage ? 'Loading older entries…' : 'Show older entries'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ChainPanel() {
  const verify = useMutation({ mutationFn: () => api<ChainStatus>('GET', '/api/v1/audit/verify') });
  const s = verify.data;
  return (
    <section className="panel chain" aria-labelledby="chain-title">
      <h2 id="chain-title">Chain status</h2>
      <p className="hint">
        Every entry carries a keyed MAC; the sealer chains committed entries by hash. Verifying checks both.
      </p>
      <button type="button" disabled={verify.isPending} onClick={() => verify.mutate()}>
        {verify.isPending ? 'Verifying…' : 'Verify now'}
      </button>
      <FormError error={verify.error} />
      <div role="status" aria-live="polite">
        {s && (
          <p className={s.intact ? 'chain-intact' : 'chain-broken'}>
            <strong>{s.intact ? 'The chain is intact.' : 'The chain is BROKEN.'}</strong> {s.sealed} sealed
            entries checked, {s.unsealed} not sealed yet.
            {s.firstBroken && (
              <>
                {' '}
                First bad entry: {s.firstBroken.id} ({s.firstBroken.reason}).
              </>
            )}
            {s.prunedThrough && <> Pruned through #{s.prunedThrough.seq}.</>}
            {s.head && (
              <>
                {' '}
                Head: #{s.head.seq} <code className="hash">{s.head.hash.slice(0, 16)}…</code>
              </>
            )}
          </p>
        )}
      </div>
    </section>
  );
}
