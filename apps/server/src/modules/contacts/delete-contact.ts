import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { ContactDeps } from './deps.js';
import { deleteContactRow, findContactRow } from './repository.js';

/**
 * Deletes a contact and destroys the person's data key in the same transaction: copies of the
 * ciphertext in backups or WAL become unreadable. (Erasure requests add suppression and a certificate.)
 */
export async function deleteContact(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<void> {
  const { db, keys, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'contacts:delete');
  await transaction(db, async (tx) => {
    const row = await findContactRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('contact');
    await deleteContactRow(tx, id);
    await subjects.shred(tx, row.subjectId);
    await recordAudit(tx, keys, ctx, {
      action: 'contact.delete',
      entityType: 'contact',
      entityId: id,
      subjectIds: [row.subjectId],
    });
  });
}
