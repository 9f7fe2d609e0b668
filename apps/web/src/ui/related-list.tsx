import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, withQuery } from '../api.js';
import { LoadError, Loading } from './errors.js';

type Page<T> = { items: T[]; nextCursor: string | null };

/** One section of a detail page: a paged list from the API, with its loading, error and empty states. */
export function RelatedList<T extends { id: string }>({
  title,
  queryKey,
  path,
  params = {},
  empty,
  render,
  actions,
  children,
}: {
  title: string;
  queryKey: readonly unknown[];
  path: string;
  params?: Record<string, string>;
  empty: string;
  render: (item: T) => ReactNode;
  /** Buttons beside the title (e.g. "Log an activity"). */
  actions?: ReactNode;
  /** Shown between the title and the list (e.g. the form that adds to it). */
  children?: ReactNode;
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
      {actions ? (
        <div className="panel-top">
          <h2 id={id}>{title}</h2>
          {actions}
        </div>
      ) : (
        <h2 id={id}>{title}</h2>
      )}
      {children}
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
