import {
  type Contact,
  type ContactColumn,
  type contactSorts,
  defaultContactColumns,
  lifecycleStages,
  listContactsQuery,
  type Me,
} from '@custodian/contracts';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useRef } from 'react';
import { api, withQuery } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { useDebounced } from '../ui/use-debounced.js';
import { ContactsTable, focusFirstRow } from './ContactsTable.js';
import { SavedViews } from './SavedViews.js';
import '../ui/forms.css';

type Sort = (typeof contactSorts)[number];
export interface ContactsView {
  search: string;
  lifecycleStage: '' | (typeof lifecycleStages)[number];
  tag: string;
  sort: Sort;
  /** The columns shown after the name. */
  columns: ContactColumn[];
  /** The saved view open now, if any. */
  viewId: string | null;
}
export const initialContactsView: ContactsView = {
  search: '',
  lifecycleStage: '',
  tag: '',
  sort: '-createdAt',
  columns: [...defaultContactColumns],
  viewId: null,
};

const sortLabels: Partial<Record<Sort, string>> = {
  '-createdAt': 'Newest first',
  createdAt: 'Oldest first',
  '-updatedAt': 'Recently changed',
  '-lastActivityAt': 'Recent activity',
};
const pageSize = 25;

type Page = { items: Contact[]; nextCursor: string | null };

export function ContactsPage({
  me,
  view,
  onViewChange,
}: {
  me: Me;
  view: ContactsView;
  onViewChange: (view: ContactsView) => void;
}) {
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const set = (change: Partial<ContactsView>) => onViewChange({ ...view, ...change });
  // Instant search: the request goes out once typing pauses. The text stays in memory: the page's
  // address never carries it (it is personal data).
  const q = useDebounced(view.search.trim(), 250);
  const tag = useDebounced(view.tag.trim(), 250);
  const filters = { q, lifecycleStage: view.lifecycleStage, tag, sort: view.sort };
  const contacts = useInfiniteQuery({
    queryKey: ['contacts', filters],
    queryFn: ({ pageParam }) =>
      api<Page>('GET', withQuery('/api/v1/contacts', { ...filters, limit: pageSize, cursor: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = contacts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = q !== '' || tag !== '' || view.lifecycleStage !== '';
  const searching = contacts.isFetching && !contacts.isFetchingNextPage && !contacts.isPending;
  const maxQ = listContactsQuery.shape.q.unwrap().maxLength ?? 200;

  const searchKeys = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && tableRef.current && focusFirstRow(tableRef.current)) e.preventDefault();
  };

  return (
    <section aria-labelledby="contacts-title" className="contacts-page">
      <div className="page-top">
        <PageHeading title="Contacts" id="contacts-title" />
        {me.permissions.includes('contacts:write') && (
          <Link to="/contacts/new" className="button">
            New contact
          </Link>
        )}
      </div>
      <search aria-label="Contacts" className="filters">
        <Field
          label="Search"
          field="querystring.q"
          error={contacts.error}
          hint="A name, an exact e-mail address or a phone number"
        >
          <input
            ref={searchRef}
            type="search"
            autoComplete="off"
            spellCheck={false}
            maxLength={maxQ}
            value={view.search}
            onChange={(e) => set({ search: e.target.value })}
            onKeyDown={searchKeys}
          />
        </Field>
        <Field label="Stage" field="querystring.lifecycleStage" error={contacts.error}>
          <select
            value={view.lifecycleStage}
            onChange={(e) => set({ lifecycleStage: e.target.value as ContactsView['lifecycleStage'] })}
          >
            <option value="">Any stage</option>
            {lifecycleStages.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tag" field="querystring.tag" error={contacts.error}>
          <input
            type="text"
            autoComplete="off"
            value={view.tag}
            onChange={(e) => set({ tag: e.target.value })}
          />
        </Field>
        <Field label="Order" field="querystring.sort" error={contacts.error}>
          <select value={view.sort} onChange={(e) => set({ sort: e.target.value as Sort })}>
            {Object.entries(sortLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        {filtered && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              onViewChange({ ...initialContactsView, sort: view.sort, columns: view.columns });
              searchRef.current?.focus();
            }}
          >
            Clear
          </button>
        )}
      </search>
      <SavedViews view={view} onViewChange={onViewChange} />

      <p className="status" aria-live="polite">
        {contacts.isPending
          ? ''
          : searching
            ? 'Searching…'
            : contacts.isSuccess
              ? `${items.length}${contacts.hasNextPage ? '+' : ''} ${items.length === 1 ? 'contact' : 'contacts'}${filtered ? ' found' : ''}`
              : ''}
      </p>

      {contacts.isPending ? (
        <Loading what="contacts" />
      ) : contacts.isError && items.length === 0 ? (
        <LoadError error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">
          {filtered ? (
            'No contact matches this search and these filters.'
          ) : me.permissions.includes('contacts:write') ? (
            <>
              No contacts yet. <Link to="/contacts/new">Create the first one</Link>.
            </>
          ) : (
            'No contacts yet.'
          )}
        </p>
      ) : (
        <>
          {contacts.isError && <LoadError error={contacts.error} onRetry={() => void contacts.refetch()} />}
          <p className="hint" id="contacts-keys">
            Use the arrow keys to move between contacts and Enter to open one.
          </p>
          <ContactsTable
            ref={tableRef}
            contacts={items}
            columns={view.columns}
            describedBy="contacts-keys"
            busy={searching}
          />
          {contacts.hasNextPage && (
            <button
              type="button"
              className="secondary load-more"
              disabled={contacts.isFetchingNextPage}
              onClick={() => void contacts.fetchNextPage()}
            >
              {contacts.isFetchingNextPage ? 'Loading more…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
