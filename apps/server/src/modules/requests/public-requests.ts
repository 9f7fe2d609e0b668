import { randomUUID, timingSafeEqual } from 'node:crypto';
import { codeIssues, type GpcOutcome, type SubmitPublicRequestInput } from '@custodian/contracts';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { systemContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { emptyProof, hashNetworkAddress, honourGpc } from '../consents/index.js';
import { findContactRow, findContactsByEmailTokens } from '../contacts/index.js';
import { deadlinesFor } from './deadlines.js';
import type { RequestDeps } from './deps.js';
import {
  findOpenRequestFrom,
  findRequestRow,
  insertRequest,
  insertRequestEvent,
  requesterToken,
  updateRequestRow,
} from './repository.js';
import { dsrRequests, requestVerifications } from './schema.js';
import { statusUrlOf } from './status-link.js';

const codeGone = (detail: string, issue: string) =>
  new AppError('gone', detail, { details: [{ field: 'body.code', issue }] });

export const codeLifetimeMs = 30 * 60_000;
export const maxCodeAttempts = 5;

/** The 6-digit code of a verification, derived from its id with a key outside the database. */
export function verificationCode(keys: KeyRing, verificationId: string): string {
  const mac = keys.mac('request-verification', verificationId);
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}
// Keyed: a six-digit code under a plain hash would fall to a million guesses by whoever reads the table.
const codeHash = (keys: KeyRing, verificationId: string, code: string) =>
  keys.mac('request-verification-hash', `${verificationId}:${code}`).toString('hex');

export type PublicRequestDeps = RequestDeps & {
  enqueueVerificationMail(verificationId: string): Promise<void>;
};

const answer =
  'Your request was recorded. If we hold this address, a code to confirm it is you is on its way.';

/**
 * A person files a request themselves. It is recorded in any case (an unknown requester is still answered);
 * when the address belongs to a contact, a one-time code goes to that address — the only proof of identity a
 * public form can get. At most one unused code per address every ten minutes, so the form cannot flood an inbox.
 */
export async function submitPublicRequest(
  deps: PublicRequestDeps & { input: SubmitPublicRequestInput; requestId: string },
): Promise<{ requestId: string; message: string }> {
  const { db, keys, input } = deps;
  const ctx = { ...systemContext('privacy-portal'), requestId: deps.requestId };
  const receivedAt = new Date();
  const deadlines = deadlinesFor(input.regime, receivedAt, deps.settings.timeZone);
  const token = requesterToken(deps.indexer, input.email);
  const { requestId, verificationId } = await transaction(db, async (tx) => {
    const [contact] = await findContactsByEmailTokens(tx, [token]);
    const duplicate = await findOpenRequestFrom(tx, token, input.type);
    const { row } = await insertRequest(
      tx,
      deps,
      {
        type: input.type,
        regime: input.regime,
        status: contact ? 'verifying' : 'received',
        channel: 'portal',
        contactId: contact?.row.id ?? null,
        purposes: input.purposes,
        receivedAt,
        dueAt: deadlines.dueAt,
        originalDueAt: deadlines.dueAt,
        extendedDueAt: deadlines.extendedDueAt,
        acknowledgeBy: deadlines.acknowledgeBy,
        duplicateOf: duplicate?.id ?? null,
      },
      { email: input.email, name: input.name ?? null, details: input.details ?? null },
    );
    await insertRequestEvent(tx, deps, row, {
      action: 'received',
      fromStatus: null,
      toStatus: row.status,
      actor: { type: 'subject', id: null },
      note: null,
    });
    await recordAudit(tx, keys, ctx, {
      action: 'request.create',
      entityType: 'dsrRequest',
      entityId: row.id,
      subjectIds: [row.subjectId, ...(contact ? [contact.row.subjectId] : [])],
    });
    if (!contact) return { requestId: row.id, verificationId: null };
    const [recent] = await tx
      .select({ id: requestVerifications.id })
      .from(requestVerifications)
      .innerJoin(dsrRequests, eq(dsrRequests.id, requestVerifications.requestId))
      .where(
        and(
          eq(dsrRequests.requesterEmailToken, token),
          gt(requestVerifications.createdAt, new Date(receivedAt.getTime() - 10 * 60_000)),
          // A used code proved the inbox is the requester's: their next request (an erasure after the
          // access) gets its code at once. Only codes nobody entered hold the next one back.
          isNull(requestVerifications.usedAt),
        ),
      )
      .limit(1);
    if (recent) return { requestId: row.id, verificationId: null };
    const id = randomUUID();
    await tx.insert(requestVerifications).values({
      id,
      requestId: row.id,
      codeHash: codeHash(keys, id, verificationCode(keys, id)),
      expiresAt: new Date(receivedAt.getTime() + codeLifetimeMs),
    });
    return { requestId: row.id, verificationId: id };
  });
  if (verificationId) await deps.enqueueVerificationMail(verificationId);
  return { requestId, message: answer };
}

/**
 * Checks a code in constant time. A wrong code counts an attempt; after five, or once expired or used, the
 * code is dead and the requester files again (or staff verify by other means).
 */
/** Where a public call came from, for the proof of a Global Privacy Control opt-out. */
export interface PublicOrigin {
  gpc: boolean;
  networkAddress: string;
  userAgent: string | null;
}

export async function verifyPublicRequest(
  deps: RequestDeps & { id: string; code: string; requestId: string; origin: PublicOrigin },
): Promise<{ status: 'verified'; statusUrl: string; gpc: GpcOutcome }> {
  const { db, keys, id, code, origin } = deps;
  const ctx = { ...systemContext('privacy-portal'), requestId: deps.requestId };
  const outcome = await transaction(db, async (tx) => {
    const request = await findRequestRow(tx, id, { forUpdate: true });
    if (!request) throw notFound('request');
    const [verification] = await tx
      .select()
      .from(requestVerifications)
      .where(eq(requestVerifications.requestId, id))
      .orderBy(desc(requestVerifications.createdAt))
      .limit(1)
      .for('update');
    // No code was ever sent for this request (an unknown address): the same answer as a wrong code.
    if (!verification) return 'wrong' as const;
    if (verification.usedAt) throw codeGone('This code was already used', codeIssues.used);
    if (verification.expiresAt.getTime() < Date.now())
      throw codeGone('This code has expired', codeIssues.expired);
    if (verification.attempts >= maxCodeAttempts)
      throw codeGone('Too many wrong codes: ask again', codeIssues.tooMany);
    // Staff verified or closed it meanwhile: the code has nothing left to do.
    if (request.status !== 'verifying')
      throw codeGone('This request no longer awaits a code', codeIssues.noLonger);
    const given = Buffer.from(codeHash(keys, verification.id, code));
    const stored = Buffer.from(verification.codeHash);
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
      await tx
        .update(requestVerifications)
        .set({ attempts: verification.attempts + 1 })
        .where(eq(requestVerifications.id, verification.id));
      await recordAudit(tx, keys, ctx, {
        action: 'request.verify',
        entityType: 'dsrRequest',
        entityId: id,
        subjectIds: [request.subjectId],
        outcome: 'denied',
      });
      return 'wrong' as const;
    }
    await tx
      .update(requestVerifications)
      .set({ usedAt: new Date() })
      .where(eq(requestVerifications.id, verification.id));
    await updateRequestRow(tx, id, {
      status: 'in_progress',
      verifiedAt: new Date(),
      verificationMethod: 'email_code',
    });
    await insertRequestEvent(tx, deps, request, {
      action: 'verify',
      fromStatus: request.status,
      toStatus: 'in_progress',
      actor: { type: 'subject', id: null },
      note: null,
    });
    await recordAudit(tx, keys, ctx, {
      action: 'request.verify',
      entityType: 'dsrRequest',
      entityId: id,
      subjectIds: [request.subjectId],
    });
    // The person is now identified: their browser's Global Privacy Control signal is an opt-out for them.
    const contact =
      origin.gpc && request.contactId
        ? await findContactRow(tx, request.contactId, { forUpdate: true })
        : null;
    if (!contact) return { recorded: false };
    const event = await honourGpc(tx, deps.subjects, contact.subjectId, {
      ...emptyProof,
      source: 'privacy portal request verification',
      networkAddressHash: hashNetworkAddress(deps, origin.networkAddress),
      userAgent: origin.userAgent?.slice(0, 500) ?? null,
    });
    if (event)
      await recordAudit(tx, keys, ctx, {
        action: 'consent.sale_sharing_opted_out',
        entityType: 'consentEvent',
        entityId: event.row.id,
        subjectIds: [contact.subjectId],
        access: 'change',
      });
    return { recorded: event !== null };
  });
  // Outside the transaction, so the counted attempt is kept.
  if (outcome === 'wrong')
    throw new AppError('validation_failed', 'That code is not right', {
      details: [{ field: 'body.code', issue: codeIssues.wrong }],
    });
  return {
    status: 'verified',
    statusUrl: statusUrlOf(keys, deps.settings.publicUrl, id),
    gpc: { signal: origin.gpc, recorded: outcome.recorded },
  };
}
