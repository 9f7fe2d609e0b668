import type { Purpose } from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import { systemContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import type { ConsentDeps } from './deps.js';
import { honourGpc } from './gpc.js';
import { hashNetworkAddress } from './record-consent-event.js';
import { appendLedgerEvent, emptyProof, findEventRows, type Proof } from './repository.js';
import { consentConfirmations } from './schema.js';
import { type RequestOrigin, tokenHash } from './submit-consent.js';

/**
 * The person followed the mailed link and pressed the button: each pending consent of the submission is
 * confirmed, with the click's own proof. A link works once, until it expires.
 */
export async function confirmConsent(
  deps: ConsentDeps & { token: string; origin: RequestOrigin },
): Promise<{ status: 'confirmed'; purposes: Purpose[] }> {
  const { db, keys, token, origin } = deps;
  const ctx = { ...systemContext('consent-confirmation'), requestId: origin.requestId };
  return transaction(db, async (tx) => {
    const [row] = await tx
      .select()
      .from(consentConfirmations)
      .where(eq(consentConfirmations.tokenHash, tokenHash(token)))
      .for('update');
    if (!row) throw notFound('link');
    if (row.confirmedAt) throw new AppError('gone', 'This link was already used');
    if (row.expiredAt || row.expiresAt.getTime() < Date.now())
      throw new AppError('gone', 'This link has expired');
    const contact = await findContactRow(tx, row.contactId, { forUpdate: true });
    if (!contact || contact.subjectId !== row.subjectId)
      throw new AppError('gone', 'This link is no longer valid');
    const proof: Proof = {
      ...emptyProof,
      source: 'confirmation link',
      networkAddressHash: hashNetworkAddress(deps, origin.networkAddress),
      userAgent: origin.userAgent?.slice(0, 500) ?? null,
    };
    const pending = await findEventRows(tx, row.pendingEventIds);
    for (const event of pending)
      await appendLedgerEvent(tx, deps.subjects, {
        subjectId: row.subjectId,
        kind: 'confirmed',
        purpose: event.purpose,
        noticeId: null,
        language: null,
        method: 'double_opt_in_email',
        occurredAt: new Date(),
        actor: { type: 'subject', id: null },
        relatesTo: event.id,
        conflictsWith: null,
        mergedFrom: null,
        proof,
      });
    await tx
      .update(consentConfirmations)
      .set({ confirmedAt: new Date() })
      .where(eq(consentConfirmations.id, row.id));
    if (origin.gpc) await honourGpc(tx, deps.subjects, row.subjectId, proof);
    await recordAudit(tx, keys, ctx, {
      action: 'consent.confirmed',
      entityType: 'consentConfirmation',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return { status: 'confirmed' as const, purposes: pending.map((e) => e.purpose as Purpose) };
  });
}
