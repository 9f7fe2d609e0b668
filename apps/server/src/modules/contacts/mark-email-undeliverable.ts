import type { Executor } from '../../platform/db/database.js';
import {
  type ContactCrypto,
  type ContactRow,
  findContactRow,
  openContacts,
  updateContact,
} from './repository.js';

/**
 * Marks a contact's e-mail address as undeliverable (a permanent bounce or a spam complaint), so campaigns
 * skip it; without an address named (a report that did not say), the address campaigns mail first. The mark
 * lives inside the encrypted e-mail field, so it is exported, corrected and erased with the address.
 * Returns the contact when an address was marked now, null when there was nothing (more) to mark.
 */
export async function markEmailUndeliverable(
  ex: Executor,
  crypto: ContactCrypto,
  options: { contactId: string; address: string | null; at: Date },
): Promise<ContactRow | null> {
  const row = await findContactRow(ex, options.contactId, { forUpdate: true });
  const [record] = row ? await openContacts(ex, crypto, [row]) : [];
  if (!row || !record) return null;
  const wanted = options.address?.trim().toLowerCase() ?? null;
  const target = wanted
    ? record.personal.emails.find((e) => e.value === wanted)
    : mailableEmail(record.personal.emails);
  if (!target || target.undeliverableSince) return null;
  const emails = record.personal.emails.map((e) =>
    e === target ? { ...e, undeliverableSince: options.at.toISOString() } : e,
  );
  const { ownerId, companyId, source, lifecycleStage } = row;
  await updateContact(
    ex,
    crypto,
    row,
    { ...record.personal, emails },
    { ownerId, companyId, source, lifecycleStage },
  );
  return row;
}

/** The address campaigns mail: the primary one unless it is undeliverable, else the first deliverable one. */
export function mailableEmail<E extends { value: string; primary: boolean; undeliverableSince?: string }>(
  emails: readonly E[],
): E | undefined {
  const deliverable = emails.filter((e) => !e.undeliverableSince);
  return deliverable.find((e) => e.primary) ?? deliverable[0];
}
