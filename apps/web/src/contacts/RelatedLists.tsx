import type { Activity, Deal, Task } from '@custodian/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, withQuery } from '../api.js';
import { LoadError, Loading } from '../ui/errors.js';
import { formatDate, formatDateTime, humanize } from '../ui/format.js';
import { Value } from '../ui/restricted.js';

type Page<T> = { items: T[]; nextCursor: string | null };

/** One section of the contact page: a paged list from the API, with its loading, error and empty states. */
function RelatedList<T extends { id: string }>({
  title,
  queryKey,
  path,
  params = {},
  empty,
  render,
}: {
  title: string;
  queryKey: readonly unknown[];
  path: string;
  params?: Record<string, string>;
  empty: string;
  render: (item: T) => ReactNode;
}) {
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      api<Page<T>>('GET', withQuery(path, { ...params, limit: 20, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const id = `${title.toLowerCase().replace(/\W+/g, '-')}-title`;
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {list.isPending ? (
        <Loading what={title.toLowerCase()} />
      ) : list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <>
          <ul className="related">
            {items.map((item) => (
              <li key={item.id}>{render(item)}</li>
            ))}
          </ul>
          {list.hasNextPage && (
            <button
              type="button"
              className="secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {list.isFetchingNextPage ? 'Loading more…' : 'Show more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

export function ContactActivities({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Activity>
      title="Timeline"
      queryKey={['contact', contactId, 'activities']}
      path={`/api/v1/contacts/${contactId}/activities`}
      empty="No activities yet."
      render={(a) => (
        <>
          <span className="when">{formatDateTime(a.occurredAt)}</span> <strong>{humanize(a.type)}</strong>
          {a.direction && <> ({a.direction})</>}
          {a.subject && (
            <>
              : <Value value={a.subject} />
            </>
          )}
        </>
      )}
    />
  );
}

/** Amounts are in the currency's minor unit (cents; none for yen): its decimals say how many. */
const money = (minor: number, currency: string) => {
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
};

export function ContactDeals({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Deal>
      title="Deals"
      queryKey={['contact', contactId, 'deals']}
      path="/api/v1/deals"
      params={{ contactId }}
      empty="No deals with this contact."
      render={(d) => (
        <>
          <strong>{d.title}</strong> · {humanize(d.status)}
          {d.amountMinor !== null && d.currency && <> · {money(d.amountMinor, d.currency)}</>}
          {d.expectedCloseDate && <> · expected {formatDate(d.expectedCloseDate)}</>}
        </>
      )}
    />
  );
}

export function ContactTasks({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Task>
      title="Tasks"
      queryKey={['contact', contactId, 'tasks']}
      path="/api/v1/tasks"
      params={{ contactId }}
      empty="No tasks about this contact."
      render={(t) => (
        <>
          <strong>{t.title}</strong> · {humanize(t.status)}
          {t.dueAt && <> · due {formatDateTime(t.dueAt)}</>}
        </>
      )}
    />
  );
}
