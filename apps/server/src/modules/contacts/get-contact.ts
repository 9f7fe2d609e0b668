import type { Contact } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { cachedCustomFieldRows } from '../custom-fields/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import { findContactRowWithTags, openContacts } from './repository.js';

/**
 * One contact, decrypted and masked for the caller; the read is audited under the request's purpose, in the
 * read's transaction. The row comes with its tags and its subject's wrapped key in one statement, and the
 * custom-field definitions (not personal) from the process cache.
 */
export async function getContact(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<Contact> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const found = await findContactRowWithTags(tx, id);
    const [record] = found ? await openContacts(tx, options, [found.row], [found.wrapped]) : [];
    if (!record) throw notFound('contact');
    await recordAudit(tx, keys, ctx, {
      action: 'contact.read',
      entityType: 'contact',
      entityId: record.row.id,
      subjectIds: [record.row.subjectId],
    });
    return presentContact(ctx, record, found?.tags ?? [], await cachedCustomFieldRows(db, 'contact', tx));
  });
}
