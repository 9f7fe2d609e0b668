import { type Contact, type ListContactsQuery, nameSortLimit } from '@custodian/contracts';
import { contactEntity, indexOf, restrictedFields } from '../../catalog/index.js';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import {
  type BlindIndexer,
  normaliseEmail,
  normalisePhone,
  words,
} from '../../platform/crypto/blind-index.js';
import { decodeCursor, decodeTimeIdCursor, encodeCursor } from '../../platform/http/cursor.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { cachedCustomFieldRows } from '../custom-fields/index.js';
import { findTagsByName } from '../tags/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import {
  type ContactListOptions,
  type ContactPersonal,
  type ContactRecord,
  type ContactSortKey,
  listContactRows,
  listContactRowsWithTags,
  openContacts,
  sortValueOf,
  tagsOfContacts,
} from './repository.js';

interface Search {
  match: NonNullable<ContactListOptions['match']>;
  /** The personal fields the search looks at: a caller who may not see them may not search them. */
  fields: string[];
  /** Checked after decryption: a token collision or a longer-than-indexed word must not match. */
  verify(p: ContactPersonal): boolean;
}

const phoneLike = /^\+?[0-9 ().\-/]{5,}$/;

/** An e-mail or a phone number (exact), else words that must each start a word of the name. */
function parseSearch(q: string, indexer: BlindIndexer): Search | null {
  if (q.includes('@')) {
    const wanted = normaliseEmail(q);
    return {
      match: { index: 'email', tokens: [indexer.exactEmail(indexOf(contactEntity, 'emails').name, q)] },
      fields: ['emails'],
      verify: (p) => p.emails.some((e) => normaliseEmail(e.value) === wanted),
    };
  }
  const e164 = phoneLike.test(q) ? normalisePhone(q) : null;
  if (e164) {
    const token = indexer.exactPhone(indexOf(contactEntity, 'phones').name, e164);
    return token === null
      ? null
      : {
          match: { index: 'phone', tokens: [token] },
          fields: ['phones'],
          verify: (p) => p.phones.some((ph) => normalisePhone(ph.value) === e164),
        };
  }
  const queryWords = words(q);
  if (queryWords.length === 0) return null;
  return {
    match: { index: 'name', tokens: indexer.queryTokens(indexOf(contactEntity, 'firstName').name, q) },
    fields: ['firstName', 'lastName'],
    verify: (p) => {
      const nameWords = words(`${p.firstName ?? ''} ${p.lastName ?? ''}`);
      return queryWords.every((w) => nameWords.some((n) => n.startsWith(w)));
    },
  };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
function byName(direction: 1 | -1) {
  const key = (r: ContactRecord) =>
    [r.personal.lastName, r.personal.firstName].filter(Boolean).join(' ') || null;
  return (a: ContactRecord, b: ContactRecord) => {
    const ka = key(a);
    const kb = key(b);
    // Contacts without a name come last in both directions.
    if (ka === null || kb === null)
      return ka === kb ? a.row.id.localeCompare(b.row.id) : ka === null ? 1 : -1;
    return direction * collator.compare(ka, kb) || a.row.id.localeCompare(b.row.id);
  };
}

/**
 * Lists contacts: filters and search run in the database (blind indexes), never by decrypting the table.
 * One audit entry per page lists the people returned, under the request's purpose. No transaction, as for one
 * contact (get-contact.ts): the entry is written before anything is answered.
 */
export async function findContacts(
  options: ContactDeps & { ctx: RequestContext; query: ListContactsQuery },
): Promise<{ items: Contact[]; nextCursor: string | null }> {
  const { db, keys, ctx, query, indexer } = options;
  assertPermission(ctx.actor, 'contacts:read');
  const hidden = restrictedFields(contactEntity, ctx);
  const search = query.q ? parseSearch(query.q, indexer) : null;
  if (search?.fields.some((f) => hidden.has(f)) || (query.sort.endsWith('name') && hidden.has('lastName')))
    throw new AppError('forbidden', 'You may not search or sort by a field your role or purpose may not see');
  const byNameSort = query.sort === 'name' || query.sort === '-name';
  const sortKey = query.sort.replace('-', '') as ContactSortKey;
  const direction = query.sort.startsWith('-') ? 'desc' : 'asc';
  const offset = byNameSort ? Number(decodeCursor(query.cursor, ['number'])?.[0] ?? 0) : 0;
  const after = byNameSort ? null : decodeTimeIdCursor(query.cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) decodeCursor('invalid', ['number']);

  let tagId: string | undefined;
  if (query.tag) {
    const [tag] = await findTagsByName(db, [query.tag]);
    if (!tag) return { items: [], nextCursor: null };
    tagId = tag.id;
  }
  if (query.q && !search) return { items: [], nextCursor: null };
  const filters = {
    lifecycleStage: query.lifecycleStage,
    ownerId: query.ownerId,
    companyId: query.companyId,
    tagId,
    match: search?.match,
  };

  let page: ContactRecord[];
  // Tag names by contact id: a keyset page reads them with its rows; a name-sorted page asks for its own.
  let pageTags: Map<string, string[]> | null = null;
  let nextCursor: string | null = null;
  if (byNameSort) {
    const rows = await listContactRows(db, {
      ...filters,
      limit: nameSortLimit + 1,
      sort: { key: 'createdAt', direction: 'desc' },
      after: null,
    });
    if (rows.length > nameSortLimit)
      throw new AppError('validation_failed', 'Too many contacts to sort by name', {
        details: [
          {
            field: 'querystring.sort',
            issue: `sorting by name works on at most ${nameSortLimit} contacts; narrow the filter`,
          },
        ],
      });
    const all = (await openContacts(db, options, rows))
      .filter((r) => !search || search.verify(r.personal))
      .sort(byName(direction === 'asc' ? 1 : -1));
    page = all.slice(offset, offset + query.limit);
    if (offset + query.limit < all.length) nextCursor = encodeCursor([offset + query.limit]);
  } else {
    const found = await listContactRowsWithTags(db, {
      ...filters,
      limit: query.limit + 1,
      sort: { key: sortKey, direction },
      after,
    });
    const fetched = found.slice(0, query.limit);
    pageTags = new Map(fetched.map((f) => [f.row.id, f.tags]));
    page = (
      await openContacts(
        db,
        options,
        fetched.map((f) => f.row),
        fetched.map((f) => f.wrapped),
      )
    ).filter((r) => !search || search.verify(r.personal));
    const last = fetched[fetched.length - 1]?.row;
    if (found.length > query.limit && last) nextCursor = encodeCursor([sortValueOf(last, sortKey), last.id]);
  }

  await recordAudit(db, keys, ctx, {
    action: search ? 'contact.search' : 'contact.list',
    entityType: 'contact',
    subjectIds: page.map((r) => r.row.subjectId),
  });
  const tags =
    pageTags ??
    (await tagsOfContacts(
      db,
      page.map((r) => r.row.id),
    ));
  const defs = await cachedCustomFieldRows(db, 'contact');
  return { items: page.map((r) => presentContact(ctx, r, tags.get(r.row.id) ?? [], defs)), nextCursor };
}
