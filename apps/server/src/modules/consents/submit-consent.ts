import { createHash, randomUUID } from 'node:crypto';
import type { SubmitConsentInput } from '@custodian/contracts';
import { contactEntity, indexOf } from '../../catalog/index.js';
import { type RequestContext, systemContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Executor, transaction } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  applyPersonalInput,
  emptyPersonal,
  findContactRow,
  findContactsByEmailTokens,
  insertContact,
} from '../contacts/index.js';
import { getCurrentNotice } from '../notices/index.js';
import { findSuppressedEmailTokens } from '../suppressions/index.js';
import { challengeHash, verifyChallenge } from './bot-check.js';
import { findActiveForm } from './consent-forms.js';
import type { PublicConsentDeps } from './deps.js';
import { honourGpc } from './gpc.js';
import { ageCheckOf, cleanSource, hashNetworkAddress } from './record-consent-event.js';
import { appendLedgerEvent, emptyProof, type Proof } from './repository.js';
import { consentConfirmations, usedChallenges } from './schema.js';

/** Where a public request came from: proof for the ledger, and the GPC signal. */
export interface RequestOrigin {
  networkAddress: string;
  userAgent: string | null;
  gpc: boolean;
  requestId: string;
}

/** The token of a confirmation link: derived from its id with a key outside the database, never stored. */
export const confirmationToken = (keys: KeyRing, confirmationId: string): string =>
  keys.mac('consent-confirmation', confirmationId).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

const refuse = (field: string, issue: string) =>
  new AppError('validation_failed', 'The form was not accepted', { details: [{ field, issue }] });

async function useChallenge(ex: Executor, challenge: string, expiresAt: number): Promise<void> {
  try {
    await ex
      .insert(usedChallenges)
      .values({ hash: challengeHash(challenge), expiresAt: new Date(expiresAt) });
  } catch (err) {
    if (isUniqueViolation(err)) throw refuse('body.challenge', 'was already used');
    throw err;
  }
}

/**
 * The person the address belongs to (the oldest contact holding it), or a new contact from the form; null
 * for an unknown address on the suppression list: a form must not bring back someone who was erased or
 * asked to be left alone (the DPO lifts the entry on their new, explicit consent).
 */
async function contactFor(
  ex: Executor,
  deps: PublicConsentDeps,
  ctx: RequestContext,
  input: SubmitConsentInput,
) {
  const token = deps.indexer.exactEmail(indexOf(contactEntity, 'emails').name, input.email);
  const found = await findContactsByEmailTokens(ex, [token]);
  const oldest = found.map((f) => f.row).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
  if (oldest) return oldest;
  if ((await findSuppressedEmailTokens(ex, deps.indexer, [token.toString()])).size > 0) return null;
  const personal = applyPersonalInput(emptyPersonal, {
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    emails: [{ value: input.email, primary: true }],
  });
  const { row } = await insertContact(ex, deps, personal, {
    ownerId: null,
    companyId: null,
    source: 'web_form',
    lifecycleStage: 'lead',
  });
  await recordAudit(ex, deps.keys, ctx, {
    action: 'contact.create',
    entityType: 'contact',
    entityId: row.id,
    subjectIds: [row.subjectId],
  });
  return row;
}

/**
 * A person gives consent on a public form. The bot check and the form come first; then, in one
 * transaction, the contact is found by e-mail (or created), one event per purpose is appended (pending
 * under double opt-in, given otherwise) with its proof, and a confirmation awaits the mailed link. The
 * answer never tells whether the address was already known.
 */
export async function submitConsent(
  deps: PublicConsentDeps & { input: SubmitConsentInput; origin: RequestOrigin },
): Promise<{ status: 'confirmation_sent' | 'recorded' }> {
  const { db, keys, input, origin } = deps;
  const form = await findActiveForm(db, input.formId);
  if (!form) throw notFound('form');
  const status = form.doubleOptIn ? 'confirmation_sent' : 'recorded';
  const claims = verifyChallenge(keys, input);
  if (!claims || claims.difficulty < deps.privacy.consentForms.powDifficulty)
    throw refuse('body.solution', 'does not answer the challenge');
  // The honeypot: people never see the field, bots fill it in. They get the usual answer and nothing happens.
  if (input.website) return { status };
  const notice = await getCurrentNotice({ db, key: form.noticeKey, language: input.language });
  const purposes = form.purposes.filter((p) => notice.purposes.includes(p as never));
  if (purposes.length === 0)
    throw new AppError('conflict', 'The form’s notice no longer covers its purposes');

  const ctx = { ...systemContext('consent-form'), requestId: origin.requestId };
  const proof: Proof = {
    ...emptyProof,
    source: cleanSource(input.pageUrl) ?? `form:${form.id}`,
    networkAddressHash: hashNetworkAddress(deps, origin.networkAddress),
    userAgent: origin.userAgent?.slice(0, 500) ?? null,
    jurisdiction: input.jurisdiction ?? null,
    ageCheck: ageCheckOf(deps, input),
    parentalConsentReference: input.parentalConsentReference ?? null,
  };
  // One moment for the whole submission: its events, and the confirmation they wait on.
  const now = new Date();
  const confirmationId = await transaction(db, async (tx) => {
    await useChallenge(tx, input.challenge, claims.expiresAt);
    const found = await contactFor(tx, deps, ctx, input);
    if (!found) {
      // The same answer as ever (no oracle), and nothing about the address is kept.
      await recordAudit(tx, keys, ctx, {
        action: 'consent.suppressed',
        entityType: 'consentForm',
        entityId: form.id,
        outcome: 'denied',
      });
      return null;
    }
    // Appends for one person are serialised by a lock on their contact row.
    const contact = (await findContactRow(tx, found.id, { forUpdate: true }))!;
    const pendingIds: string[] = [];
    for (const purpose of purposes) {
      const { row } = await appendLedgerEvent(tx, deps.subjects, {
        subjectId: contact.subjectId,
        kind: form.doubleOptIn ? 'pending' : 'given',
        purpose,
        noticeId: notice.id,
        language: notice.language,
        method: 'web_form',
        occurredAt: now,
        actor: { type: 'subject', id: null },
        relatesTo: null,
        conflictsWith: null,
        mergedFrom: null,
        proof,
      });
      pendingIds.push(row.id);
    }
    if (origin.gpc) await honourGpc(tx, deps.subjects, contact.subjectId, { ...proof, ageCheck: null });
    await recordAudit(tx, keys, ctx, {
      action: form.doubleOptIn ? 'consent.pending' : 'consent.given',
      entityType: 'consentForm',
      entityId: form.id,
      subjectIds: [contact.subjectId],
    });
    if (!form.doubleOptIn) return null;
    const ttlMs = deps.privacy.consentForms.confirmationTtlHours * 3_600_000;
    const id = randomUUID();
    await tx.insert(consentConfirmations).values({
      id,
      tokenHash: tokenHash(confirmationToken(keys, id)),
      subjectId: contact.subjectId,
      contactId: contact.id,
      formId: form.id,
      pendingEventIds: pendingIds,
      language: notice.language,
      expiresAt: new Date(now.getTime() + ttlMs),
      createdAt: now,
    });
    return id;
  });
  // After the commit: the mail job must find the confirmation. A crash in between is caught by the sweep.
  if (confirmationId) await deps.enqueueConfirmationMail(confirmationId);
  return { status };
}
