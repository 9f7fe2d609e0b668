import { and, asc, eq, getTableColumns, gt, inArray, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { openPersonalFields, requestEntities, sealPersonalFields } from '../../catalog/index.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { Executor } from '../../platform/db/database.js';
import { bigintArrayLiteral } from '../../platform/db/types.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { dsrRequestEvents, dsrRequests, requestVerifications } from './schema.js';

const [requestEntity, eventEntity] = requestEntities as [
  (typeof requestEntities)[0],
  (typeof requestEntities)[1],
];

// Every column but the write-only blind-index token.
const { requesterEmailToken: _token, ...readable } = getTableColumns(dsrRequests);

export interface RequestCrypto {
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
}

export type RequestRow = { [K in keyof typeof readable]: (typeof dsrRequests.$inferSelect)[K] };
export type NewRequestRow = Omit<
  typeof dsrRequests.$inferInsert,
  'subjectId' | 'requesterEmail' | 'requesterEmailToken' | 'requesterName' | 'details'
>;

export interface RequesterDetails {
  email: string | null;
  name: string | null;
  details: string | null;
}

export interface RequestRecord {
  row: RequestRow;
  personal: RequesterDetails;
}

export const closedStatuses = ['fulfilled', 'rejected', 'closed'] as const;

/** The contacts' e-mail token of an address: requests and contacts share the index. */
export const requesterToken = (indexer: BlindIndexer, email: string): bigint =>
  indexer.exactEmail('contact-email', email);

/** A new request under a key of its own, the requester's details sealed under it. */
export async function insertRequest(
  ex: Executor,
  crypto: RequestCrypto,
  values: NewRequestRow,
  personal: RequesterDetails,
): Promise<RequestRecord> {
  const subjectId = await crypto.subjects.createSubject(ex);
  const key = await crypto.subjects.keyFor(ex, subjectId);
  const sealed = sealPersonalFields(requestEntity, key, subjectId, {
    requesterEmail: personal.email,
    requesterName: personal.name,
    details: personal.details,
  });
  const [row] = await ex
    .insert(dsrRequests)
    .values({
      ...values,
      subjectId,
      ...sealed,
      requesterEmailToken: personal.email ? requesterToken(crypto.indexer, personal.email) : null,
    })
    .returning(readable);
  return { row: row!, personal };
}

export async function findRequestRow(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<RequestRow | null> {
  const query = ex.select(readable).from(dsrRequests).where(eq(dsrRequests.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function updateRequestRow(
  ex: Executor,
  id: string,
  patch: Partial<Omit<RequestRow, 'id' | 'subjectId'>>,
): Promise<RequestRow> {
  const [row] = await ex
    .update(dsrRequests)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(dsrRequests.id, id))
    .returning(readable);
  return row!;
}

/** An open request of the same type from the same address: a new one is linked to it as a duplicate. */
export async function findOpenRequestFrom(
  ex: Executor,
  token: bigint,
  type: string,
): Promise<RequestRow | null> {
  const [row] = await ex
    .select(readable)
    .from(dsrRequests)
    .where(
      and(
        eq(dsrRequests.requesterEmailToken, token),
        eq(dsrRequests.type, type),
        notInArray(dsrRequests.status, [...closedStatuses]),
      ),
    )
    .orderBy(asc(dsrRequests.receivedAt))
    .limit(1);
  return row ?? null;
}

export interface RequestListOptions {
  status?: string | undefined;
  type?: string | undefined;
  contactId?: string | undefined;
  limit: number;
  after: { at: string; id: string } | null;
}

/** Requests soonest due first (keyset on due date and id). */
export async function listRequestRows(ex: Executor, o: RequestListOptions): Promise<RequestRow[]> {
  const where: SQL[] = [];
  if (o.status === 'open') where.push(notInArray(dsrRequests.status, [...closedStatuses]));
  else if (o.status) where.push(eq(dsrRequests.status, o.status));
  if (o.type) where.push(eq(dsrRequests.type, o.type));
  if (o.contactId) where.push(eq(dsrRequests.contactId, o.contactId));
  if (o.after) {
    const at = new Date(o.after.at);
    where.push(
      or(gt(dsrRequests.dueAt, at), and(eq(dsrRequests.dueAt, at), gt(dsrRequests.id, o.after.id)))!,
    );
  }
  return ex
    .select(readable)
    .from(dsrRequests)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(dsrRequests.dueAt), asc(dsrRequests.id))
    .limit(o.limit);
}

/** Decrypts the requester's details; a request whose key was destroyed keeps its row without them. */
export async function openRequests(
  ex: Executor,
  crypto: RequestCrypto,
  rows: readonly RequestRow[],
): Promise<RequestRecord[]> {
  const keys = await crypto.subjects.keysFor(
    ex,
    rows.map((r) => r.subjectId),
  );
  return rows.map((row) => {
    const key = keys.get(row.subjectId);
    if (!key) return { row, personal: { email: null, name: null, details: null } };
    const v = openPersonalFields(requestEntity, key, row.subjectId, row);
    return {
      row,
      personal: {
        email: (v.requesterEmail as string | null) ?? null,
        name: (v.requesterName as string | null) ?? null,
        details: (v.details as string | null) ?? null,
      },
    };
  });
}

export interface RequestStep {
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { type: string; id: string | null };
  note: string | null;
}

export async function insertRequestEvent(
  ex: Executor,
  crypto: RequestCrypto,
  request: Pick<RequestRow, 'id' | 'subjectId'>,
  step: RequestStep,
) {
  const key = await crypto.subjects.keyFor(ex, request.subjectId);
  const [row] = await ex
    .insert(dsrRequestEvents)
    .values({
      requestId: request.id,
      subjectId: request.subjectId,
      action: step.action,
      fromStatus: step.fromStatus,
      toStatus: step.toStatus,
      actorType: step.actor.type,
      actorId: step.actor.id,
      ...sealPersonalFields(eventEntity, key, request.subjectId, { note: step.note }),
    })
    .returning();
  return { row: row!, note: step.note };
}

export async function listRequestEvents(ex: Executor, crypto: RequestCrypto, request: RequestRow) {
  const rows = await ex
    .select()
    .from(dsrRequestEvents)
    .where(eq(dsrRequestEvents.requestId, request.id))
    .orderBy(asc(dsrRequestEvents.seq));
  const [key] = (await crypto.subjects.keysFor(ex, [request.subjectId])).values();
  return rows.map((row) => ({
    row,
    note: key
      ? ((openPersonalFields(eventEntity, key, request.subjectId, row).note as string | null) ?? null)
      : null,
  }));
}

export async function findRequestRows(ex: Executor, ids: readonly string[]): Promise<RequestRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select(readable)
    .from(dsrRequests)
    .where(inArray(dsrRequests.id, [...ids]));
}

/**
 * Erasure: the person's requests stay (proof they were answered, Art. 5(2)) but lose every link to them:
 * the contact and the requester address's blind-index token. Their details stay sealed under each
 * request's own key. Returns how many requests were detached.
 */
export async function detachRequestsFrom(
  ex: Executor,
  person: { contactId: string; emailTokens: readonly bigint[] },
): Promise<number> {
  const byToken =
    person.emailTokens.length > 0
      ? sql`${dsrRequests.requesterEmailToken} = any(${bigintArrayLiteral(person.emailTokens)}::bigint[])`
      : undefined;
  const rows = await ex
    .update(dsrRequests)
    .set({ contactId: null, requesterEmailToken: null, updatedAt: new Date() })
    .where(or(eq(dsrRequests.contactId, person.contactId), byToken))
    .returning({ id: dsrRequests.id });
  return rows.length;
}

/**
 * Deletes request records at the end of their retention: events, verification codes and the request, then
 * shreds and forgets each request's own key. Returns the subject ids shredded.
 */
export async function deleteRequestRecords(
  ex: Executor,
  subjects: SubjectKeyStore,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  await ex.delete(dsrRequestEvents).where(inArray(dsrRequestEvents.requestId, [...ids]));
  await ex.delete(requestVerifications).where(inArray(requestVerifications.requestId, [...ids]));
  const gone = await ex
    .delete(dsrRequests)
    .where(inArray(dsrRequests.id, [...ids]))
    .returning({ subjectId: dsrRequests.subjectId });
  const subjectIds = gone.map((g) => g.subjectId);
  for (const id of subjectIds) await subjects.shred(ex, id);
  await subjects.forgetShredded(ex, subjectIds);
  return subjectIds;
}

/** The status changes of a request, without notes or actors: what its requester may see. */
export async function listStatusChanges(ex: Executor, requestId: string) {
  return ex
    .select({
      at: dsrRequestEvents.at,
      fromStatus: dsrRequestEvents.fromStatus,
      toStatus: dsrRequestEvents.toStatus,
    })
    .from(dsrRequestEvents)
    .where(eq(dsrRequestEvents.requestId, requestId))
    .orderBy(asc(dsrRequestEvents.seq));
}
