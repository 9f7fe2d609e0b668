import type { Contact } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { cachedCustomFieldRows } from '../custom-fields/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import { findContactRowWithTags, openContacts } from './repository.js';

/**
 * One contact, decrypted and masked for the caller; the read is audited under the request's purpose. The row comes
 * with its tags and its subject's wrapped key in one statement, and the custom-field definitions (not personal)
 * from the process cache.
 *
 * No transaction: the audit entry is written after the read and before anything is answered, so an answer exists
 * only when its entry does, which is all a transaction would add here; without one the read costs three round
 * trips to the database instead of five.
 */
export async function getContact(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<Contact> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'contacts:read');
  const found = await findContactRowWithTags(db, id);
  const [record] = found ? await openContacts(db, options, [found.row], [found.wrapped]) : [];
  if (!record) throw notFound('contact');
  await recordAudit(db, keys, ctx, {
    action: 'contact.read',
    entityType: 'contact',
    entityId: record.row.id,
    subjectIds: [record.row.subjectId],
  });
  return presentContact(ctx, record, found?.tags ?? [], await cachedCustomFieldRows(db, 'contact'));
}
