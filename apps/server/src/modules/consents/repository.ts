import type { CollectionMethod, ConsentEventKind } from '@custodian/contracts';
import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { consentEventEntity, openPersonalFields, sealPersonalFields } from '../../catalog/index.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Executor, execute, queryRows } from '../../platform/db/database.js';
import { type NewDomainEvent, recordDomainEvent, recordDomainEvents } from '../events/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import {
  applyToChoices,
  applyToPurpose,
  comesAfter,
  compareEvents,
  type LedgerEvent,
  type PurposeState,
  replayLedger,
  type SubjectChoiceState,
} from './ledger.js';
import { consentConfirmations, consentEvents, consentStates, subjectChoices } from './schema.js';

export type ConsentEventRow = typeof consentEvents.$inferSelect;

export interface AgeCheck {
  method: 'self_declared' | 'date_of_birth' | 'verified_document' | 'parental_account';
  age: number | null;
  minor: boolean;
}

/** The personal parts of a proof, in clear; encrypted under the person's key when stored. */
export interface Proof {
  source: string | null;
  networkAddressHash: string | null;
  userAgent: string | null;
  jurisdiction: string | null;
  ageCheck: AgeCheck | null;
  parentalConsentReference: string | null;
  note: string | null;
}

export const emptyProof: Proof = {
  source: null,
  networkAddressHash: null,
  userAgent: null,
  jurisdiction: null,
  ageCheck: null,
  parentalConsentReference: null,
  note: null,
};

export interface NewLedgerEvent {
  subjectId: string;
  kind: ConsentEventKind;
  purpose: string | null;
  noticeId: string | null;
  language: string | null;
  method: CollectionMethod;
  occurredAt: Date;
  actor: { type: string; id: string | null };
  relatesTo: string | null;
  conflictsWith: string | null;
  mergedFrom: string | null;
  proof: Proof;
}

export interface OpenedEvent {
  row: ConsentEventRow;
  proof: Proof;
}

const toLedger = (row: ConsentEventRow): LedgerEvent => ({
  id: row.id,
  seq: row.seq,
  kind: row.kind as ConsentEventKind,
  purpose: row.purpose,
  noticeId: row.noticeId,
  relatesTo: row.relatesTo,
  occurredAt: row.occurredAt,
  minor: row.minor,
  hasParentalConsent: row.hasParentalConsent,
});

export type StoredPurposeState = typeof consentStates.$inferSelect;

/** A stored state row as the fold sees it. */
export const purposeStateOf = (row: StoredPurposeState): PurposeState => ({
  consent: row.consent as PurposeState['consent'],
  consentEventId: row.consentEventId,
  noticeId: row.noticeId,
  parentalConsentMissing: row.parentalConsentMissing,
  objected: row.objected,
  restricted: row.restricted,
  lastOccurredAt: row.lastOccurredAt,
  lastSeq: row.lastSeq,
});

const stateColumns = (s: PurposeState) => ({
  consent: s.consent,
  consentEventId: s.consentEventId,
  noticeId: s.noticeId,
  parentalConsentMissing: s.parentalConsentMissing,
  objected: s.objected,
  restricted: s.restricted,
  lastOccurredAt: s.lastOccurredAt,
  lastSeq: s.lastSeq,
  updatedAt: new Date(),
});

const choiceColumns = (s: SubjectChoiceState) => ({
  optedOutOfSaleOrSharing: s.optedOutOfSaleOrSharing,
  limitedSensitiveUse: s.limitedSensitiveUse,
  lastOccurredAt: s.lastOccurredAt,
  lastSeq: s.lastSeq,
  updatedAt: new Date(),
});

/** The ledger of one person in ledger order, without the proof (what the state is derived from). */
export async function findLedger(
  ex: Executor,
  subjectId: string,
  purpose?: string | null,
): Promise<LedgerEvent[]> {
  const where =
    purpose === undefined
      ? eq(consentEvents.subjectId, subjectId)
      : and(
          eq(consentEvents.subjectId, subjectId),
          purpose === null ? isNull(consentEvents.purpose) : eq(consentEvents.purpose, purpose),
        );
  const rows = await ex
    .select()
    .from(consentEvents)
    .where(where)
    .orderBy(asc(consentEvents.occurredAt), asc(consentEvents.seq));
  return rows.map(toLedger);
}

/**
 * Keeps the derived state in step with one appended event: applied on top when it is the latest, or
 * replayed from the ledger when it was made before something already recorded (a paper form entered late).
 */
async function deriveState(
  ex: Executor,
  event: LedgerEvent,
  subjectId: string,
): Promise<PurposeState | SubjectChoiceState> {
  if (event.purpose !== null) {
    const purpose = event.purpose;
    const [row] = await ex
      .select()
      .from(consentStates)
      .where(and(eq(consentStates.subjectId, subjectId), eq(consentStates.purpose, purpose)))
      .for('update');
    const next =
      !row || comesAfter(row, event)
        ? applyToPurpose(row ? purposeStateOf(row) : null, event)
        : replayLedger(await findLedger(ex, subjectId, purpose)).purposes.get(purpose)!;
    await ex
      .insert(consentStates)
      .values({ subjectId, purpose, ...stateColumns(next) })
      .onConflictDoUpdate({
        target: [consentStates.subjectId, consentStates.purpose],
        set: stateColumns(next),
      });
    return next;
  }
  const [row] = await ex
    .select()
    .from(subjectChoices)
    .where(eq(subjectChoices.subjectId, subjectId))
    .for('update');
  const next =
    !row || comesAfter(row, event)
      ? applyToChoices(row ?? null, event)
      : replayLedger(await findLedger(ex, subjectId, null)).choices!;
  await ex
    .insert(subjectChoices)
    .values({ subjectId, ...choiceColumns(next) })
    .onConflictDoUpdate({ target: subjectChoices.subjectId, set: choiceColumns(next) });
  return next;
}

/** What `consent.changed` says: the purpose, the kind of event and the state now; never the proof. */
function changeOf(
  kind: string,
  purpose: string | null,
  state: PurposeState | SubjectChoiceState,
): Record<string, string | boolean | null> {
  if ('consent' in state)
    return {
      purpose,
      kind,
      consent: state.consent,
      objected: state.objected,
      restricted: state.restricted,
    };
  return {
    purpose: null,
    kind,
    optedOutOfSaleOrSharing: state.optedOutOfSaleOrSharing,
    limitedSensitiveUse: state.limitedSensitiveUse,
  };
}

/** Appends one event to the ledger, its proof sealed under the person's key, and updates the derived state. */
export async function appendLedgerEvent(
  ex: Executor,
  subjects: SubjectKeyStore,
  event: NewLedgerEvent,
): Promise<OpenedEvent> {
  // Conflicts with the share lock lead scoring holds while it asks the guard and writes scores: an event waits
  // for a batch that may still write this person's score (so the ledger trigger then deletes it), and a batch
  // leaves out a person whose event is in flight. Harmless on PGlite's one connection.
  await execute(ex, sql`select id from data_subjects where id = ${event.subjectId} for no key update`);
  const key = await subjects.keyFor(ex, event.subjectId);
  const sealed = sealPersonalFields(consentEventEntity, key, event.subjectId, { ...event.proof });
  const [row] = await ex
    .insert(consentEvents)
    .values({
      subjectId: event.subjectId,
      kind: event.kind,
      purpose: event.purpose,
      noticeId: event.noticeId,
      language: event.language,
      method: event.method,
      occurredAt: event.occurredAt,
      actorType: event.actor.type,
      actorId: event.actor.id,
      relatesTo: event.relatesTo,
      conflictsWith: event.conflictsWith,
      mergedFrom: event.mergedFrom,
      minor: event.proof.ageCheck?.minor ?? false,
      hasParentalConsent: event.proof.parentalConsentReference !== null,
      ...sealed,
    })
    .returning();
  const state = await deriveState(ex, toLedger(row!), event.subjectId);
  // An unconfirmed (double opt-in) consent is nobody's news: anyone can type an address into a form.
  if (event.kind !== 'pending')
    await recordDomainEvent(ex, {
      type: 'consent.changed',
      subjectId: event.subjectId,
      data: changeOf(event.kind, event.purpose, state),
    });
  return { row: row!, proof: event.proof };
}

/**
 * Appends many events at once (an import of consent history): one lock statement for their people, one insert
 * for the events (each proof sealed under its person's key), one upsert each for the derived states and choices,
 * one insert for the `consent.changed` events. The state follows the same rules as `appendLedgerEvent`: events
 * after everything already recorded for a person and purpose are applied on top, in ledger order; a person
 * whose new events come before recorded ones has that purpose replayed from the whole ledger.
 */
export async function appendLedgerEvents(
  ex: Executor,
  subjects: SubjectKeyStore,
  events: readonly NewLedgerEvent[],
): Promise<{ id: string; subjectId: string }[]> {
  if (events.length === 0) return [];
  const subjectIds = [...new Set(events.map((e) => e.subjectId))].sort();
  const idList = arrayParam(subjectIds, 'uuid');
  // The same lock as one append takes (see appendLedgerEvent), in one order so two imports cannot deadlock.
  await execute(
    ex,
    sql`select id from data_subjects where id = any(${idList}) order by id for no key update`,
  );
  const keys = await subjects.keysFor(ex, subjectIds);
  // Inserted per person in the order the choices were made, so `seq` agrees with it within the batch.
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        a.e.subjectId.localeCompare(b.e.subjectId) ||
        a.e.occurredAt.getTime() - b.e.occurredAt.getTime() ||
        a.i - b.i,
    )
    .map(({ e }) => e);
  const sealed = ordered.map((e) =>
    sealPersonalFields(consentEventEntity, keys.get(e.subjectId)!, e.subjectId, { ...e.proof }),
  );
  const column = (pick: (e: NewLedgerEvent) => string | null) => arrayParam(ordered.map(pick), 'text');
  const hex = (field: keyof Proof) =>
    arrayParam(
      sealed.map((x) => x[field] ?? null),
      'bytea',
    );
  // Raw SQL with one array parameter per column: the query builder would cost more than the insert itself.
  const inserted = await queryRows<{
    id: string;
    seq: number | string;
    subject_id: string;
    kind: string;
    purpose: string | null;
    notice_id: string | null;
    relates_to: string | null;
    occurred_at: Date | string;
    minor: boolean;
    has_parental_consent: boolean;
  }>(
    ex,
    sql`insert into ${consentEvents} (subject_id, kind, purpose, notice_id, language, method, occurred_at,
          actor_type, actor_id, relates_to, conflicts_with, merged_from, minor, has_parental_consent, source,
          network_address_hash, user_agent, jurisdiction, age_check, parental_consent_reference, note)
        select subject_id::uuid, kind, purpose, notice_id::uuid, language, method, occurred_at::timestamptz,
          actor_type, actor_id::uuid, relates_to::uuid, conflicts_with::uuid, merged_from::uuid, minor::boolean,
          has_parental_consent::boolean, source, network_address_hash, user_agent, jurisdiction, age_check,
          parental_consent_reference, note
        from unnest(${column((e) => e.subjectId)}, ${column((e) => e.kind)}, ${column((e) => e.purpose)},
          ${column((e) => e.noticeId)}, ${column((e) => e.language)}, ${column((e) => e.method)},
          ${column((e) => e.occurredAt.toISOString())}, ${column((e) => e.actor.type)}, ${column((e) => e.actor.id)},
          ${column((e) => e.relatesTo)}, ${column((e) => e.conflictsWith)}, ${column((e) => e.mergedFrom)},
          ${column((e) => String(e.proof.ageCheck?.minor ?? false))},
          ${column((e) => String(e.proof.parentalConsentReference !== null))}, ${hex('source')},
          ${hex('networkAddressHash')}, ${hex('userAgent')}, ${hex('jurisdiction')}, ${hex('ageCheck')},
          ${hex('parentalConsentReference')}, ${hex('note')})
          as v(subject_id, kind, purpose, notice_id, language, method, occurred_at, actor_type, actor_id,
            relates_to, conflicts_with, merged_from, minor, has_parental_consent, source, network_address_hash,
            user_agent, jurisdiction, age_check, parental_consent_reference, note)
        returning id, seq, subject_id, kind, purpose, notice_id, relates_to, occurred_at, minor,
          has_parental_consent`,
  );
  // Both drivers' shapes (pg gives bigserial as text), as the fold reads them.
  const rows = inserted.map((r) => ({
    subjectId: r.subject_id,
    ledger: {
      id: r.id,
      seq: Number(r.seq),
      kind: r.kind as ConsentEventKind,
      purpose: r.purpose,
      noticeId: r.notice_id,
      relatesTo: r.relates_to,
      occurredAt: new Date(r.occurred_at),
      minor: r.minor,
      hasParentalConsent: r.has_parental_consent,
    } satisfies LedgerEvent,
  }));

  const groups = new Map<string, LedgerEvent[]>();
  for (const { subjectId, ledger } of rows) {
    const groupKey = `${subjectId}|${ledger.purpose ?? ''}`;
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), ledger]);
  }
  const states = new Map(
    (
      await ex.select().from(consentStates).where(inArray(consentStates.subjectId, subjectIds)).for('update')
    ).map((r) => [`${r.subjectId}|${r.purpose}`, purposeStateOf(r)]),
  );
  const choices = new Map(
    (
      await ex
        .select()
        .from(subjectChoices)
        .where(inArray(subjectChoices.subjectId, subjectIds))
        .for('update')
    ).map((r): [string, SubjectChoiceState] => [r.subjectId, r]),
  );
  const subjectOf = new Map(rows.map((r) => [r.ledger.id, r.subjectId]));
  const changes: NewDomainEvent[] = [];
  const nextStates: (PurposeState & { subjectId: string; purpose: string })[] = [];
  const nextChoices: (SubjectChoiceState & { subjectId: string })[] = [];
  for (const [groupKey, group] of groups) {
    const [subjectId, purposeKey] = groupKey.split('|') as [string, string];
    const purpose = purposeKey === '' ? null : purposeKey;
    group.sort(compareEvents);
    const current = purpose === null ? (choices.get(subjectId) ?? null) : (states.get(groupKey) ?? null);
    const inOrder = current === null || comesAfter(current, group[0]!);
    let state: PurposeState | SubjectChoiceState | null = current;
    const after: (PurposeState | SubjectChoiceState)[] = [];
    if (inOrder)
      for (const e of group) {
        state =
          purpose === null
            ? applyToChoices(state as SubjectChoiceState | null, e)
            : applyToPurpose(state as PurposeState | null, e);
        after.push(state);
      }
    else {
      const replayed = replayLedger(await findLedger(ex, subjectId, purpose));
      state = purpose === null ? replayed.choices! : replayed.purposes.get(purpose)!;
      for (const _ of group) after.push(state);
    }
    if (purpose === null) nextChoices.push({ ...(state as SubjectChoiceState), subjectId });
    else nextStates.push({ ...(state as PurposeState), subjectId, purpose });
    group.forEach((e, i) => {
      if (e.kind !== 'pending')
        changes.push({
          type: 'consent.changed',
          subjectId: subjectOf.get(e.id)!,
          data: changeOf(e.kind, e.purpose, after[i]!),
        });
    });
  }
  if (nextStates.length > 0)
    await ex
      .insert(consentStates)
      .values(nextStates.map((s) => ({ subjectId: s.subjectId, purpose: s.purpose, ...stateColumns(s) })))
      .onConflictDoUpdate({
        target: [consentStates.subjectId, consentStates.purpose],
        set: excludedColumns(consentStates, Object.keys(stateColumns(nextStates[0]!))),
      });
  if (nextChoices.length > 0)
    await ex
      .insert(subjectChoices)
      .values(nextChoices.map((s) => ({ subjectId: s.subjectId, ...choiceColumns(s) })))
      .onConflictDoUpdate({
        target: subjectChoices.subjectId,
        set: excludedColumns(subjectChoices, Object.keys(choiceColumns(nextChoices[0]!))),
      });
  await recordDomainEvents(ex, changes);
  return rows.map((r) => ({ id: r.ledger.id, subjectId: r.subjectId }));
}

/** `set col = excluded.col` for an upsert of many rows. */
function excludedColumns(table: typeof consentStates | typeof subjectChoices, properties: readonly string[]) {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  return Object.fromEntries(properties.map((p) => [p, sql.raw(`excluded.${columns[p]!.name}`)]));
}

/**
 * Which of these choices the ledger already holds, as `subjectId|purpose|kind|epoch ms` keys: how an import
 * tells an event it already brought in from a new one.
 */
export async function findLedgerMoments(
  ex: Executor,
  pairs: readonly { subjectId: string; occurredAt: Date }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  // Person by person through the subject index, as a lateral subquery (kept apart by `offset 0`) so that no
  // plan can read the whole ledger once per batch while its statistics lag behind an import (see
  // findActivityMoments). The answer holds other moments of these people too; the caller asks about its own.
  const rows = await queryRows<{ subject_id: string; purpose: string | null; kind: string; at: string }>(
    ex,
    sql`select v.subject_id, e.purpose, e.kind, (extract(epoch from e.occurred_at) * 1000)::bigint::text as at
        from unnest(${arrayParam([...new Set(pairs.map((p) => p.subjectId))], 'uuid')}) as v(subject_id)
        cross join lateral (
          select e.purpose, e.kind, e.occurred_at from ${consentEvents} e where e.subject_id = v.subject_id
          offset 0) e`,
  );
  return new Set(rows.map((r) => `${r.subject_id}|${r.purpose ?? ''}|${r.kind}|${r.at}`));
}

/** Decrypts the proof of events; events of a person whose key was shredded are left out. */
export async function openEvents(
  ex: Executor,
  subjects: SubjectKeyStore,
  rows: readonly ConsentEventRow[],
): Promise<OpenedEvent[]> {
  const keys = await subjects.keysFor(
    ex,
    rows.map((r) => r.subjectId),
  );
  const out: OpenedEvent[] = [];
  for (const row of rows) {
    const key = keys.get(row.subjectId);
    if (!key) continue;
    const v = openPersonalFields(consentEventEntity, key, row.subjectId, row);
    out.push({
      row,
      proof: {
        source: (v.source as string | null) ?? null,
        networkAddressHash: (v.networkAddressHash as string | null) ?? null,
        userAgent: (v.userAgent as string | null) ?? null,
        jurisdiction: (v.jurisdiction as string | null) ?? null,
        ageCheck: (v.ageCheck as AgeCheck | null) ?? null,
        parentalConsentReference: (v.parentalConsentReference as string | null) ?? null,
        note: (v.note as string | null) ?? null,
      },
    });
  }
  return out;
}

/** A page of a person's ledger, newest first, before a ledger position. */
export async function listEventRows(
  ex: Executor,
  subjectId: string,
  options: { limit: number; before?: number | undefined },
): Promise<ConsentEventRow[]> {
  const where = options.before
    ? and(eq(consentEvents.subjectId, subjectId), lt(consentEvents.seq, options.before))
    : eq(consentEvents.subjectId, subjectId);
  return ex.select().from(consentEvents).where(where).orderBy(desc(consentEvents.seq)).limit(options.limit);
}

export async function findEventRow(
  ex: Executor,
  subjectId: string,
  id: string,
): Promise<ConsentEventRow | null> {
  const [row] = await ex
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.subjectId, subjectId), eq(consentEvents.id, id)));
  return row ?? null;
}

export async function findEventRows(ex: Executor, ids: readonly string[]): Promise<ConsentEventRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(consentEvents)
    .where(inArray(consentEvents.id, [...ids]));
}

export async function findPurposeStates(ex: Executor, subjectId: string): Promise<StoredPurposeState[]> {
  return ex.select().from(consentStates).where(eq(consentStates.subjectId, subjectId));
}

export async function findChoices(ex: Executor, subjectId: string): Promise<SubjectChoiceState | null> {
  const [row] = await ex.select().from(subjectChoices).where(eq(subjectChoices.subjectId, subjectId));
  return row ?? null;
}

/** Throws away a person's derived state and replays it from their ledger. */
export async function rebuildSubjectState(ex: Executor, subjectId: string): Promise<void> {
  await deleteSubjectState(ex, subjectId);
  const { purposes, choices } = replayLedger(await findLedger(ex, subjectId));
  if (purposes.size > 0)
    await ex
      .insert(consentStates)
      .values([...purposes].map(([purpose, s]) => ({ subjectId, purpose, ...stateColumns(s) })));
  if (choices) await ex.insert(subjectChoices).values({ subjectId, ...choiceColumns(choices) });
}

/** The derived state only; the ledger itself is never deleted here. */
export async function deleteSubjectState(ex: Executor, subjectId: string): Promise<void> {
  await ex.delete(consentStates).where(eq(consentStates.subjectId, subjectId));
  await ex.delete(subjectChoices).where(eq(subjectChoices.subjectId, subjectId));
}

/**
 * Copies a person's whole ledger onto another person (a merge): each event appended anew under the
 * survivor's key with `mergedFrom` naming the original, links between events kept. The originals stay
 * under the merged person's id, whose key the merge destroys.
 */
export async function copyLedger(
  ex: Executor,
  subjects: SubjectKeyStore,
  fromSubjectId: string,
  toSubjectId: string,
): Promise<number> {
  const rows = await ex
    .select()
    .from(consentEvents)
    .where(eq(consentEvents.subjectId, fromSubjectId))
    .orderBy(asc(consentEvents.seq));
  const copies = new Map<string, string>();
  for (const { row, proof } of await openEvents(ex, subjects, rows)) {
    const copy = await appendLedgerEvent(ex, subjects, {
      subjectId: toSubjectId,
      kind: row.kind as ConsentEventKind,
      purpose: row.purpose,
      noticeId: row.noticeId,
      language: row.language,
      method: row.method as CollectionMethod,
      occurredAt: row.occurredAt,
      actor: { type: row.actorType, id: row.actorId },
      relatesTo: row.relatesTo ? (copies.get(row.relatesTo) ?? null) : null,
      conflictsWith: row.conflictsWith ? (copies.get(row.conflictsWith) ?? null) : null,
      mergedFrom: row.id,
      proof,
    });
    copies.set(row.id, copy.row.id);
  }
  return copies.size;
}

/**
 * The subjects a person's ledger was merged from, through every generation of merges: their former ids,
 * whose keys the merges destroyed and whose original events stay until erasure.
 */
export async function mergedSubjectsOf(ex: Executor, subjectId: string): Promise<string[]> {
  const found = new Set<string>();
  let frontier = [subjectId];
  while (frontier.length > 0) {
    // mergedFrom names the original event; the original's subject is the merged person.
    const rows = await ex
      .selectDistinct({ subjectId: consentEvents.subjectId })
      .from(consentEvents)
      .where(
        inArray(
          consentEvents.id,
          ex
            .select({ id: consentEvents.mergedFrom })
            .from(consentEvents)
            .where(and(inArray(consentEvents.subjectId, frontier), isNotNull(consentEvents.mergedFrom))),
        ),
      );
    frontier = rows.map((r) => r.subjectId).filter((id) => id !== subjectId && !found.has(id));
    for (const id of frontier) found.add(id);
  }
  return [...found];
}

/**
 * Erasure: deletes everything consent-related of these subjects (ledger, derived state, pending
 * confirmations). The ledger's trigger lets events go only once their subject's key is shredded.
 */
export async function deleteConsentRecords(
  ex: Executor,
  subjectIds: readonly string[],
  contactId: string,
): Promise<{ table: string; rows: number }[]> {
  if (subjectIds.length === 0) return [];
  const ids = [...subjectIds];
  const confirmations = await ex
    .delete(consentConfirmations)
    .where(or(inArray(consentConfirmations.subjectId, ids), eq(consentConfirmations.contactId, contactId)))
    .returning({ id: consentConfirmations.id });
  const states = await ex
    .delete(consentStates)
    .where(inArray(consentStates.subjectId, ids))
    .returning({ id: consentStates.subjectId });
  const choices = await ex
    .delete(subjectChoices)
    .where(inArray(subjectChoices.subjectId, ids))
    .returning({ id: subjectChoices.subjectId });
  const events = await ex
    .delete(consentEvents)
    .where(inArray(consentEvents.subjectId, ids))
    .returning({ id: consentEvents.id });
  return [
    { table: 'consent_confirmations', rows: confirmations.length },
    { table: 'consent_states', rows: states.length },
    { table: 'subject_choices', rows: choices.length },
    { table: 'consent_events', rows: events.length },
  ];
}
