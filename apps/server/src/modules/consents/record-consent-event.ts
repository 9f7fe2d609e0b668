import type { ConsentEvent, RecordConsentEventInput } from '@custodian/contracts';
import { and, eq } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import { findNotice, noticeInUseSince } from '../notices/index.js';
import type { ConsentDeps } from './deps.js';
import { digitalConsentAge } from './digital-consent-age.js';
import { presentEvent } from './present-event.js';
import { type AgeCheck, appendLedgerEvent, type NewLedgerEvent, type Proof } from './repository.js';
import { consentEvents } from './schema.js';

// Clocks of browsers and servers disagree a little; a choice from further in the future is a mistake.
const futureToleranceMs = 5 * 60_000;

const invalid = (field: string, issue: string) =>
  new AppError('validation_failed', 'The event does not hold together', { details: [{ field, issue }] });

/** A source URL loses its query and fragment: they often carry e-mail addresses or tokens. */
export function cleanSource(source: string | undefined): string | null {
  if (!source) return null;
  try {
    const url = new URL(source);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}${url.pathname}`;
  } catch {
    // Not a URL: a form id, import id or paper reference.
  }
  return source;
}

/** Keyed hash of a network address: proves "same address" to whoever holds the key, reveals nothing else. */
export const hashNetworkAddress = (deps: Pick<ConsentDeps, 'keys'>, address: string): string =>
  deps.keys.mac('consent-network-address', address.toLowerCase()).subarray(0, 16).toString('hex');

/** The notice must exist, cover the purpose and have been shown in the language named. */
async function checkNotice(
  ex: Executor,
  input: { noticeId: string; purpose: string; language: string },
  occurredAt: Date,
) {
  const notice = await findNotice(ex, input.noticeId);
  if (!notice) throw invalid('body.noticeId', 'is not a published notice');
  // Nobody can consent to a text not yet shown: the notice's publication, or the date the privacy officer
  // declared for a text an earlier system showed.
  if (noticeInUseSince(notice).getTime() > occurredAt.getTime() + futureToleranceMs)
    throw invalid('body.occurredAt', 'is before the notice was published');
  if (!(notice.purposes as string[]).includes(input.purpose))
    throw invalid('body.noticeId', 'does not cover this purpose');
  if (!notice.texts.some((t) => t.language === input.language))
    throw invalid('body.language', 'is not a language this notice was published in');
}

/** The event a confirmation or expiry closes: this person's, same purpose, and of a kind it can close. */
async function checkRelated(
  ex: Executor,
  subjectId: string,
  input: { kind: string; purpose: string; relatesTo: string },
) {
  const [related] = await ex
    .select({ kind: consentEvents.kind, purpose: consentEvents.purpose })
    .from(consentEvents)
    .where(and(eq(consentEvents.subjectId, subjectId), eq(consentEvents.id, input.relatesTo)));
  const closable = input.kind === 'confirmed' ? ['pending'] : ['pending', 'given'];
  if (!related || related.purpose !== input.purpose || !closable.includes(related.kind))
    throw invalid(
      'body.relatesTo',
      `is not a ${closable.join(' or ')} event of this person for this purpose`,
    );
}

export function ageCheckOf(
  deps: Pick<ConsentDeps, 'privacy'>,
  input: {
    ageCheck?: { method: AgeCheck['method']; age: number } | undefined;
    jurisdiction?: string | undefined;
  },
): AgeCheck | null {
  if (!input.ageCheck) return null;
  const threshold = digitalConsentAge(deps.privacy.digitalConsentAges, input.jurisdiction);
  return { method: input.ageCheck.method, age: input.ageCheck.age, minor: input.ageCheck.age < threshold };
}

/** Staff record a choice a person made (on paper, on the phone, in another system) or an objection or restriction. */
export async function recordConsentEvent(
  options: ConsentDeps & { ctx: RequestContext; contactId: string; input: RecordConsentEventInput },
): Promise<ConsentEvent> {
  const { db, keys, ctx, contactId, input } = options;
  assertPermission(ctx.actor, 'consents:record');
  const staff = assertStaff(ctx.actor);
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : new Date();
  if (occurredAt.getTime() > Date.now() + futureToleranceMs)
    throw invalid('body.occurredAt', 'is in the future');
  const presented = await transaction(db, async (tx) => {
    // The contact row is locked: appends for one person are serialised, so their derived state stays exact.
    const contact = await findContactRow(tx, contactId, { forUpdate: true });
    if (!contact) throw notFound('contact');
    const withNotice = input.kind === 'given' || input.kind === 'refused' || input.kind === 'pending';
    if (withNotice) await checkNotice(tx, input, occurredAt);
    if (input.kind === 'confirmed' || input.kind === 'expired')
      await checkRelated(tx, contact.subjectId, input);
    const proof: Proof = {
      source: cleanSource(input.source),
      networkAddressHash: input.networkAddress ? hashNetworkAddress(options, input.networkAddress) : null,
      userAgent: input.userAgent ?? null,
      jurisdiction: input.jurisdiction ?? null,
      ageCheck: withNotice ? ageCheckOf(options, input) : null,
      parentalConsentReference: withNotice ? (input.parentalConsentReference ?? null) : null,
      note: input.note ?? null,
    };
    const event: NewLedgerEvent = {
      subjectId: contact.subjectId,
      kind: input.kind,
      purpose: 'purpose' in input ? input.purpose : null,
      noticeId: withNotice ? input.noticeId : null,
      language: withNotice ? input.language : null,
      method: input.method,
      occurredAt,
      actor: { type: staff.kind, id: staff.userId },
      relatesTo: input.kind === 'confirmed' || input.kind === 'expired' ? input.relatesTo : null,
      conflictsWith: null,
      mergedFrom: null,
      proof,
    };
    const stored = await appendLedgerEvent(tx, options.subjects, event);
    await recordAudit(tx, keys, ctx, {
      action: `consent.${input.kind}`,
      entityType: 'consentEvent',
      entityId: stored.row.id,
      subjectIds: [contact.subjectId],
    });
    return presentEvent(ctx, stored);
  });
  // After commit: the person is told their restriction was lifted (GDPR Art. 18(3)).
  if (input.kind === 'restriction_lifted')
    await options.notifyRestrictionLifted?.({ eventId: presented.id, contactId });
  return presented;
}
