import type { Contact } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError, api } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { contactName, formatDate, formatDateTime, humanize, isRestricted } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Restricted, Value } from '../ui/restricted.js';
import { useCan } from '../ui/use-me.js';
import { ConsentPanel } from './ConsentPanel.js';
import { ContactEditForm } from './ContactEditForm.js';
import '../ui/forms.css';
import { ContactTasks } from './ContactTasks.js';
import { ContactDeals, ContactRequests } from './RelatedLists.js';
import { ContactTimeline } from './Timeline.js';

export function ContactPage({ id }: { id: string }) {
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => api<Contact>('GET', `/api/v1/contacts/${id}`),
  });
  return (
    <article className="contact-page">
      <p className="breadcrumb">
        <Link to="/contacts">Contacts</Link>
      </p>
      {contact.isPending ? (
        <>
          <PageHeading title="Contact" />
          <Loading what="the contact" />
        </>
      ) : contact.isError ? (
        <>
          <PageHeading title="Contact" />
          {contact.error instanceof ApiError && contact.error.problem.status === 404 ? (
            <p role="alert">This contact does not exist, or you may not see it.</p>
          ) : (
            <LoadError error={contact.error} onRetry={() => void contact.refetch()} />
          )}
        </>
      ) : (
        <ContactDetails contact={contact.data} />
      )}
    </article>
  );
}

const fieldLabels: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  emails: 'E-mail',
  phones: 'Phone',
  addresses: 'Address',
  jobTitle: 'Job title',
  dateOfBirth: 'Date of birth',
};
const labelOf = (field: string) =>
  fieldLabels[field] ?? humanize(field.replace(/^customFields\./, '')).replace(/^./, (x) => x.toUpperCase());

function ContactDetails({ contact: c }: { contact: Contact }) {
  // A field the caller may not see is marked as such even when it is empty: "—" would claim it is.
  const hidden = new Set(c.restricted);
  const show = (field: string, node: ReactNode) => (hidden.has(field) ? <Restricted /> : node);
  const can = useCan();
  const [editing, setEditing] = useState(false);
  return (
    <>
      {/* The document title says "Contact", never the name: titles are kept in the browser's history. */}
      <PageHeading title="Contact">{contactName(c)}</PageHeading>
      <p className="subtitle">
        <span className="badge">{humanize(c.lifecycleStage)}</span> Added {formatDate(c.createdAt)} ·{' '}
        {humanize(c.source)}
      </p>
      {hidden.size > 0 && (
        <p className="notice">
          Restricted for your role or purpose: {c.restricted.map((f) => labelOf(f).toLowerCase()).join(', ')}.
        </p>
      )}
      <div className="contact-grid">
        <section aria-labelledby="details-title" className="panel details-panel">
          <div className="panel-top">
            <h2 id="details-title">Details</h2>
            {can('contacts:write') && !editing && (
              <button type="button" className="secondary" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
          </div>
          {editing ? (
            <ContactEditForm contact={c} onDone={() => setEditing(false)} />
          ) : (
            <dl className="details">
              <dt>First name</dt>
              <dd>{show('firstName', <Value value={c.firstName} />)}</dd>
              <dt>Last name</dt>
              <dd>{show('lastName', <Value value={c.lastName} />)}</dd>
              <dt>E-mail</dt>
              <dd>{show('emails', <EntryList entries={c.emails} />)}</dd>
              <dt>Phone</dt>
              <dd>{show('phones', <EntryList entries={c.phones} />)}</dd>
              <dt>Address</dt>
              <dd>{show('addresses', <Addresses addresses={c.addresses} />)}</dd>
              <dt>Job title</dt>
              <dd>{show('jobTitle', <Value value={c.jobTitle} />)}</dd>
              <dt>Date of birth</dt>
              <dd>
                {show('dateOfBirth', <Value value={c.dateOfBirth} />)}
                {c.isChild && <span className="badge warn"> under the age of digital consent</span>}
              </dd>
              <dt>Lifecycle stage</dt>
              <dd>{humanize(c.lifecycleStage)}</dd>
              <dt>Tags</dt>
              <dd>
                {c.tags.length === 0
                  ? '—'
                  : c.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
              </dd>
              {Object.entries(c.customFields).map(([key, value]) => (
                <FieldRow key={key} label={labelOf(`customFields.${key}`)} value={value} />
              ))}
              <dt>Last activity</dt>
              <dd>{formatDateTime(c.lastActivityAt)}</dd>
              <dt>Changed</dt>
              <dd>{formatDateTime(c.updatedAt)}</dd>
            </dl>
          )}
        </section>
        <ConsentPanel contactId={c.id} />
        <ContactTimeline contactId={c.id} />
        <ContactTasks contactId={c.id} />
        <ContactDeals contactId={c.id} />
        {can('requests:read') && <ContactRequests contactId={c.id} />}
      </div>
    </>
  );
}

function Addresses({ addresses }: { addresses: Contact['addresses'] }) {
  if (addresses.length === 0) return <>—</>;
  return (
    <>
      {addresses.map((a, i) => (
        <div key={i}>
          {a.label && <span className="label">{a.label}: </span>}
          {[a.street, a.postalCode, a.city, a.region, a.country].some(isRestricted) ? (
            <Restricted />
          ) : (
            [a.street, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country]
              .filter(Boolean)
              .join(', ')
          )}
        </div>
      ))}
    </>
  );
}

function FieldRow({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {isRestricted(value) ? (
          <Restricted />
        ) : value === null || value === undefined ? (
          '—'
        ) : typeof value === 'boolean' ? (
          value ? (
            'Yes'
          ) : (
            'No'
          )
        ) : (
          String(value)
        )}
      </dd>
    </>
  );
}

function EntryList({ entries }: { entries: Contact['emails'] | Contact['phones'] }) {
  if (entries.length === 0) return <>—</>;
  return (
    <ul className="plain">
      {entries.map((e, i) => (
        <li key={i}>
          <Value value={e.value} />
          {e.label && <span className="label"> ({e.label})</span>}
          {e.primary && <span className="badge">primary</span>}
          {'undeliverableSince' in e && e.undeliverableSince && (
            <span className="badge warn">undeliverable since {formatDate(e.undeliverableSince)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
