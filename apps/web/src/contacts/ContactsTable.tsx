import { type Contact, type ContactColumn, defaultContactColumns } from '@custodian/contracts';
import type { KeyboardEvent, ReactNode, Ref } from 'react';
import { Link } from '../router.js';
import {
  contactName,
  formatDate,
  formatDateTime,
  humanize,
  isRestricted,
  primaryEmail,
} from '../ui/format.js';
import { CompanyName } from '../ui/names.js';
import { Value } from '../ui/restricted.js';

export const columnLabels: Record<ContactColumn, string> = {
  email: 'E-mail',
  phone: 'Phone',
  stage: 'Stage',
  tags: 'Tags',
  jobTitle: 'Job title',
  company: 'Company',
  source: 'Source',
  lastActivity: 'Last activity',
  createdAt: 'Added',
};

function cell(c: Contact, column: ContactColumn): ReactNode {
  switch (column) {
    case 'email':
      return <Value value={primaryEmail(c)} compact />;
    case 'phone':
      return <Value value={(c.phones.find((p) => p.primary) ?? c.phones[0])?.value} compact />;
    case 'stage':
      return humanize(c.lifecycleStage);
    case 'tags':
      return c.tags.length === 0
        ? '—'
        : c.tags.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ));
    case 'jobTitle':
      return <Value value={c.jobTitle} compact />;
    case 'company':
      return c.companyId ? <CompanyName id={c.companyId} /> : '—';
    case 'source':
      return humanize(c.source);
    case 'lastActivity':
      return formatDateTime(c.lastActivityAt);
    case 'createdAt':
      return formatDate(c.createdAt);
  }
}

const rowLinks = (table: HTMLTableElement) =>
  Array.from(table.querySelectorAll<HTMLAnchorElement>('tbody a[data-row-link]'));

/** Moves focus to the first contact's link; false when there is none. */
export function focusFirstRow(table: HTMLTableElement): boolean {
  const first = rowLinks(table)[0];
  first?.focus();
  return first !== undefined;
}

/**
 * Arrow keys move between rows (focus sits on each row's name link), Home and End jump to the ends,
 * Enter opens the focused contact (the link's own behaviour).
 */
function moveRowFocus(e: KeyboardEvent<HTMLTableElement>) {
  const links = rowLinks(e.currentTarget);
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  const target =
    e.key === 'ArrowDown'
      ? links[Math.min(at + 1, links.length - 1)]
      : e.key === 'ArrowUp'
        ? links[Math.max(at - 1, 0)]
        : e.key === 'Home'
          ? links[0]
          : e.key === 'End'
            ? links[links.length - 1]
            : undefined;
  if (!target || at === -1) return;
  e.preventDefault();
  target.focus();
}

export function ContactsTable({
  contacts,
  ref,
  describedBy,
  busy,
  columns = defaultContactColumns,
}: {
  contacts: Contact[];
  /** The columns after the name, in this order. */
  columns?: readonly ContactColumn[];
  ref?: Ref<HTMLTableElement>;
  describedBy?: string;
  busy?: boolean;
}) {
  return (
    <table
      ref={ref}
      className="contacts"
      aria-describedby={describedBy}
      aria-busy={busy || undefined}
      onKeyDown={moveRowFocus}
    >
      <caption className="visually-hidden">Contacts</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          {columns.map((column) => (
            <th key={column} scope="col">
              {columnLabels[column]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {contacts.map((c) => {
          const name = contactName(c);
          return (
            <tr key={c.id}>
              <th scope="row" data-label="Name">
                <Link to={`/contacts/${c.id}`} data-row-link="">
                  {name}
                </Link>
                {isRestricted(c.firstName) || isRestricted(c.lastName) ? (
                  <span className="visually-hidden"> (restricted for your role)</span>
                ) : null}
              </th>
              {columns.map((column) => (
                <td key={column} data-label={columnLabels[column]}>
                  {cell(c, column)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
