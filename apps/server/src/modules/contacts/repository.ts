import type { CustomValues } from '@custodian/contracts';
import { and, asc, desc, eq, getTableColumns, inArray, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import {
  blindIndexTokens,
  contactEntity,
  openPersonalFields,
  type PersonalValues,
  propertyOf,
  sealPersonalFields,
} from '../../catalog/index.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import { bulkColumn, insertRows } from '../../platform/db/bulk.js';
import { type Executor, queryRows } from '../../platform/db/database.js';
import { rethrowMissingLink } from '../../platform/db/errors.js';
import { newRowId } from '../../platform/db/ids.js';
import { preparedFor } from '../../platform/db/prepared.js';
import { bigintArrayLiteral } from '../../platform/db/types.js';
import { recordDomainEvent, recordDomainEvents } from '../events/index.js';
import { recordContactFindings } from '../scanner/index.js';
import {
  dataSubjects,
  type NewSubject,
  type SubjectKeyStore,
  type WrappedSubjectKey,
} from '../subjects/index.js';
import { tags } from '../tags/index.js';
import { contacts, contactTags } from './schema.js';

/** What the repository needs to encrypt, decrypt and index: the key store and the blind indexer. */
export interface ContactCrypto {
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
}

export interface Entry {
  value: string;
  label: string | null;
  primary: boolean;
  /** E-mails only: when mail to it bounced for good or was reported as spam (ISO time). */
  undeliverableSince?: string;
}
export interface Address {
  label: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}
/** The personal fields of a contact, in clear, as the catalog declares them. */
export interface ContactPersonal {
  firstName: string | null;
  lastName: string | null;
  emails: Entry[];
  phones: Entry[];
  addresses: Address[];
  jobTitle: string | null;
  dateOfBirth: string | null;
  customFields: CustomValues;
}

const { nameTokens: _n, emailTokens: _e, phoneTokens: _p, ...readable } = getTableColumns(contacts);
/** Every column but the write-only blind-index tokens. */
const contactColumns = readable;
export type ContactRow = { [K in keyof typeof readable]: (typeof contacts.$inferSelect)[K] };

export interface ContactRecord {
  row: ContactRow;
  personal: ContactPersonal;
}

export interface ContactAttributes {
  ownerId: string | null;
  companyId: string | null;
  source: string;
  lifecycleStage: string;
}

// Empty lists are stored as null: no ciphertext at all rather than an encrypted "[]".
function toStored(p: ContactPersonal): PersonalValues {
  const list = <T>(l: T[]) => (l.length > 0 ? l : null);
  return {
    ...p,
    emails: list(p.emails),
    phones: list(p.phones),
    addresses: list(p.addresses),
    customFields: Object.keys(p.customFields).length > 0 ? p.customFields : null,
  };
}

function fromStored(v: PersonalValues): ContactPersonal {
  return {
    firstName: (v.firstName as string | null) ?? null,
    lastName: (v.lastName as string | null) ?? null,
    emails: (v.emails as Entry[] | null) ?? [],
    phones: (v.phones as Entry[] | null) ?? [],
    addresses: (v.addresses as Address[] | null) ?? [],
    jobTitle: (v.jobTitle as string | null) ?? null,
    dateOfBirth: (v.dateOfBirth as string | null) ?? null,
    customFields: (v.customFields as CustomValues | null) ?? {},
  };
}

function translate(err: unknown): never {
  rethrowMissingLink(err, {
    contacts_company_id_companies_id_fk: 'body.companyId',
    contacts_owner_id_users_id_fk: 'body.ownerId',
  });
}

function sealedColumns(crypto: ContactCrypto, key: Buffer, subjectId: string, personal: ContactPersonal) {
  const sealed = sealPersonalFields(contactEntity, key, subjectId, toStored(personal));
  const tokens = blindIndexTokens(contactEntity, crypto.indexer, { ...personal });
  return {
    ...sealed,
    customFieldKeys: Object.keys(personal.customFields).sort(),
    nameTokens: tokens.nameTokens ?? [],
    emailTokens: tokens.emailTokens ?? [],
    phoneTokens: tokens.phoneTokens ?? [],
  };
}

/** A new contact: a new data subject with its own key, its personal fields encrypted under it. */
export async function insertContact(
  ex: Executor,
  crypto: ContactCrypto,
  personal: ContactPersonal,
  attributes: ContactAttributes,
): Promise<ContactRecord> {
  const subjectId = await crypto.subjects.createSubject(ex);
  const key = await crypto.subjects.keyFor(ex, subjectId);
  try {
    const [row] = await ex
      .insert(contacts)
      .values({ subjectId, ...attributes, ...sealedColumns(crypto, key, subjectId, personal) })
      .returning(contactColumns);
    await recordContactFindings(ex, row!.id, personal.customFields, { fresh: true });
    // In the same transaction: webhooks announce exactly the changes that were made.
    await recordDomainEvent(ex, { type: 'contact.created', contactId: row!.id, subjectId });
    return { row: row!, personal };
  } catch (err) {
    translate(err);
  }
}

/**
 * Re-encrypts every personal field (fresh nonces) and recomputes the indexes from the merged values. Records
 * its `contact.updated` event unless the caller records a batch's events in one statement (`recordEvent: false`).
 */
export async function updateContact(
  ex: Executor,
  crypto: ContactCrypto,
  row: ContactRow,
  personal: ContactPersonal,
  attributes: ContactAttributes,
  options: { recordEvent?: boolean } = {},
): Promise<ContactRecord> {
  const key = await crypto.subjects.keyFor(ex, row.subjectId);
  try {
    const [updated] = await ex
      .update(contacts)
      .set({ ...attributes, ...sealedColumns(crypto, key, row.subjectId, personal), updatedAt: new Date() })
      .where(eq(contacts.id, row.id))
      .returning(contactColumns);
    await recordContactFindings(ex, row.id, personal.customFields);
    if (options.recordEvent !== false)
      await recordDomainEvent(ex, { type: 'contact.updated', contactId: row.id, subjectId: row.subjectId });
    return { row: updated!, personal };
  } catch (err) {
    translate(err);
  }
}

export async function findContactRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ContactRow | null> {
  const query = ex.select(contactColumns).from(contacts).where(eq(contacts.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

/**
 * A contact's tag names in name order, as a column of the contact's own query: a read gets its tags without a
 * second round trip. Correlated with the outer `contacts` row, named in full: Drizzle writes a column of a
 * one-table query unqualified, and a bare "id" here would be the tag's.
 */
const tagNamesColumn = sql<string[]>`coalesce((select array_agg(t.name order by lower(t.name))
  from ${contactTags} ct join ${tags} t on t.id = ct.tag_id
  where ct.contact_id = ${contacts}.${sql.identifier(contacts.id.name)}), '{}'::text[])`;

/** What a read needs with its rows: the contact's tags and its subject's wrapped key (to open it with no query). */
const readExtras = {
  tagNames: tagNamesColumn,
  wrappedKey: dataSubjects.wrappedKey,
  keyId: dataSubjects.keyId,
};

/**
 * The same for a page: the subject's key as subqueries instead of a join. PostgreSQL evaluates subqueries of the
 * select list after sorting and limiting, so a search matching 700 people looks up 51 keys, not 700 before it
 * sorts (a name-prefix page: 7-10 ms -> 2-3 ms in PostgreSQL).
 */
const subjectKeyOf = (column: typeof dataSubjects.wrappedKey | typeof dataSubjects.keyId) =>
  sql`(select ds.${sql.identifier(column.name)} from ${dataSubjects} ds
       where ds.id = ${contacts}.${sql.identifier(contacts.subjectId.name)})`.mapWith(column);
const pageExtras = {
  tagNames: tagNamesColumn,
  wrappedKey: subjectKeyOf(dataSubjects.wrappedKey) as SQL<Buffer | null>,
  keyId: subjectKeyOf(dataSubjects.keyId) as SQL<string | null>,
};

/** A row read with its tag names (in name order) and its subject's wrapped key. */
export interface ContactRead {
  row: ContactRow;
  tags: string[];
  wrapped: WrappedSubjectKey;
}

function splitRead({ tagNames, wrappedKey, keyId, ...row }: ContactRow & ReadExtras): ContactRead {
  return { row, tags: tagNames, wrapped: { id: row.subjectId, wrappedKey, keyId } };
}
type ReadExtras = { tagNames: string[]; wrappedKey: Buffer | null; keyId: string | null };

/** One contact with its tag names and its subject's wrapped key, in one statement. */
export async function findContactRowWithTags(ex: Executor, id: string): Promise<ContactRead | null> {
  const build = (db: Executor, contactId: string | Placeholder) =>
    db
      .select({ ...contactColumns, ...readExtras })
      .from(contacts)
      .leftJoin(dataSubjects, eq(dataSubjects.id, contacts.subjectId))
      .where(eq(contacts.id, contactId));
  // Reading one contact is the commonest request: built once (see prepared.ts), except inside a transaction.
  const prepared = preparedFor(ex, 'contact-with-tags', (db, name) =>
    build(db, sql.placeholder('id')).prepare(name),
  );
  const [found] = prepared ? await prepared.execute({ id }) : await build(ex, id);
  return found ? splitRead(found) : null;
}

export async function deleteContactRow(ex: Executor, id: string): Promise<void> {
  await ex.delete(contacts).where(eq(contacts.id, id));
}

/** Several contacts by id, in no particular order; ids that do not exist are left out. */
export async function findContactRows(ex: Executor, ids: readonly string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select(contactColumns)
    .from(contacts)
    .where(inArray(contacts.id, [...ids]));
}

/**
 * Decrypts rows; a row whose key was shredded (erasure in flight) is left out. With `wrapped` (the subjects'
 * wrapped keys, read with the rows) no query is made for the keys.
 */
export async function openContacts(
  ex: Executor,
  crypto: ContactCrypto,
  rows: readonly ContactRow[],
  wrapped?: readonly WrappedSubjectKey[],
): Promise<ContactRecord[]> {
  const keys = wrapped
    ? crypto.subjects.unwrapKeys(wrapped)
    : await crypto.subjects.keysFor(
        ex,
        rows.map((r) => r.subjectId),
      );
  const out: ContactRecord[] = [];
  for (const row of rows) {
    const key = keys.get(row.subjectId);
    if (!key) continue;
    out.push({ row, personal: fromStored(openPersonalFields(contactEntity, key, row.subjectId, row)) });
  }
  return out;
}

export type ContactSortKey = 'createdAt' | 'updatedAt' | 'lastActivityAt';

export interface ContactListOptions {
  limit: number;
  sort: { key: ContactSortKey; direction: 'asc' | 'desc' };
  /** Keyset position: the sort value (ISO time) and id of the last row seen. */
  after: { at: string; id: string } | null;
  lifecycleStage?: string | undefined;
  ownerId?: string | undefined;
  companyId?: string | undefined;
  tagId?: string | undefined;
  /** Rows whose blind-index column holds every one of these tokens. */
  match?: { index: 'name' | 'email' | 'phone'; tokens: readonly bigint[] } | undefined;
}

function sortExpression(key: ContactSortKey): SQL {
  if (key === 'createdAt') return sql`${contacts.createdAt}`;
  if (key === 'updatedAt') return sql`${contacts.updatedAt}`;
  // Never-active contacts sort as the oldest activity; the expression is indexed as written.
  return sql`coalesce(${contacts.lastActivityAt}, 'epoch'::timestamptz)`;
}

const tokenColumn = { name: contacts.nameTokens, email: contacts.emailTokens, phone: contacts.phoneTokens };

/**
 * A blind-index match. An e-mail or phone token belongs to one person or a few, but every one of them is distinct,
 * so PostgreSQL has no statistics for them and assumes 0.5% of the table matches: it then walks the creation-time
 * index backwards, filtering, and reads the whole table for one person (1,000,000 contacts: 3.5-10 s). Those ids
 * are found through the index first (an InitPlan), then read by primary key. Name tokens have statistics and stay
 * with the planner (a common prefix is better found by walking the index in page order).
 */
function matchCondition(match: NonNullable<ContactListOptions['match']>): SQL {
  const tokens = sql`${bigintArrayLiteral(match.tokens)}::bigint[]`;
  if (match.index === 'name') return sql`${tokenColumn.name} @> ${tokens}`;
  const column = sql.identifier(tokenColumn[match.index].name);
  return sql`${contacts}.${sql.identifier(contacts.id.name)} = any(array(
    select m.id from ${contacts} m where m.${column} @> ${tokens}))`;
}

/** A keyset-paginated page of rows, filtered in the database (blind indexes for search). */
export async function listContactRows(ex: Executor, options: ContactListOptions): Promise<ContactRow[]> {
  const { where, order } = listClauses(options);
  return ex
    .select(contactColumns)
    .from(contacts)
    .where(where)
    .orderBy(...order)
    .limit(options.limit);
}

/**
 * The same page as `listContactRows`, each row with its tag names and its subject's wrapped key, in one statement
 * (what `tagsOfContacts` and the key store would ask for, without their round trips).
 */
export async function listContactRowsWithTags(
  ex: Executor,
  options: ContactListOptions,
): Promise<ContactRead[]> {
  const { where, order } = listClauses(options);
  const found = await ex
    .select({ ...contactColumns, ...pageExtras })
    .from(contacts)
    .where(where)
    .orderBy(...order)
    .limit(options.limit);
  return found.map(splitRead);
}

function listClauses(options: ContactListOptions): { where: SQL | undefined; order: SQL[] } {
  const key = sortExpression(options.sort.key);
  const before = options.sort.direction === 'desc';
  const { after, match } = options;
  const conditions: (SQL | undefined)[] = [
    after
      ? before
        ? sql`(${key}, ${contacts.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
        : sql`(${key}, ${contacts.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
      : undefined,
    options.lifecycleStage ? eq(contacts.lifecycleStage, options.lifecycleStage) : undefined,
    options.ownerId ? eq(contacts.ownerId, options.ownerId) : undefined,
    options.companyId ? eq(contacts.companyId, options.companyId) : undefined,
    options.tagId
      ? sql`exists (select 1 from ${contactTags} where ${contactTags.contactId} = ${contacts.id} and ${contactTags.tagId} = ${options.tagId})`
      : undefined,
    match ? matchCondition(match) : undefined,
  ];
  const order = before ? [desc(key), desc(contacts.id)] : [asc(key), asc(contacts.id)];
  return { where: and(...conditions), order };
}

/** The sort value of a row, as its cursor carries it. */
export function sortValueOf(row: ContactRow, key: ContactSortKey): string {
  if (key === 'createdAt') return row.createdAt.toISOString();
  if (key === 'updatedAt') return row.updatedAt.toISOString();
  return (row.lastActivityAt ?? new Date(0)).toISOString();
}

export async function replaceContactTags(
  ex: Executor,
  contactId: string,
  tagIds: readonly string[],
): Promise<void> {
  await ex.delete(contactTags).where(eq(contactTags.contactId, contactId));
  if (tagIds.length > 0) await ex.insert(contactTags).values(tagIds.map((tagId) => ({ contactId, tagId })));
}

/** Tag names per contact id, in name order. */
export async function tagsOfContacts(
  ex: Executor,
  contactIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (contactIds.length === 0) return out;
  const rows = await ex
    .select({ contactId: contactTags.contactId, name: tags.name })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(inArray(contactTags.contactId, [...contactIds]))
    .orderBy(sql`lower(${tags.name})`);
  for (const r of rows) {
    const list = out.get(r.contactId) ?? [];
    list.push(r.name);
    out.set(r.contactId, list);
  }
  return out;
}

export async function listContactRowsByIds(ex: Executor, ids: readonly string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select(contactColumns)
    .from(contacts)
    .where(inArray(contacts.id, [...ids]));
}

export type DuplicateReason = 'email' | 'phone';

/** Contacts whose blind-index tokens say they share a value: candidates, to verify after decryption. */
export interface DuplicateCandidates {
  reason: DuplicateReason;
  /** The smallest shared token, as text: the group's keyset position. */
  position: string;
  /** Every token the members share (the same people can share several values), as text. */
  tokens: string[];
  /** Member ids in id order, at most `groupSize` of them. */
  contactIds: string[];
}

export interface DuplicateListOptions {
  reasons: readonly DuplicateReason[];
  /** Keyset position: the reason and smallest token of the last group seen. */
  after: { reason: DuplicateReason; position: string } | null;
  limit: number;
  groupSize: number;
}

/**
 * Groups of contacts sharing a blind-index token, in (reason, token) order. Grouped in SQL: tokens are
 * never read as numbers, only as text. Tokens shared by exactly the same contacts make one group.
 */
export async function listDuplicateCandidates(
  ex: Executor,
  options: DuplicateListOptions,
): Promise<DuplicateCandidates[]> {
  if (options.reasons.length === 0) return [];
  const groupsBy = (reason: DuplicateReason) => {
    const column = reason === 'email' ? contacts.emailTokens : contacts.phoneTokens;
    return sql`select ${reason}::text as reason, min(token) as position, array_agg(token::text) as tokens, ids
      from (
        select t.token, array_agg(distinct ${contacts.id} order by ${contacts.id}) as ids
        from ${contacts} cross join lateral unnest(${column}) as t(token)
        group by t.token
        having count(distinct ${contacts.id}) > 1
      ) shared
      group by ids`;
  };
  const { after } = options;
  const rows = await queryRows<{
    reason: DuplicateReason;
    position_text: string;
    tokens: string[];
    ids: string[];
  }>(
    ex,
    // The output column is not named "position": ORDER BY would take it, and order the text.
    sql`select reason, position::text as position_text, tokens, (ids[1:${options.groupSize}])::text[] as ids
      from (${sql.join(
        options.reasons.map((r) => groupsBy(r)),
        sql` union all `,
      )}) candidates
      ${after ? sql`where (reason, position) > (${after.reason}::text, ${after.position}::bigint)` : sql``}
      order by reason, position
      limit ${options.limit}`,
  );
  return rows.map((r) => ({
    reason: r.reason,
    position: r.position_text,
    tokens: r.tokens,
    contactIds: r.ids,
  }));
}

const sealedTargets: Record<string, PgColumn> = getTableColumns(contacts);

/**
 * A new contact sealed in memory, ready for `insertContactsBatch`: a new subject and key of its own (not stored
 * yet), its fields encrypted under that key and its blind-index tokens. Sealing needs no database, so a bulk
 * import seals a batch while the batch before it is being written. One never inserted leaves nothing behind.
 */
export interface SealedContact {
  id: string;
  subject: NewSubject;
  personal: ContactPersonal;
  columns: ReturnType<typeof sealedColumns>;
}

export function sealNewContacts(
  crypto: ContactCrypto,
  personals: readonly ContactPersonal[],
): SealedContact[] {
  const subjects = crypto.subjects.newSubjects(personals.length);
  return personals.map((personal, i) => {
    const subject = subjects[i]!;
    return {
      id: newRowId(),
      subject,
      personal,
      columns: sealedColumns(crypto, subject.key, subject.id, personal),
    };
  });
}

/** The same new contact with other fields (a later row of the file merged into it), sealed again. */
export function resealNewContact(
  crypto: ContactCrypto,
  contact: SealedContact,
  personal: ContactPersonal,
): SealedContact {
  const { subject } = contact;
  return { ...contact, personal, columns: sealedColumns(crypto, subject.key, subject.id, personal) };
}

/** A contact for `insertContactsBatch`: sealed beforehand, or its fields to seal. */
export type NewContactItem = ({ contact: SealedContact } | { personal: ContactPersonal }) & {
  attributes: ContactAttributes;
  importId: string | null;
};

/**
 * Bulk insert for imports: one statement for the subjects' wrapped keys, one for the rows, one for their events.
 * Each item is a contact sealed beforehand (`sealNewContacts`) or its fields, sealed here. Returns the new
 * contacts' ids and subject ids, in input order.
 */
export async function insertContactsBatch(
  ex: Executor,
  crypto: ContactCrypto,
  items: readonly NewContactItem[],
): Promise<{ id: string; subjectId: string }[]> {
  if (items.length === 0) return [];
  const unsealed = items.flatMap((item) => ('personal' in item ? [item.personal] : []));
  const sealedHere = sealNewContacts(crypto, unsealed);
  let next = 0;
  const rows = items.map((item) => ('contact' in item ? item.contact : sealedHere[next++]!));
  await crypto.subjects.insertSubjects(
    ex,
    rows.map((r) => r.subject),
  );
  const column = <K extends keyof SealedContact['columns']>(key: K) => rows.map((r) => r.columns[key]);
  const attribute = <K extends keyof ContactAttributes>(key: K) => items.map((item) => item.attributes[key]);
  try {
    await insertRows(ex, contacts, [
      bulkColumn(
        contacts.id,
        rows.map((r) => r.id),
      ),
      bulkColumn(
        contacts.subjectId,
        rows.map((r) => r.subject.id),
      ),
      // The ciphertext columns, as the catalog declares them.
      ...Object.values(contactEntity.personal).map((d) => {
        const property = propertyOf(d.column);
        const target = sealedTargets[property];
        if (!target) throw new Error(`contacts has no column ${d.column}`);
        return {
          column: target,
          values: rows.map((r) => (r.columns as Record<string, unknown>)[property] ?? null),
        };
      }),
      bulkColumn(contacts.customFieldKeys, column('customFieldKeys')),
      bulkColumn(contacts.nameTokens, column('nameTokens')),
      bulkColumn(contacts.emailTokens, column('emailTokens')),
      bulkColumn(contacts.phoneTokens, column('phoneTokens')),
      bulkColumn(contacts.ownerId, attribute('ownerId')),
      bulkColumn(contacts.companyId, attribute('companyId')),
      bulkColumn(
        contacts.importId,
        items.map((item) => item.importId),
      ),
      bulkColumn(contacts.source, attribute('source')),
      bulkColumn(contacts.lifecycleStage, attribute('lifecycleStage')),
    ]);
  } catch (err) {
    translate(err);
  }
  for (const row of rows) {
    const { customFields } = row.personal;
    if (Object.keys(customFields).length > 0)
      await recordContactFindings(ex, row.id, customFields, { fresh: true });
  }
  // One statement for the batch's events.
  await recordDomainEvents(
    ex,
    rows.map((r) => ({ type: 'contact.created', contactId: r.id, subjectId: r.subject.id })),
  );
  return rows.map((r) => ({ id: r.id, subjectId: r.subject.id }));
}

/** Contacts holding any of these e-mail tokens, with the tokens they hold (as decimal strings). */
export async function findContactsByEmailTokens(
  ex: Executor,
  tokens: readonly bigint[],
): Promise<{ row: ContactRow; tokens: Set<string> }[]> {
  if (tokens.length === 0) return [];
  const rows = await ex
    .select({ ...contactColumns, tokenText: sql<string[]>`${contacts.emailTokens}::text[]` })
    .from(contacts)
    // One index probe per token, whatever the planner believes. `email_tokens && <every token>` reads the same,
    // but for hundreds of tokens the planner expects most of the table to match and scans all of it; so did
    // `id in (<the probes>)` while the table had no statistics yet (an import into a new system, or autovacuum
    // behind): a hash join over every contact, 540 ms per import batch at 100,000 contacts. The lateral join
    // can only be a probe per token, and `id = any(array(…))` only a primary-key lookup (104 ms).
    .where(
      sql`${contacts.id} = any(array(select c.id from unnest(${bigintArrayLiteral(tokens)}::bigint[]) as t(token)
        cross join lateral (select c.id from ${contacts} c where c.email_tokens @> array[t.token]) c))`,
    );
  return rows.map(({ tokenText, ...row }) => ({ row, tokens: new Set(tokenText) }));
}

/** Adds tags to contacts, keeping the ones they have. */
export async function addContactTags(
  ex: Executor,
  pairs: readonly { contactId: string; tagId: string }[],
): Promise<void> {
  await insertRows(
    ex,
    contactTags,
    [
      bulkColumn(
        contactTags.contactId,
        pairs.map((p) => p.contactId),
      ),
      bulkColumn(
        contactTags.tagId,
        pairs.map((p) => p.tagId),
      ),
    ],
    { onConflictDoNothing: true },
  );
}

/** The blind-index tokens a contact holds (for erasure's verification and the suppression list). */
export interface ContactTokens {
  nameTokens: bigint[];
  emailTokens: bigint[];
  phoneTokens: bigint[];
}

const tokensOf = (r: { n: string[]; e: string[]; p: string[] }): ContactTokens => ({
  nameTokens: r.n.map(BigInt),
  emailTokens: r.e.map(BigInt),
  phoneTokens: r.p.map(BigInt),
});

export async function findContactTokens(ex: Executor, id: string): Promise<ContactTokens | null> {
  const [row] = await ex
    .select({
      n: sql<string[]>`${contacts.nameTokens}::text[]`,
      e: sql<string[]>`${contacts.emailTokens}::text[]`,
      p: sql<string[]>`${contacts.phoneTokens}::text[]`,
    })
    .from(contacts)
    .where(eq(contacts.id, id));
  return row ? tokensOf(row) : null;
}

/** A page of every contact's e-mail and phone tokens in id order, for passes over the whole table. */
export async function scanContactTokens(
  ex: Executor,
  after: string | null,
  limit: number,
): Promise<({ id: string } & ContactTokens)[]> {
  const rows = await ex
    .select({
      id: contacts.id,
      n: sql<string[]>`'{}'::text[]`,
      e: sql<string[]>`${contacts.emailTokens}::text[]`,
      p: sql<string[]>`${contacts.phoneTokens}::text[]`,
    })
    .from(contacts)
    .where(after ? sql`${contacts.id} > ${after}` : undefined)
    .orderBy(asc(contacts.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, ...tokensOf(r) }));
}

/**
 * What an erasure under a legal hold leaves of a contact: the held fields, re-encrypted, and no blind
 * index at all (held data is kept, not searched or used).
 */
export async function keepOnlyHeldFields(
  ex: Executor,
  crypto: ContactCrypto,
  row: ContactRow,
  kept: ContactPersonal,
): Promise<void> {
  const key = await crypto.subjects.keyFor(ex, row.subjectId);
  await ex
    .update(contacts)
    .set({
      ...sealPersonalFields(contactEntity, key, row.subjectId, toStored(kept)),
      customFieldKeys: Object.keys(kept.customFields).sort(),
      nameTokens: [],
      emailTokens: [],
      phoneTokens: [],
      updatedAt: new Date(),
    })
    .where(eq(contacts.id, row.id));
  await recordContactFindings(ex, row.id, kept.customFields);
}

/** Removes a contact's tags; the number of links removed. */
export async function deleteContactTags(ex: Executor, contactId: string): Promise<number> {
  const gone = await ex
    .delete(contactTags)
    .where(eq(contactTags.contactId, contactId))
    .returning({ id: contactTags.tagId });
  return gone.length;
}
