import type { ConsentEvent, ConsentOverview } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import { findNotice, hasReconsentSince } from '../notices/index.js';
import type { ConsentDeps } from './deps.js';
import { presentEvent } from './present-event.js';
import { findChoices, findPurposeStates, listEventRows, openEvents } from './repository.js';

type Options = ConsentDeps & { ctx: RequestContext; contactId: string };

/** The derived state of a person's choices: consent, objection and restriction per purpose, CCPA choices. */
export async function getConsentOverview(options: Options): Promise<ConsentOverview> {
  const { db, keys, ctx, contactId } = options;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const contact = await findContactRow(tx, contactId);
    if (!contact) throw notFound('contact');
    const states = await findPurposeStates(tx, contact.subjectId);
    const choices = await findChoices(tx, contact.subjectId);
    const purposes = [];
    for (const s of states.sort((a, b) => a.purpose.localeCompare(b.purpose))) {
      const notice = s.consent === 'given' && s.noticeId ? await findNotice(tx, s.noticeId) : null;
      purposes.push({
        purpose: s.purpose as ConsentOverview['purposes'][number]['purpose'],
        consent: s.consent as ConsentOverview['purposes'][number]['consent'],
        consentEventId: s.consentEventId,
        noticeId: s.noticeId,
        stale: notice ? await hasReconsentSince(tx, notice, s.purpose) : false,
        parentalConsentMissing: s.parentalConsentMissing,
        objected: s.objected,
        restricted: s.restricted,
        updatedAt: s.updatedAt.toISOString(),
      });
    }
    await recordAudit(tx, keys, ctx, {
      action: 'consent.read',
      entityType: 'contact',
      entityId: contactId,
      subjectIds: [contact.subjectId],
    });
    return {
      contactId,
      purposes,
      choices: {
        optedOutOfSaleOrSharing: choices?.optedOutOfSaleOrSharing ?? false,
        limitedSensitiveUse: choices?.limitedSensitiveUse ?? false,
      },
    };
  });
}

/** A person's ledger with its proof (masked as the catalog says), newest first. */
export async function findConsentEvents(
  options: Options & { limit: number; before?: number | undefined },
): Promise<{ items: ConsentEvent[]; nextBefore: number | null }> {
  const { db, keys, ctx, contactId, limit, before } = options;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const contact = await findContactRow(tx, contactId);
    if (!contact) throw notFound('contact');
    const rows = await listEventRows(tx, contact.subjectId, { limit: limit + 1, before });
    const page = rows.slice(0, limit);
    const opened = await openEvents(tx, options.subjects, page);
    await recordAudit(tx, keys, ctx, {
      action: 'consent.read',
      entityType: 'contact',
      entityId: contactId,
      subjectIds: [contact.subjectId],
    });
    return {
      items: opened.map((e) => presentEvent(ctx, e)),
      nextBefore: rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
    };
  });
}
