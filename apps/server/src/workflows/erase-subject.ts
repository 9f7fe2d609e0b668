import type { ErasureCertificate, IssuedCertificate } from '@custodian/contracts';
import { purposes as allPurposes } from '@custodian/contracts';
import {
  activitiesOfContact,
  deleteActivityRows,
  findActivityRows,
  openActivities,
  resealActivityText,
  unlinkActivities,
} from '../modules/activities/index.js';
import {
  appendLedgerEvent,
  deleteConsentRecords,
  emptyProof,
  mergedSubjectsOf,
} from '../modules/consents/index.js';
import {
  type ContactDeps,
  type ContactPersonal,
  deleteContactRecord,
  deleteContactTags,
  findContactRow,
  findContactTokens,
  keepOnlyHeldFields,
  openContacts,
} from '../modules/contacts/index.js';
import { deleteDealLinksOfContact } from '../modules/deals/index.js';
import { activeHoldsOf, issueCertificate, scanForTraces } from '../modules/erasure/index.js';
import { forgetEventsOf, recordDomainEvents } from '../modules/events/index.js';
import { detachRequestsFrom } from '../modules/requests/index.js';
import { assertNoIdentifiers, recordFindings } from '../modules/scanner/index.js';
import { deleteScoresOf } from '../modules/scoring/index.js';
import { deletePackagesOf } from '../modules/subject-packages/index.js';
import { suppressContactTokens } from '../modules/suppressions/index.js';
import { deleteTasksOfContact } from '../modules/tasks/index.js';
import { erasureRecipientNames } from '../modules/webhooks/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import { type Tx, transaction } from '../platform/db/database.js';
import { AppError, notFound } from '../platform/http/errors.js';

export interface ErasureInput {
  contactId: string;
  /** Why: the request, or an operator's ticket or decision reference. Never personal data. */
  reason: string;
  requestId: string | null;
}

type Touched = ErasureCertificate['tables'][number];
type Kept = ErasureCertificate['kept'][number];

const redacted = '[erased]';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The person's strings in a record shared with others: full name, family name, e-mail addresses and phone
 * numbers, matched as whole words, ignoring case. The given name alone is left, since it is often another
 * attendee's too.
 */
function redactorFor(p: ContactPersonal): (text: string | null) => string | null {
  const needles = [
    p.firstName && p.lastName ? `${p.firstName} ${p.lastName}` : null,
    p.lastName && p.lastName.length >= 2 ? p.lastName : null,
    ...p.emails.map((e) => e.value),
    ...p.phones.map((e) => e.value),
  ].filter((n): n is string => !!n && n.trim().length > 0);
  if (needles.length === 0) return (text) => text;
  const alternatives = [...new Set(needles)].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (text) => (text === null ? null : text.replace(pattern, redacted));
}

/**
 * Erases a person (GDPR Art. 17, CCPA right to delete) in the caller's transaction, top to bottom:
 *  1. exemptions: the legal holds in force (Art. 17(3)) decide which fields are kept, and why;
 *  2. their records: activities about them alone are deleted and their keys shredded; activities shared
 *     with others keep the others' data, lose the link and have the person's name and addresses redacted;
 *     their tasks are deleted and shredded; deal and tag links, access packages and the lead score go; their requests
 *     stay as proof of answer but lose every link to them;
 *  3. the suppression list gets keyed hashes of their addresses, so imports, forms and restored backups
 *     cannot bring them back without a new, explicit consent;
 *  4. the person: without a hold, the consent ledger (including what merges brought in) and the contact row
 *     are deleted and every key shredded and forgotten; under a hold, only the held fields stay, without
 *     any blind index, and processing is restricted for every purpose;
 *  5. recipients (Art. 19): the person's pending webhook events are dropped (nothing more about them is sent),
 *     and the recipients subscribed to `contact.erased` that were sent the person before are named as the ones
 *     the notice is queued for (it is sent after commit; its delivery is recorded in the audit trail);
 *  6. verification: every column of every table that can hold an identifier or token is scanned for the
 *     person's former record ids and e-mail and phone tokens; any hit undoes the whole erasure;
 *  7. the `contact.erased` events when a notice is queued for someone, recorded after the scan: they alone
 *     keep the former ids, until delivered;
 *  8. the certificate (counts, what was kept and why, the scan) is stored and its hash recorded in the
 *     audit chain. The audit trail keeps its entries: they hold random ids only, and stay verifiable.
 */
export async function eraseSubjectIn(
  tx: Tx,
  deps: ContactDeps,
  ctx: RequestContext,
  input: ErasureInput,
): Promise<IssuedCertificate> {
  const [issued] = await eraseSubjectsIn(tx, deps, ctx, [input]);
  return issued!;
}

/**
 * Erases several people in the caller's transaction (the retention sweep's batches): each goes through steps
 * 1–5 in turn, then one verification scan looks for all of them, and each gets a certificate. A trace of any
 * one undoes the whole batch.
 */
export async function eraseSubjectsIn(
  tx: Tx,
  deps: ContactDeps,
  ctx: RequestContext,
  inputs: readonly ErasureInput[],
): Promise<IssuedCertificate[]> {
  const removed: Removed[] = [];
  for (const input of inputs) removed.push(await removePerson(tx, deps, ctx, input));
  // The rows of every key destroyed, in one statement (it refuses any key not shredded).
  await deps.subjects.forgetShredded(tx, [...new Set(removed.flatMap((r) => r.shredded))]);

  // 6. Verification: nothing of them may be left outside what a hold keeps.
  const traces = {
    ids: [...new Set(removed.flatMap((r) => r.traces.ids))],
    tokens: [...new Set(removed.flatMap((r) => r.traces.tokens))],
  };
  const skipped = ['audit_entries'];
  const scan = await scanForTraces(tx, traces, skipped);
  if (scan.hits.length > 0)
    throw new AppError('conflict', 'The erasure was undone: traces of the person would have remained', {
      details: scan.hits.map((h) => ({
        field: `${h.table}.${h.column}`,
        issue: `${h.rows} row(s) still refer to the person`,
      })),
    });

  // 7. The erasure notices, only when some recipient subscribes to them: dispatched after commit, removed
  // once delivered. Without subscribers no table keeps the former ids.
  await recordDomainEvents(
    tx,
    removed
      .filter((r) => r.certificate.recipientsQueued.length > 0)
      .map((r) => ({ type: 'contact.erased', contactId: r.contactId, subjectId: r.subjectId })),
  );

  // 8. The certificates.
  const issued: IssuedCertificate[] = [];
  for (const r of removed) {
    const allowed = [
      { table: 'audit_entries', why: 'the audit trail keeps its entries: random ids only, no personal data' },
      ...(r.certificate.recipientsQueued.length > 0
        ? [
            {
              table: 'domain_events',
              why: 'the erasure notice to webhook recipients (Art. 19) holds the former ids until it is delivered',
            },
          ]
        : []),
      ...(r.heldCount > 0
        ? [
            {
              table: 'contacts',
              why: 'the record kept under a legal hold, with its key, consent ledger and holds',
            },
          ]
        : []),
    ];
    issued.push(
      await issueCertificate(
        tx,
        deps.keys,
        ctx,
        {
          ...r.certificate,
          verification: {
            tablesScanned: scan.tablesScanned,
            columnsScanned: scan.columnsScanned,
            columnsProved: scan.columnsProved,
            valuesSought: r.traces.ids.length + r.traces.tokens.length,
            hits: 0,
            allowed,
          },
        },
        r.subjectId,
      ),
    );
  }
  return issued;
}

interface Removed {
  contactId: string;
  subjectId: string;
  /** The keys destroyed, whose rows are forgotten next. */
  shredded: string[];
  heldCount: number;
  traces: { ids: string[]; tokens: bigint[] };
  certificate: Omit<ErasureCertificate, 'certificateId' | 'verification'>;
}

/** Steps 1–5 for one person. */
async function removePerson(
  tx: Tx,
  deps: ContactDeps,
  ctx: RequestContext,
  input: ErasureInput,
): Promise<Removed> {
  const { subjects, indexer } = deps;
  const contact = await findContactRow(tx, input.contactId, { forUpdate: true });
  if (!contact) throw notFound('contact');
  const [opened] = await openContacts(tx, deps, [contact]);
  if (!opened) throw new AppError('conflict', 'The person’s key was already destroyed');
  const personal = opened.personal;
  const tokens = (await findContactTokens(tx, contact.id))!;
  const actor =
    ctx.actor.kind === 'user' || ctx.actor.kind === 'token'
      ? { type: ctx.actor.kind, id: ctx.actor.userId }
      : { type: ctx.actor.kind, id: null };

  const tables: Touched[] = [];
  const touch = (table: string, action: Touched['action'], rows: number) => {
    if (rows > 0) tables.push({ table, action, rows });
  };
  const shredded: string[] = [];
  const goneIds: string[] = [];

  // 1. Exemptions.
  const holds = await activeHoldsOf(tx, contact.id);
  const held = new Set(holds.flatMap((h) => h.fields));
  const kept: Kept[] = holds.map((h) => ({
    what: 'contact fields',
    fields: h.fields,
    why: `legal hold ${h.reference}, for the purpose ${h.purpose}; kept restricted, without search indexes`,
    ground: h.ground as Kept['ground'],
    until: h.until,
  }));

  // 2. Their records.
  const { sole, shared } = await activitiesOfContact(tx, contact.id);
  await deleteActivityRows(
    tx,
    sole.map((a) => a.id),
  );
  await subjects.shredMany(
    tx,
    sole.map((a) => a.subjectId),
  );
  for (const a of sole) {
    shredded.push(a.subjectId);
    goneIds.push(a.id, a.subjectId);
  }
  touch('activities', 'deleted', sole.length);
  const redact = redactorFor(personal);
  let redactedCount = 0;
  for (const activity of await openActivities(tx, subjects, await findActivityRows(tx, shared))) {
    const text = { subject: redact(activity.text.subject), body: redact(activity.text.body) };
    if (text.subject === activity.text.subject && text.body === activity.text.body) continue;
    await resealActivityText(tx, subjects, activity.row, text);
    // What the scanner flagged in it may have gone with the person's details.
    await recordFindings(tx, { activityId: activity.row.id }, text);
    redactedCount++;
  }
  touch('activities', 'redacted', redactedCount);
  touch('activity_contacts', 'deleted', sole.length + (await unlinkActivities(tx, contact.id, shared)));

  const tasks = await deleteTasksOfContact(tx, contact.id);
  await subjects.shredMany(
    tx,
    tasks.map((task) => task.subjectId),
  );
  for (const task of tasks) {
    shredded.push(task.subjectId);
    goneIds.push(task.id, task.subjectId);
  }
  touch('tasks', 'deleted', tasks.length);
  // A case under a hold keeps the person in it.
  const heldDeals = [...new Set(holds.flatMap((h) => (h.dealId ? [h.dealId] : [])))];
  touch('deal_contacts', 'deleted', await deleteDealLinksOfContact(tx, contact.id, heldDeals));
  if (heldDeals.length > 0)
    kept.push({
      what: 'deal links',
      fields: ['dealId'],
      why: `the person's place in ${heldDeals.length} case(s) under a legal hold`,
      ground: null,
      until: null,
    });
  touch('contact_tags', 'deleted', await deleteContactTags(tx, contact.id));
  touch('dsr_requests', 'unlinked', await detachRequestsFrom(tx, { contactId: contact.id, ...tokens }));
  touch('subject_packages', 'deleted', await deletePackagesOf(tx, contact.subjectId));
  // The lead score and its explanation (profiling) go under a hold too: no hold keeps a profile.
  touch('lead_scores', 'deleted', await deleteScoresOf(tx, [contact.id]));

  // 3. The suppression list.
  const suppressionEntries = await suppressContactTokens(tx, indexer, tokens, {
    reason: 'erasure',
    requestId: input.requestId,
    createdBy: actor.id,
  });

  // 4. The person.
  const merged = await mergedSubjectsOf(tx, contact.subjectId);
  if (held.size === 0) {
    await subjects.shred(tx, contact.subjectId);
    for (const c of await deleteConsentRecords(tx, [contact.subjectId, ...merged], contact.id))
      touch(c.table, 'deleted', c.rows);
    await deleteContactRecord(tx, deps, ctx, contact.id);
    touch('contacts', 'deleted', 1);
    shredded.push(contact.subjectId, ...merged);
    goneIds.push(contact.id, contact.subjectId, ...merged);
  } else {
    const keep = <K extends keyof ContactPersonal>(field: K, empty: ContactPersonal[K]) =>
      held.has(field) ? personal[field] : empty;
    await keepOnlyHeldFields(tx, deps, contact, {
      firstName: keep('firstName', null),
      lastName: keep('lastName', null),
      emails: keep('emails', []),
      phones: keep('phones', []),
      addresses: keep('addresses', []),
      jobTitle: keep('jobTitle', null),
      dateOfBirth: keep('dateOfBirth', null),
      customFields: keep('customFields', {}),
    });
    touch('contacts', 'updated', 1);
    for (const purpose of allPurposes)
      await appendLedgerEvent(tx, subjects, {
        subjectId: contact.subjectId,
        kind: 'restricted',
        purpose,
        noticeId: null,
        language: null,
        method: 'staff',
        occurredAt: new Date(),
        actor,
        relatesTo: null,
        conflictsWith: null,
        mergedFrom: null,
        proof: { ...emptyProof, source: input.requestId ? `request:${input.requestId}` : 'erasure' },
      });
    touch('consent_events', 'appended', allPurposes.length);
    kept.push({
      what: 'consent ledger',
      fields: ['events'],
      why: 'kept with the held fields as proof of the lawful basis; processing is restricted for every purpose',
      ground: null,
      until: null,
    });
  }
  const keysDestroyed = shredded.length;
  // Their rows go for the whole batch at once (eraseSubjectsIn), before the verification.
  touch('data_subjects', 'deleted', new Set(shredded).size);

  // 5. Recipients (Art. 19): nothing pending about the person is sent any more; the subscribers to erasures
  // that were sent the person are told by the `contact.erased` event recorded after the verification. Queued,
  // not yet told: the certificate says so, and the deliveries are recorded in the audit trail when made.
  await forgetEventsOf(tx, { contactIds: [contact.id], subjectIds: [contact.subjectId, ...merged] });
  const queuedAt = new Date().toISOString();
  const recipientsQueued: ErasureCertificate['recipientsQueued'] = (
    await erasureRecipientNames(tx, [contact.subjectId])
  ).map((recipient) => ({ recipient, at: queuedAt }));

  const traces = {
    ids: [...new Set(goneIds)],
    tokens: [...new Set([...tokens.emailTokens, ...tokens.phoneTokens])],
  };
  return {
    contactId: contact.id,
    subjectId: contact.subjectId,
    shredded,
    heldCount: held.size,
    traces,
    certificate: {
      requestId: input.requestId,
      reason: input.reason,
      issuedAt: new Date().toISOString(),
      issuedBy: actor,
      outcome: held.size > 0 ? 'erased_except_held' : 'erased',
      tables,
      keysDestroyed,
      kept,
      suppressionEntries,
      recipientsQueued,
    },
  };
}

/** An operator's or DPO's erasure outside a request (`custodian erase`, POST /contacts/{id}/erasure). */
export async function eraseSubject(
  deps: ContactDeps & { ctx: RequestContext; input: ErasureInput },
): Promise<IssuedCertificate> {
  assertPermission(deps.ctx.actor, 'requests:manage');
  assertNoIdentifiers({ 'body.reason': deps.input.reason });
  return transaction(deps.db, (tx) => eraseSubjectIn(tx, deps, deps.ctx, deps.input));
}
