import type { DataCategory } from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import { contactEntity } from '../../catalog/index.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { Executor } from '../../platform/db/database.js';
import { recipientsDisclosedTo } from '../audit/index.js';
import { answerProcessing } from '../consents/index.js';
import { type ContactPersonal, contacts, findContactRows, openContacts } from '../contacts/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import type { domainEvents } from '../events/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import type { RecipientBasics } from './repository.js';

type EventRow = typeof domainEvents.$inferSelect;

export interface PayloadDeps {
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
}

/** A payload to send, with the people it concerns and the categories of their data it carries; or a skip. */
export type BuiltPayload =
  | { kind: 'send'; body: Record<string, unknown>; subjectIds: string[]; categories: DataCategory[] }
  | { kind: 'skip'; reason: 'not_allowed' | 'purpose_not_allowed' | 'not_disclosed' | 'gone' };

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * The contact's fields a recipient may receive for a purpose: the catalog fields whose purposes include it
 * and whose category the recipient is registered for, and likewise each custom field by its own classification.
 */
async function minimisedFields(
  ex: Executor,
  personal: ContactPersonal,
  purpose: string,
  recipient: RecipientBasics,
): Promise<{ fields: Record<string, unknown>; categories: Set<DataCategory> }> {
  const fields: Record<string, unknown> = {};
  const categories = new Set<DataCategory>();
  for (const [name, decl] of Object.entries(contactEntity.personal)) {
    if (name === 'customFields') continue;
    if (!(decl.purposes as readonly string[]).includes(purpose)) continue;
    if (!recipient.categories.includes(decl.category)) continue;
    const value = personal[name as keyof ContactPersonal] ?? null;
    fields[name] = value;
    if (!isEmpty(value)) categories.add(decl.category);
  }
  const custom: Record<string, unknown> = {};
  for (const def of await listCustomFieldRows(ex, 'contact')) {
    const value = personal.customFields[def.key];
    if (isEmpty(value) || !def.purposes.includes(purpose)) continue;
    if (def.category && !recipient.categories.includes(def.category)) continue;
    custom[def.key] = value;
    if (def.category) categories.add(def.category as DataCategory);
  }
  if (Object.keys(custom).length > 0) fields.customFields = custom;
  return { fields, categories };
}

async function contactIdOfSubject(ex: Executor, subjectId: string | null): Promise<string | null> {
  if (!subjectId) return null;
  const [row] = await ex.select({ id: contacts.id }).from(contacts).where(eq(contacts.subjectId, subjectId));
  return row?.id ?? null;
}

/** Whether the recipient was ever sent this person (a `webhook.delivered` disclosure naming them). */
async function receivedBefore(ex: Executor, recipientId: string, subjectId: string | null): Promise<boolean> {
  if (!subjectId) return false;
  const found = await recipientsDisclosedTo(ex, {
    action: 'webhook.delivered',
    recipientIds: [recipientId],
    subjectIds: [subjectId],
  });
  return found.size > 0;
}

/**
 * Builds a delivery's payload now, from the live record: nothing personal is kept with the event or the
 * delivery. Contact events carry the minimised fields, and only for a person the processing guard allows for
 * the subscription's purpose: for anyone else nothing is sent. The id-only events about a person (erasure,
 * deletion, merge, consent changes) go only to a recipient that was sent this person before (`not_disclosed`
 * otherwise): to anyone else the id would itself be news. Consent changes and merges also need the recipient to
 * still hold the subscription's purpose; an erasure or a deletion does not (Art. 19: every recipient that got the
 * data is told).
 */
export async function buildPayload(
  ex: Executor,
  deps: PayloadDeps,
  event: EventRow,
  subscription: { purpose: string },
  recipient: RecipientBasics,
): Promise<BuiltPayload> {
  const purpose = subscription.purpose;
  const envelope = { id: event.id, type: event.type, occurredAt: event.occurredAt.toISOString(), purpose };
  const send = (
    data: Record<string, unknown>,
    subjectIds: (string | null)[],
    categories: DataCategory[] = [],
  ) =>
    ({
      kind: 'send',
      body: { ...envelope, data },
      subjectIds: subjectIds.filter((id): id is string => !!id),
      categories,
    }) as const;
  const purposeAllowed = recipient.purposes.includes(purpose);

  switch (event.type) {
    case 'contact.created':
    case 'contact.updated': {
      if (!purposeAllowed) return { kind: 'skip', reason: 'purpose_not_allowed' };
      const [row] = event.contactId ? await findContactRows(ex, [event.contactId]) : [];
      if (!row) return { kind: 'skip', reason: 'gone' };
      const { answers } = await answerProcessing(ex, purpose, { contactIds: [row.id] });
      if (!answers[0]?.allowed) return { kind: 'skip', reason: 'not_allowed' };
      const [opened] = await openContacts(ex, deps, [row]);
      if (!opened) return { kind: 'skip', reason: 'gone' };
      const { fields, categories } = await minimisedFields(ex, opened.personal, purpose, recipient);
      return send({ contact: { id: row.id, fields } }, [row.subjectId], [...categories]);
    }
    case 'contact.erased':
    case 'contact.deleted':
      if (!(await receivedBefore(ex, recipient.id, event.subjectId)))
        return { kind: 'skip', reason: 'not_disclosed' };
      return send({ contact: { id: event.contactId } }, [event.subjectId]);
    case 'contact.merged': {
      if (!purposeAllowed) return { kind: 'skip', reason: 'purpose_not_allowed' };
      if (!(await receivedBefore(ex, recipient.id, event.subjectId)))
        return { kind: 'skip', reason: 'not_disclosed' };
      const survivorId = typeof event.data.survivorId === 'string' ? event.data.survivorId : null;
      const [survivor] = survivorId ? await findContactRows(ex, [survivorId]) : [];
      if (!survivor) return { kind: 'skip', reason: 'gone' };
      // The survivor is named too: the recipient now holds its id (and later erasures reach it by that).
      return send({ contact: { id: event.contactId }, survivorId: survivor.id }, [
        event.subjectId,
        survivor.subjectId,
      ]);
    }
    case 'consent.changed': {
      if (!purposeAllowed) return { kind: 'skip', reason: 'purpose_not_allowed' };
      const contactId = await contactIdOfSubject(ex, event.subjectId);
      if (!contactId) return { kind: 'skip', reason: 'gone' };
      if (!(await receivedBefore(ex, recipient.id, event.subjectId)))
        return { kind: 'skip', reason: 'not_disclosed' };
      return send({ contact: { id: contactId }, ...event.data }, [event.subjectId]);
    }
    case 'request.fulfilled':
      return send({ request: event.data }, []);
    default:
      return { kind: 'skip', reason: 'gone' };
  }
}
