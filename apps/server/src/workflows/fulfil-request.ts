import type { DsrRequest, FulfilRequestInput, Purpose } from '@custodian/contracts';
import { purposes as allPurposes } from '@custodian/contracts';
import { appendLedgerEvent, emptyProof, type NewLedgerEvent } from '../modules/consents/index.js';
import { correctContact, findContactRow } from '../modules/contacts/index.js';
import { type RequestDeps, runStep } from '../modules/requests/index.js';
import { storePackage } from '../modules/subject-packages/index.js';
import { assertStaff, type RequestContext } from '../platform/access.js';
import { AppError } from '../platform/http/errors.js';
import { eraseSubjectIn } from './erase-subject.js';
import { buildSubjectPackage } from './export-subject.js';

/** What each request type appends to the person's ledger; the processing guard reads it from there. */
const ledgerKindOf = {
  restriction: 'restricted',
  objection: 'objected',
  opt_out_sale_sharing: 'sale_sharing_opted_out',
  limit_sensitive: 'sensitive_use_limited',
} as const;

/**
 * Carries out a verified request in one transaction with its step:
 * - restriction and objection: one ledger event per purpose concerned (all purposes when none was named);
 * - the CCPA opt-outs: one subject-wide ledger event;
 * - rectification: the corrections applied to the contact through its repository.
 * - erasure: the erasure workflow (workflows/erase-subject.ts) in the same transaction, certificate included.
 * - access and portability: the package is built and sealed under the person's key; the request stays in
 *   progress until the DPO has reviewed and released it (POST …/package/release).
 */
export async function fulfilRequest(
  options: RequestDeps & { ctx: RequestContext; id: string; input: FulfilRequestInput },
): Promise<DsrRequest> {
  const staff = assertStaff(options.ctx.actor);
  const { input } = options;
  const { presented } = await runStep({ ...options, step: 'fulfil' }, async (tx, request) => {
    if (!request.verifiedAt) throw new AppError('conflict', 'The requester’s identity has not been verified');
    if (!request.contactId)
      throw new AppError(
        'conflict',
        'The request concerns no contact: link one when verifying, or reject it (no data held)',
      );
    const contact = await findContactRow(tx, request.contactId, { forUpdate: true });
    if (!contact) throw new AppError('conflict', 'The contact of this request no longer exists');
    const type = request.type as DsrRequest['type'];
    if (type === 'rectification') {
      if (!input.corrections)
        throw new AppError('validation_failed', 'A rectification needs the corrections', {
          details: [{ field: 'body.corrections', issue: 'is required for a rectification' }],
        });
      await correctContact(tx, options, contact.id, input.corrections);
    } else if (type in ledgerKindOf) {
      const kind = ledgerKindOf[type as keyof typeof ledgerKindOf];
      const subjectWide = kind === 'sale_sharing_opted_out' || kind === 'sensitive_use_limited';
      const concerned: (Purpose | null)[] = subjectWide
        ? [null]
        : request.purposes.length > 0
          ? (request.purposes as Purpose[])
          : [...allPurposes];
      for (const purpose of concerned) {
        const event: NewLedgerEvent = {
          subjectId: contact.subjectId,
          kind,
          purpose,
          noticeId: null,
          language: null,
          method: request.channel === 'portal' ? 'portal' : 'staff',
          occurredAt: request.receivedAt,
          actor: { type: staff.kind, id: staff.userId },
          relatesTo: null,
          conflictsWith: null,
          mergedFrom: null,
          proof: { ...emptyProof, source: `request:${request.id}` },
        };
        await appendLedgerEvent(tx, options.subjects, event);
      }
    } else if (type === 'access' || type === 'portability') {
      // Prepared now, sealed under the person's key; released (and the request fulfilled) after review.
      const { content, flags } = await buildSubjectPackage(tx, options, request, contact);
      await storePackage(tx, options.subjects, {
        requestId: request.id,
        subjectId: contact.subjectId,
        content,
        flags,
      });
      return {
        patch: {},
        toStatus: null,
        note: input.note ?? `package prepared: ${flags.length} free-text value(s) flagged for review`,
      };
    } else if (type === 'erasure') {
      await eraseSubjectIn(tx, options, options.ctx, {
        contactId: contact.id,
        reason: `${request.regime === 'ccpa' ? 'CCPA right to delete' : 'GDPR Art. 17'} request`,
        requestId: request.id,
      });
      // The request stays as proof it was answered, no longer linked to the person.
      return { patch: { contactId: null }, toStatus: 'fulfilled', note: input.note ?? null };
    } else {
      throw new AppError(
        'conflict',
        'This kind of request is fulfilled by its own workflow, which is not available yet',
      );
    }
    return { patch: {}, toStatus: 'fulfilled', note: input.note ?? null };
  });
  return presented;
}
