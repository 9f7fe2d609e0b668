import type { Contact, UpdateContactInput } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { applyCustomValues, listCustomFieldRows } from '../custom-fields/index.js';
import { ensureTags } from '../tags/index.js';
import { applyPersonalInput } from './contact-input.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import {
  findContactRow,
  openContacts,
  replaceContactTags,
  tagsOfContacts,
  updateContact as updateContactRecord,
} from './repository.js';

/** Replaces the fields sent; the rest stay. The row is locked, so concurrent edits apply one after the other. */
export async function updateContact(
  options: ContactDeps & { ctx: RequestContext; id: string; input: UpdateContactInput },
): Promise<Contact> {
  const { db, keys, ctx, id, input } = options;
  assertPermission(ctx.actor, 'contacts:write');
  return transaction(db, async (tx) => {
    const row = await findContactRow(tx, id, { forUpdate: true });
    const [current] = row ? await openContacts(tx, options, [row]) : [];
    if (!current) throw notFound('contact');
    const defs = await listCustomFieldRows(tx, 'contact');
    const personal = applyPersonalInput(current.personal, input);
    personal.customFields = applyCustomValues(defs, current.personal.customFields, input.customFields);
    const record = await updateContactRecord(tx, options, current.row, personal, {
      ownerId: input.ownerId !== undefined ? input.ownerId : current.row.ownerId,
      companyId: input.companyId !== undefined ? input.companyId : current.row.companyId,
      source: input.source ?? current.row.source,
      lifecycleStage: input.lifecycleStage ?? current.row.lifecycleStage,
    });
    if (input.tags !== undefined) {
      const tagIds = await ensureTags(tx, input.tags);
      await replaceContactTags(tx, id, [...tagIds.values()]);
    }
    await recordAudit(tx, keys, ctx, {
      action: 'contact.update',
      entityType: 'contact',
      entityId: id,
      subjectIds: [record.row.subjectId],
    });
    const tags = (await tagsOfContacts(tx, [id])).get(record.row.id) ?? [];
    return presentContact(ctx, record, tags, defs);
  });
}
