import type { Contact, CreateContactInput } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { applyCustomValues, listCustomFieldRows } from '../custom-fields/index.js';
import { assertNotSuppressed } from '../suppressions/index.js';
import { ensureTags } from '../tags/index.js';
import { applyPersonalInput, emptyPersonal } from './contact-input.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import { insertContact, replaceContactTags, tagsOfContacts } from './repository.js';

export async function createContact(
  options: ContactDeps & { ctx: RequestContext; input: CreateContactInput },
): Promise<Contact> {
  const { db, keys, ctx, input } = options;
  assertPermission(ctx.actor, 'contacts:write');
  const personal = applyPersonalInput(emptyPersonal, input);
  return transaction(db, async (tx) => {
    // Someone who asked to be erased or left alone is not re-created by hand.
    await assertNotSuppressed(tx, options.indexer, {
      emails: personal.emails.map((e) => e.value),
      phones: personal.phones.map((p) => p.value),
    });
    const defs = await listCustomFieldRows(tx, 'contact');
    personal.customFields = applyCustomValues(defs, {}, input.customFields);
    const record = await insertContact(tx, options, personal, {
      ownerId: input.ownerId ?? null,
      companyId: input.companyId ?? null,
      source: input.source ?? 'manual',
      lifecycleStage: input.lifecycleStage ?? 'lead',
    });
    const tagIds = await ensureTags(tx, input.tags ?? []);
    await replaceContactTags(tx, record.row.id, [...tagIds.values()]);
    await recordAudit(tx, keys, ctx, {
      action: 'contact.create',
      entityType: 'contact',
      entityId: record.row.id,
      subjectIds: [record.row.subjectId],
    });
    const tags = (await tagsOfContacts(tx, [record.row.id])).get(record.row.id) ?? [];
    return presentContact(ctx, record, tags, defs);
  });
}
