import {
  type DuplicateGroup,
  duplicateGroupLimit,
  duplicateReasons,
  type FindDuplicateContactsQuery,
} from '@custodian/contracts';
import { contactEntity, indexOf, restrictedFields } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { type BlindIndexer, normaliseEmail, normalisePhone } from '../../platform/crypto/blind-index.js';
import { transaction } from '../../platform/db/database.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import {
  type ContactRecord,
  type DuplicateCandidates,
  type DuplicateReason,
  listContactRowsByIds,
  listDuplicateCandidates,
  openContacts,
  tagsOfContacts,
} from './repository.js';

const fieldOf = { email: 'emails', phone: 'phones' } as const satisfies Record<DuplicateReason, string>;

function positionCursor(cursor: string | undefined): { reason: DuplicateReason; position: string } | null {
  const decoded = decodeCursor(cursor, ['string', 'string']);
  if (!decoded) return null;
  const [reason, position] = decoded as [string, string];
  if (!(duplicateReasons as readonly string[]).includes(reason) || !/^-?[0-9]{1,19}$/.test(position))
    decodeCursor('invalid', ['string']);
  return { reason: reason as DuplicateReason, position };
}

/** A value's blind-index token as text and its normalised form; null when it is no phone number. */
function indexed(reason: DuplicateReason, value: string, indexer: BlindIndexer) {
  const index = indexOf(contactEntity, fieldOf[reason]).name;
  if (reason === 'email')
    return { token: indexer.exactEmail(index, value), normalised: normaliseEmail(value) };
  const e164 = normalisePhone(value);
  return e164 === null ? null : { token: indexer.token(index, e164), normalised: e164 };
}

/**
 * The real groups inside a candidate group: members grouped by the decrypted value behind the shared tokens,
 * so a token collision (two different values, one token) never reports people as duplicates.
 */
function verify(
  candidates: DuplicateCandidates,
  records: ReadonlyMap<string, ContactRecord>,
  indexer: BlindIndexer,
): ContactRecord[][] {
  const shared = new Set(candidates.tokens);
  const byValue = new Map<string, ContactRecord[]>();
  for (const id of candidates.contactIds) {
    const record = records.get(id);
    if (!record) continue; // erased while we looked
    const entries = candidates.reason === 'email' ? record.personal.emails : record.personal.phones;
    const values = new Set<string>();
    for (const entry of entries) {
      const v = indexed(candidates.reason, entry.value, indexer);
      if (v && shared.has(v.token.toString())) values.add(v.normalised);
    }
    for (const value of values) byValue.set(value, [...(byValue.get(value) ?? []), record]);
  }
  const groups = new Map<string, ContactRecord[]>();
  for (const members of byValue.values())
    if (members.length > 1) groups.set(members.map((m) => m.row.id).join(','), members);
  return [...groups.values()];
}

/**
 * Contacts sharing a normalised e-mail or phone number. The blind indexes find the candidates in the
 * database; decryption confirms them. Only fields the caller may see are compared, so the answer never
 * reveals that two hidden values are equal. One audit entry lists everyone returned.
 */
export async function findDuplicateContacts(
  options: ContactDeps & { ctx: RequestContext; query: FindDuplicateContactsQuery },
): Promise<{ items: DuplicateGroup[]; nextCursor: string | null }> {
  const { db, keys, ctx, query, indexer } = options;
  assertPermission(ctx.actor, 'contacts:read');
  const hidden = restrictedFields(contactEntity, ctx);
  const reasons = duplicateReasons.filter((r) => !hidden.has(fieldOf[r]));
  const after = positionCursor(query.cursor);

  return transaction(db, async (tx) => {
    const fetched = await listDuplicateCandidates(tx, {
      reasons,
      after,
      limit: query.limit + 1,
      groupSize: duplicateGroupLimit,
    });
    const page = fetched.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      fetched.length > query.limit && last ? encodeCursor([last.reason, last.position]) : null;

    const ids = [...new Set(page.flatMap((c) => c.contactIds))];
    const opened = await openContacts(tx, options, await listContactRowsByIds(tx, ids));
    const records = new Map(opened.map((r) => [r.row.id, r]));
    const groups = page.flatMap((c) =>
      verify(c, records, indexer).map((members) => ({ reason: c.reason, members })),
    );
    const returned = [...new Set(groups.flatMap((g) => g.members))];

    await recordAudit(tx, keys, ctx, {
      action: 'contact.duplicates',
      entityType: 'contact',
      subjectIds: returned.map((r) => r.row.subjectId),
    });
    const tags = await tagsOfContacts(
      tx,
      returned.map((r) => r.row.id),
    );
    const defs = await listCustomFieldRows(tx, 'contact');
    const items = groups.map((g) => ({
      reason: g.reason,
      contacts: g.members.map((r) => presentContact(ctx, r, tags.get(r.row.id) ?? [], defs)),
    }));
    return { items, nextCursor };
  });
}
