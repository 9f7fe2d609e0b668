import type {
  BatchMayProcessInput,
  ProcessingAnswer,
  PurposeRecord,
  RefusalReason,
} from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import type { ProcessingGuard } from '../../platform/guard.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findPurposeRecord } from '../purposes/index.js';
import { factsOf, findGuardFacts, type GuardFacts, type GuardTarget } from './guard-repository.js';

const consentRefusal = {
  none: 'no_consent',
  pending: 'consent_pending',
  withdrawn: 'consent_withdrawn',
  refused: 'consent_refused',
  expired: 'consent_expired',
} as const satisfies Record<Exclude<GuardFacts['consent'] & string, 'given'>, RefusalReason>;

/**
 * Art. 21 lets people object to processing on legitimate interests or a public task, and always to direct
 * marketing and profiling; with consent, an objection counts as a withdrawal. It does not reach processing
 * a contract or the law requires.
 */
const objectionApplies = (p: PurposeRecord): boolean =>
  p.lawfulBasis === 'legitimate_interests' ||
  p.lawfulBasis === 'public_task' ||
  p.lawfulBasis === 'consent' ||
  p.profiling ||
  p.dpvPurpose === 'dpv:DirectMarketing';

/** Every reason processing this person for this purpose is refused; none means allowed. */
export function refusalReasons(p: PurposeRecord, f: GuardFacts): RefusalReason[] {
  if (f.erased) return ['erased'];
  const reasons: RefusalReason[] = [];
  if (p.lawfulBasis === 'consent') {
    const consent = f.consent ?? 'none';
    if (consent !== 'given') reasons.push(consentRefusal[consent]);
    else {
      if (f.stale) reasons.push('consent_stale');
      if (f.parentalConsentMissing) reasons.push('under_age');
    }
  }
  if (p.lawfulBasis === 'contract' && !f.hasContract) reasons.push('no_lawful_basis');
  if (f.objected && objectionApplies(p)) reasons.push('objection');
  // Art. 18(2): a restricted person's data may only be stored, or used for legal claims and obligations.
  if (f.restricted && p.lawfulBasis !== 'legal_obligation') reasons.push('restriction');
  if (p.ccpaSaleOrSharing && f.optedOutOfSaleOrSharing) reasons.push('opted_out_of_sale_or_sharing');
  if (p.categories.includes('special') && f.limitedSensitiveUse) reasons.push('sensitive_use_limited');
  return reasons;
}

export interface GuardAnswer {
  contactId: string;
  subjectId: string;
  allowed: boolean;
  /** Shared by every answer with the same facts: never change it in place. */
  reasons: RefusalReason[];
}

async function loadPurpose(ex: Executor, key: string): Promise<PurposeRecord> {
  const purpose = await findPurposeRecord(ex, key);
  if (!purpose)
    throw new AppError('validation_failed', 'Unknown purpose', {
      details: [{ field: 'purpose', issue: 'is not a purpose' }],
    });
  return purpose;
}

/**
 * The processing guard: for each person of the target, allowed or refused with every reason, in one query.
 * Everything that processes people for a purpose (exports, marketing sends, profiling, webhooks) asks it.
 */
export async function answerProcessing(
  ex: Executor,
  purposeKey: string,
  target: GuardTarget,
): Promise<{ purpose: PurposeRecord; answers: GuardAnswer[] }> {
  const purpose = await loadPurpose(ex, purposeKey);
  const rows = await findGuardFacts(ex, purpose, target);
  // The same facts give the same reasons: decided once per combination (a few dozen at most) and shared by the
  // answers, instead of allocated for each of 100,000 people.
  const decided = new Map<string, RefusalReason[]>();
  const answers = rows.map((row): GuardAnswer => {
    const key = `${row.flags}:${row.consent}`;
    let reasons = decided.get(key);
    if (!reasons) {
      reasons = refusalReasons(purpose, factsOf(row));
      decided.set(key, reasons);
    }
    return { contactId: row.contactId, subjectId: row.subjectId, allowed: reasons.length === 0, reasons };
  });
  if (!('contactIds' in target)) return { purpose, answers };
  // A list of people is answered in the order it was asked (ids not found left out).
  const byId = new Map(answers.map((a) => [a.contactId, a]));
  const ordered = target.contactIds.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
  return { purpose, answers: ordered };
}

/** For code that is about to process one person: throws `processing_refused` naming the reasons. */
export async function assertMayProcess(ex: Executor, contactId: string, purposeKey: string): Promise<void> {
  const { answers } = await answerProcessing(ex, purposeKey, { contactIds: [contactId] });
  const [answer] = answers;
  if (!answer) throw notFound('contact');
  if (!answer.allowed)
    throw new AppError('processing_refused', 'This person may not be processed for this purpose', {
      details: answer.reasons.map((r) => ({ field: 'purpose', issue: r })),
    });
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function mayProcess({
  db,
  keys,
  ctx,
  id,
  purpose,
}: Deps & { id: string; purpose: string }): Promise<ProcessingAnswer> {
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const { purpose: p, answers } = await answerProcessing(tx, purpose, { contactIds: [id] });
    const [answer] = answers;
    if (!answer) throw notFound('contact');
    await recordAudit(tx, keys, ctx, {
      action: 'consent.guard',
      entityType: 'contact',
      entityId: id,
      subjectIds: [answer.subjectId],
    });
    return {
      contactId: id,
      purpose: p.key,
      lawfulBasis: p.lawfulBasis,
      allowed: answer.allowed,
      reasons: answer.reasons,
    };
  });
}

export async function batchMayProcess({ db, keys, ctx, input }: Deps & { input: BatchMayProcessInput }) {
  assertPermission(ctx.actor, 'contacts:read');
  const target: GuardTarget = input.contactIds
    ? { contactIds: [...new Set(input.contactIds.map((id) => id.toLowerCase()))] }
    : { segment: input.segment ?? {} };
  return transaction(db, async (tx) => {
    const { purpose, answers } = await answerProcessing(tx, input.purpose, target);
    await recordAudit(tx, keys, ctx, {
      action: 'consent.guard',
      entityType: 'segment',
      subjectIds: answers.map((a) => a.subjectId),
    });
    const allowedCount = answers.filter((a) => a.allowed).length;
    return {
      purpose: purpose.key,
      allowedCount,
      refusedCount: answers.length - allowedCount,
      items: answers.map(({ contactId, allowed, reasons }) => ({ contactId, allowed, reasons })),
    };
  });
}

/** The guard as other modules receive it (see platform/guard.ts). */
export const processingGuard: ProcessingGuard = {
  async allowedContacts(ex, purpose, contactIds) {
    if (contactIds.length === 0) return new Set();
    const { answers } = await answerProcessing(ex, purpose, { contactIds });
    return new Set(answers.filter((a) => a.allowed).map((a) => a.contactId));
  },
};
