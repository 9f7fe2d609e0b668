import { type Contact, restrictedValue } from '@custodian/contracts';

export const isRestricted = (value: unknown): boolean => value === restrictedValue;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (iso: string | null): string => (iso ? dateTime.format(new Date(iso)) : '—');
export const formatDate = (iso: string | null): string => (iso ? dateOnly.format(new Date(iso)) : '—');

/** `sales_follow_up` → `Sales follow up`. */
export const humanize = (key: string): string => {
  const words = key.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The name to show for a contact; falls back to its e-mail, and says so when the name is masked. */
export function contactName(contact: Pick<Contact, 'firstName' | 'lastName' | 'emails'>): string {
  const parts = [contact.firstName, contact.lastName].filter((p): p is string => p !== null);
  if (parts.some(isRestricted)) return 'Name restricted';
  if (parts.length > 0) return parts.join(' ');
  const email = primaryEmail(contact);
  return email && !isRestricted(email) ? email : 'Unnamed contact';
}

export function primaryEmail(contact: Pick<Contact, 'emails'>): string | null {
  return (contact.emails.find((e) => e.primary) ?? contact.emails[0])?.value ?? null;
}
