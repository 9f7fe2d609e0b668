import type { RequestContext } from '../../platform/access.js';
import type { Tx } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { ContactDeps } from './deps.js';
import { deleteContactRow, findContactRow } from './repository.js';

/**
 * Deletes the contact row and destroys the person's data key, in the caller's transaction: copies of the
 * ciphertext in backups or WAL become unreadable. Records linked to the person are the caller's concern
 * (workflows/delete-contact.ts); erasure requests add suppression and a certificate.
 */
export async function deleteContactRecord(
  tx: Tx,
  deps: Pick<ContactDeps, 'keys' | 'subjects'>,
  ctx: RequestContext,
  id: string,
): Promise<void> {
  const row = await findContactRow(tx, id, { forUpdate: true });
  if (!row) throw notFound('contact');
  await deleteContactRow(tx, id);
  await deps.subjects.shred(tx, row.subjectId);
  await recordAudit(tx, deps.keys, ctx, {
    action: 'contact.delete',
    entityType: 'contact',
    entityId: id,
    subjectIds: [row.subjectId],
  });
}
