import type { Contact } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import { findContactRow, openContacts, tagsOfContacts } from './repository.js';

/** One contact, decrypted and masked for the caller; the read is audited under the request's purpose. */
export async function getContact(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<Contact> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const row = await findContactRow(tx, id);
    const [record] = row ? await openContacts(tx, options, [row]) : [];
    if (!record) throw notFound('contact');
    await recordAudit(tx, keys, ctx, {
      action: 'contact.read',
      entityType: 'contact',
      entityId: record.row.id,
      subjectIds: [record.row.subjectId],
    });
    const tags = (await tagsOfContacts(tx, [id])).get(record.row.id) ?? [];
    return presentContact(ctx, record, tags, await listCustomFieldRows(tx, 'contact'));
  });
}
