import type { ConsentEvent, Contact, Notice } from '@custodian/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, withQuery } from '../api.js';
import { hasReceipt, useConsentEvents } from '../contacts/consent-events.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { contactName, formatDateTime, humanize, primaryEmail } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Value } from '../ui/restricted.js';
import { useDebounced } from '../ui/use-debounced.js';

/**
 * Finding the person whose ledger to read. The ledger is kept per person (each one's proof is encrypted
 * under their own key), so the desk reads one person's at a time; the search text stays in memory.
 */
export function ConsentLedgerSearchPage() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const contacts = useQuery({
    queryKey: ['contacts', { q, purpose: 'ledger' }],
    queryFn: () => api<{ items: Contact[] }>('GET', withQuery('/api/v1/contacts', { q, limit: 20 })),
    enabled: q !== '',
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="ledger-title">
      <PageHeading title="Consent ledger" id="ledger-title" />
      <p className="hint">
        Every choice a person made, with its proof. Find the person by e-mail address, phone number or the
        start of their name.
      </p>
      <form aria-label="Find a person" onSubmit={(e) => e.preventDefault()} className="narrow">
        <Field label="Find a person" field="querystring.q" error={contacts.error}>
          <input type="search" value={search} maxLength={200} onChange={(e) => setSearch(e.target.value)} />
        </Field>
      </form>
      {q === '' ? null : contacts.isPending ? (
        <Loading what="people" />
      ) : contacts.isError ? (
        <LoadError error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : contacts.data.items.length === 0 ? (
        <p className="empty" role="status">
          Nobody found.
        </p>
      ) : (
        <ul className="plain results" aria-label="People found">
          {contacts.data.items.map((c) => (
            <li key={c.id}>
              <Link to={`/privacy-desk/consents/${c.id}`}>{contactName(c)}</Link>{' '}
              <span className="when">
                <Value value={primaryEmail(c)} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One person's whole ledger, newest first, with every piece of proof the caller's role may see. */
export function ConsentLedgerPage({ contactId }: { contactId: string }) {
  const contact = useQuery({
    queryKey: ['contact', contactId],
    queryFn: () => api<Contact>('GET', `/api/v1/contacts/${contactId}`),
  });
  const events = useConsentEvents(contactId);
  const notices = useQuery({
    queryKey: ['notices'],
    queryFn: () => api<{ items: Notice[] }>('GET', '/api/v1/notices'),
    staleTime: 300_000,
  });
  const noticeById = new Map((notices.data?.items ?? []).map((n) => [n.id, n]));
  const ledger = events.data?.pages.flatMap((p) => p.items) ?? [];
  const position = new Map(ledger.map((e, i) => [e.id, ledger.length - i]));

  return (
    <section aria-labelledby="ledger-title">
      <p className="breadcrumb">
        <Link to="/privacy-desk/consents">Consent ledger</Link>
      </p>
      <PageHeading title="Consent ledger of one person" id="ledger-title">
        Consent ledger
        {contact.data && (
          <>
            {' '}
            of <span className="subtitle-name">{contactName(contact.data)}</span>
          </>
        )}
      </PageHeading>
      {contact.isError && <LoadError error={contact.error} onRetry={() => void contact.refetch()} />}
      <p>
        <Link to={`/contacts/${contactId}`}>Open the contact</Link>
      </p>
      {events.isPending ? (
        <Loading what="the ledger" />
      ) : events.isError ? (
        <LoadError error={events.error} onRetry={() => void events.refetch()} />
      ) : ledger.length === 0 ? (
        <p className="empty">No choice recorded for this person.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="ledger-table">
              <caption className="visually-hidden">The person’s choices, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Choice</th>
                  <th scope="col">How</th>
                  <th scope="col">Notice</th>
                  <th scope="col">Proof</th>
                </tr>
              </thead>
              <tbody>
                {ledger.map((e) => {
                  const notice = e.noticeId ? noticeById.get(e.noticeId) : undefined;
                  return (
                    <tr key={e.id} id={`event-${e.id}`}>
                      <td>{position.get(e.id)}</td>
                      <td>
                        {formatDateTime(e.occurredAt)}
                        {e.recordedAt.slice(0, 16) !== e.occurredAt.slice(0, 16) && (
                          <span className="when"> (recorded {formatDateTime(e.recordedAt)})</span>
                        )}
                      </td>
                      <td>
                        <strong>{humanize(e.kind)}</strong>
                        {e.purpose && <> · {humanize(e.purpose)}</>}
                        {e.relatesTo && <RefersTo id={e.relatesTo} label="closes" position={position} />}
                        {e.conflictsWith && (
                          <span className="badge warn">
                            overrides an earlier choice
                            <RefersTo id={e.conflictsWith} label="" position={position} />
                          </span>
                        )}
                        {e.mergedFrom && <span className="when"> · copied from a merged contact</span>}
                      </td>
                      <td>
                        {humanize(e.method)}
                        {e.source && (
                          <>
                            {' '}
                            · <Value value={e.source} />
                          </>
                        )}
                        <span className="when">
                          {' '}
                          · by {e.actor.type}
                          {e.language && <> · {e.language}</>}
                        </span>
                      </td>
                      <td>
                        {notice
                          ? `${notice.name}, version ${notice.version}`
                          : e.noticeId
                            ? 'A notice version'
                            : '—'}
                      </td>
                      <td>
                        <Proof event={e} />
                        {hasReceipt(e) && (
                          <a
                            href={`/api/v1/contacts/${contactId}/consents/${e.id}/receipt.html`}
                            target="_blank"
                            rel="noopener"
                          >
                            Receipt
                            <span className="visually-hidden"> of choice {position.get(e.id)}</span>
                          </a>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {events.hasNextPage && (
            <button
              type="button"
              className="secondary"
              disabled={events.isFetchingNextPage}
              onClick={() => void events.fetchNextPage()}
            >
              {events.isFetchingNextPage ? 'Loading older choices…' : 'Show older choices'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function RefersTo({ id, label, position }: { id: string; label: string; position: Map<string, number> }) {
  const n = position.get(id);
  return (
    <span className="when">
      {' '}
      {label} {n ? <a href={`#event-${id}`}>choice {n}</a> : 'an older choice'}
    </span>
  );
}

function Proof({ event }: { event: ConsentEvent }) {
  const { proof } = event;
  const facts: [string, string | null][] = [
    [
      'Network address (keyed hash)',
      proof.networkAddressHash ? `${proof.networkAddressHash.slice(0, 12)}…` : null,
    ],
    ['Browser', proof.userAgent],
    ['Jurisdiction', proof.jurisdiction],
    [
      'Age check',
      proof.ageCheck
        ? `${humanize(proof.ageCheck.method)}${proof.ageCheck.age !== null ? `, ${proof.ageCheck.age}` : ''}${proof.ageCheck.minor ? ', a minor' : ''}`
        : null,
    ],
    ['Parental consent', proof.parentalConsentReference],
    ['Note', proof.note],
  ];
  const shown = facts.filter(([, v]) => v !== null);
  return (
    <>
      {shown.length > 0 && (
        <dl className="proof">
          {shown.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <Value value={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {event.restricted.length > 0 && (
        <p className="when">
          Hidden for your role: {event.restricted.map(humanize).join(', ').toLowerCase()}
        </p>
      )}
    </>
  );
}
