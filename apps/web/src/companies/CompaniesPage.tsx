import { type Company, listCompaniesQuery } from '@custodian/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, withQuery } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { isRestricted } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Restricted, Value } from '../ui/restricted.js';
import { useDebounced } from '../ui/use-debounced.js';

type Page = { items: Company[]; nextCursor: string | null };
const pageSize = 25;

export function CompaniesPage() {
  // The search stays in this page's memory, never in the address.
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const companies = useInfiniteQuery({
    queryKey: ['companies', { q }],
    queryFn: ({ pageParam }) =>
      api<Page>('GET', withQuery('/api/v1/companies', { q, limit: pageSize, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = companies.data?.pages.flatMap((p) => p.items) ?? [];
  const searching = companies.isFetching && !companies.isFetchingNextPage && !companies.isPending;
  const maxQ = listCompaniesQuery.shape.q.unwrap().maxLength ?? 200;
  return (
    <section aria-labelledby="companies-title">
      <PageHeading title="Companies" id="companies-title" />
      <search aria-label="Companies" className="filters companies-filters">
        <Field
          label="Search"
          field="querystring.q"
          error={companies.error}
          hint="The start of any word of the name"
        >
          <input
            type="search"
            autoComplete="off"
            spellCheck={false}
            maxLength={maxQ}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </Field>
      </search>
      <p className="status" aria-live="polite">
        {searching
          ? 'Searching…'
          : companies.isSuccess
            ? `${items.length}${companies.hasNextPage ? '+' : ''} ${items.length === 1 ? 'company' : 'companies'}${q ? ' found' : ''}`
            : ''}
      </p>
      {companies.isPending ? (
        <Loading what="companies" />
      ) : companies.isError && items.length === 0 ? (
        <LoadError error={companies.error} onRetry={() => void companies.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">{q ? 'No company matches this search.' : 'No companies yet.'}</p>
      ) : (
        <>
          {/* The contacts table's styles: on a phone each row becomes a small card. */}
          <table className="contacts companies" aria-busy={searching || undefined}>
            <caption className="visually-hidden">Companies</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Domain</th>
                <th scope="col">Industry</th>
                <th scope="col">Size</th>
                <th scope="col">Place</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <th scope="row" data-label="Name">
                    <Link to={`/companies/${c.id}`}>
                      {isRestricted(c.name) ? <Restricted compact /> : c.name}
                    </Link>
                  </th>
                  <td data-label="Domain">
                    <Value value={c.domain} compact />
                  </td>
                  <td data-label="Industry">
                    <Value value={c.industry} compact />
                  </td>
                  <td data-label="Size">{c.size ?? '—'}</td>
                  <td data-label="Place">{[c.city, c.country].filter(Boolean).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {companies.hasNextPage && (
            <button
              type="button"
              className="secondary load-more"
              disabled={companies.isFetchingNextPage}
              onClick={() => void companies.fetchNextPage()}
            >
              {companies.isFetchingNextPage ? 'Loading more…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
