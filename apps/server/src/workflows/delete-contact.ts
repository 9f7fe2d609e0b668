import { activitiesOfContact, deleteActivityRows } from '../modules/activities/index.js';
import { deleteSubjectState } from '../modules/consents/index.js';
import { type ContactDeps, deleteContactRecord, findContactRow } from '../modules/contacts/index.js';
import { forgetEventsOf, recordDomainEvent } from '../modules/events/index.js';
import { taskKeysOfContact } from '../modules/tasks/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import { transaction } from '../platform/db/database.js';

/**
 * Deletes a person from the CRM in one transaction, with every record that is about them alone:
 * - activities linked only to them are deleted and their keys destroyed;
 * - activities shared with other people stay (their history is theirs too) and lose the link;
 * - their tasks are deleted and the tasks' keys destroyed;
 * - deal and tag links go with the contact; the deals themselves stay;
 * - finally the contact row goes and the person's key is destroyed; the consent ledger stays, unreadable
 *   (its proof was under that key), and the state derived from it goes;
 * - webhook recipients: the person's events not yet sent are dropped, and `contact.deleted` (the id alone)
 *   tells the subscribers to it that were sent the person.
 */
export async function deleteContact(
  options: ContactDeps & { ctx: RequestContext; id: string },
): Promise<void> {
  const { db, ctx, id, subjects } = options;
  assertPermission(ctx.actor, 'contacts:delete');
  await transaction(db, async (tx) => {
    const { sole } = await activitiesOfContact(tx, id);
    await deleteActivityRows(
      tx,
      sole.map((a) => a.id),
    );
    for (const activity of sole) await subjects.shred(tx, activity.subjectId);
    for (const taskKey of await taskKeysOfContact(tx, id)) await subjects.shred(tx, taskKey);
    // Shared activities lose the link by the foreign key's cascade when the contact row goes.
    const row = await findContactRow(tx, id);
    await deleteContactRecord(tx, options, ctx, id);
    if (!row) return;
    await deleteSubjectState(tx, row.subjectId);
    await forgetEventsOf(tx, { contactIds: [id], subjectIds: [row.subjectId] });
    await recordDomainEvent(tx, { type: 'contact.deleted', contactId: id, subjectId: row.subjectId });
  });
}
