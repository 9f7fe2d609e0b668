import type { Contact, MergeContactsInput } from '@custodian/contracts';
import { moveActivityLinks } from '../modules/activities/index.js';
import { recordAudit } from '../modules/audit/index.js';
import { copyLedger, deleteSubjectState } from '../modules/consents/index.js';
import {
  type ContactDeps,
  type ContactPersonal,
  type ContactRecord,
  deleteContactRecord,
  findContactRow,
  moveContactTags,
  openContacts,
  presentContact,
  tagsOfContacts,
  touchLastActivity,
  updateContactFields,
} from '../modules/contacts/index.js';
import { listCustomFieldRows } from '../modules/custom-fields/index.js';
import { moveDealLinks } from '../modules/deals/index.js';
import { forgetEventsOf, recordDomainEvent } from '../modules/events/index.js';
import { moveTasks } from '../modules/tasks/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import { transaction } from '../platform/db/database.js';
import { AppError, notFound } from '../platform/http/errors.js';

type Side = 'this' | 'other';

/** Entries of both, each value once; the survivor's primary stays primary. */
function unite<T extends { value: string; primary: boolean }>(mine: T[], theirs: T[]): T[] {
  const seen = new Set(mine.map((e) => e.value));
  return [...mine, ...theirs.filter((e) => !seen.has(e.value)).map((e) => ({ ...e, primary: false }))];
}

function mergedPersonal(target: ContactPersonal, other: ContactPersonal, take: MergeContactsInput['take']) {
  const pick = <K extends 'firstName' | 'lastName' | 'jobTitle' | 'dateOfBirth'>(field: K) =>
    (take[field] as Side | undefined) === 'other' ? other[field] : (target[field] ?? other[field]);
  const addresses = [...target.addresses];
  for (const a of other.addresses)
    if (!addresses.some((b) => JSON.stringify(b) === JSON.stringify(a))) addresses.push(a);
  return {
    firstName: pick('firstName'),
    lastName: pick('lastName'),
    jobTitle: pick('jobTitle'),
    dateOfBirth: pick('dateOfBirth'),
    emails: unite(target.emails, other.emails),
    phones: unite(target.phones, other.phones),
    addresses: addresses.slice(0, 5),
    // Values of the other fill the survivor's empty custom fields.
    customFields: { ...other.customFields, ...target.customFields },
  };
}

/**
 * Merges `otherId` into `id` in one transaction: chosen fields, united lists, and every activity, deal,
 * task and tag of the other moved to the survivor, and the other's consent ledger copied onto the
 * survivor's (so every choice the person made still counts, with its proof); then the other is deleted
 * and its key destroyed. Webhook recipients: the other's events not yet sent are dropped, and `contact.merged`
 * (the other's id and the survivor's) tells the subscribers to it that were sent the other.
 */
export async function mergeContacts(
  options: ContactDeps & { ctx: RequestContext; id: string; input: MergeContactsInput },
): Promise<Contact> {
  const { db, keys, ctx, id, input } = options;
  assertPermission(ctx.actor, 'contacts:write');
  if (input.otherId === id)
    throw new AppError('validation_failed', 'A contact cannot be merged into itself', {
      details: [{ field: 'body.otherId', issue: 'is this contact itself' }],
    });
  return transaction(db, async (tx) => {
    // Locked in id order, so two merges of the same pair cannot deadlock.
    const locked = new Map();
    for (const contactId of [id, input.otherId].sort())
      locked.set(contactId, await findContactRow(tx, contactId, { forUpdate: true }));
    const rows = [locked.get(id), locked.get(input.otherId)];
    if (!rows[0] || !rows[1]) throw notFound('contact');
    const opened = await openContacts(tx, options, rows);
    const target = opened.find((r) => r.row.id === id);
    const other = opened.find((r) => r.row.id === input.otherId);
    if (!target || !other) throw notFound('contact');

    const side = (field: keyof MergeContactsInput['take']) => input.take[field] ?? 'this';
    const attr = <K extends 'ownerId' | 'companyId' | 'source' | 'lifecycleStage'>(field: K) =>
      side(field) === 'other' ? other.row[field] : (target.row[field] ?? other.row[field]);
    const updated: ContactRecord = await updateContactFields(
      tx,
      options,
      target.row,
      mergedPersonal(target.personal, other.personal, input.take),
      {
        ownerId: attr('ownerId'),
        companyId: attr('companyId'),
        source: attr('source'),
        lifecycleStage: attr('lifecycleStage'),
      },
    );
    if (other.row.lastActivityAt) await touchLastActivity(tx, [id], other.row.lastActivityAt);
    await moveContactTags(tx, other.row.id, id);
    await moveActivityLinks(tx, other.row.id, id);
    await moveDealLinks(tx, other.row.id, id);
    await moveTasks(tx, other.row.id, id);
    await copyLedger(tx, options.subjects, other.row.subjectId, target.row.subjectId);
    await recordAudit(tx, keys, ctx, {
      action: 'contact.merge',
      entityType: 'contact',
      entityId: id,
      subjectIds: [target.row.subjectId, other.row.subjectId],
    });
    await deleteContactRecord(tx, options, ctx, other.row.id);
    await deleteSubjectState(tx, other.row.subjectId);
    await forgetEventsOf(tx, { contactIds: [other.row.id], subjectIds: [other.row.subjectId] });
    await recordDomainEvent(tx, {
      type: 'contact.merged',
      contactId: other.row.id,
      subjectId: other.row.subjectId,
      data: { survivorId: id },
    });
    const fresh = await findContactRow(tx, id);
    const [record] = await openContacts(tx, options, [fresh ?? updated.row]);
    const tags = (await tagsOfContacts(tx, [id])).get(id) ?? [];
    return presentContact(ctx, record ?? updated, tags, await listCustomFieldRows(tx, 'contact'));
  });
}
