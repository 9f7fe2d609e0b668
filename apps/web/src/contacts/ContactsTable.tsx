import type { Contact } from '@custodian/contracts';
import type { KeyboardEvent, Ref } from 'react';
import { Link } from '../router.js';
import { contactName, formatDateTime, humanize, isRestricted, primaryEmail } from '../ui/format.js';
import { Value } from '../ui/restricted.js';

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
}: {
  contacts: Contact[];
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
          <th scope="col">E-mail</th>
          <th scope="col">Stage</th>
          <th scope="col">Tags</th>
          <th scope="col">Last activity</th>
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
              <td data-label="E-mail">
                <Value value={primaryEmail(c)} compact />
              </td>
              <td data-label="Stage">{humanize(c.lifecycleStage)}</td>
              <td data-label="Tags">
                {c.tags.length === 0
                  ? '—'
                  : c.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
              </td>
              <td data-label="Last activity">{formatDateTime(c.lastActivityAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
