import type {
  CollectionMethod,
  ConsentReceipt,
  DataCategory,
  Notice,
  PurposeRecord,
} from '@custodian/contracts';
import { consentEventEntity, restrictedFields } from '../../catalog/index.js';
import { assertPermission, type RequestContext, systemContext } from '../../platform/access.js';
import { type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import { findNotice } from '../notices/index.js';
import { findPurposeRecord } from '../purposes/index.js';
import type { ConsentDeps } from './deps.js';
import { findEventRow, findLedger, listEventRows, type OpenedEvent, openEvents } from './repository.js';

export const receiptSchemaVersion = 'ISO/IEC TS 27560:2023; Custodian consent receipt 1';

const eventStateOf = {
  pending: 'dpv:ConsentRequested',
  given: 'dpv:ConsentGiven',
  confirmed: 'dpv:ConsentGiven',
  withdrawn: 'dpv:ConsentWithdrawn',
  refused: 'dpv:ConsentRefused',
  expired: 'dpv:ConsentExpired',
} as const;
type ReceiptKind = keyof typeof eventStateOf;
const isReceiptKind = (kind: string): kind is ReceiptKind => kind in eventStateOf;

const piiTypeOf = {
  identity: 'pd:Identifying',
  contact: 'pd:Contact',
  location: 'pd:Location',
  online_identifier: 'pd:OnlineIdentifier',
  financial: 'pd:Financial',
  professional: 'pd:Professional',
  behavioural: 'pd:Behavioural',
  special: 'dpv:SpecialCategoryPersonalData',
  children: 'pd:Age',
} as const satisfies Record<DataCategory, string>;

const dataSourceOf = (method: CollectionMethod) =>
  method === 'import' ? 'dpv:DataControllerDataSource' : 'dpv:DataSubjectDataSource';

const rights = [
  ['eu-gdpr:A7-3', 'withdraw consent'],
  ['eu-gdpr:A15', 'access'],
  ['eu-gdpr:A16', 'rectification'],
  ['eu-gdpr:A17', 'erasure'],
  ['eu-gdpr:A18', 'restriction'],
  ['eu-gdpr:A20', 'portability'],
  ['eu-gdpr:A21', 'objection'],
] as const;

/**
 * The notice a consent event rests on: its own for given, pending and refused; the event it closes for
 * confirmed and expired; for a withdrawal, the latest notice of that purpose before it.
 */
async function noticeOf(ex: Executor, event: OpenedEvent): Promise<Notice | null> {
  const { row } = event;
  if (row.noticeId) return findNotice(ex, row.noticeId);
  const ledger = await findLedger(ex, row.subjectId, row.purpose);
  const position = ledger.findIndex((e) => e.id === row.id);
  const earlier = ledger.slice(0, position).reverse();
  const basis = row.relatesTo ? earlier.find((e) => e.id === row.relatesTo) : earlier.find((e) => e.noticeId);
  return basis?.noticeId ? findNotice(ex, basis.noticeId) : null;
}

function buildReceipt(
  deps: ConsentDeps,
  ctx: RequestContext,
  event: OpenedEvent,
  kind: ReceiptKind,
  notice: Notice,
  purpose: PurposeRecord,
): ConsentReceipt {
  const { row, proof } = event;
  const c = deps.privacy.controller;
  const hidden = restrictedFields(consentEventEntity, ctx);
  const language = row.language ?? notice.texts[0]?.language ?? 'en';
  const text = notice.texts.find((t) => t.language === language) ?? notice.texts[0]!;
  const explicit = purpose.art9Condition === 'explicit_consent';
  const portal = `${c.url}/privacy`;
  return {
    schema_version: receiptSchemaVersion,
    receipt_id: `urn:uuid:${row.id}`,
    created: new Date().toISOString(),
    record_id: row.id,
    pii_principal_id: row.subjectId,
    language,
    jurisdiction: [hidden.has('jurisdiction') ? '[restricted]' : (proof.jurisdiction ?? 'EU')],
    privacy_notice: {
      notice_id: notice.id,
      notice_key: notice.key,
      version: notice.version,
      language: text.language,
      sha256: text.sha256,
      url: `${c.url}/api/v1/public/notices/${notice.key}?language=${text.language}`,
    },
    pii_controllers: [
      {
        party_name: c.name,
        party_role: 'dpv:DataController',
        party_contact: c.email ?? portal,
        party_address: c.address,
        party_email: c.email,
        party_url: c.url,
      },
    ],
    purposes: [
      {
        purpose: purpose.key,
        purpose_name: purpose.name,
        purpose_description: purpose.description,
        purpose_type: purpose.dpvPurpose,
        lawful_basis: [
          purpose.dpvLegalBasis.dpv,
          purpose.dpvLegalBasis.gdpr,
          ...(explicit ? ['eu-gdpr:A9-2-a'] : []),
        ],
        pii_information: purpose.categories.map((category) => ({
          pii_type: piiTypeOf[category],
          sensitive_pii_category: category === 'special' || category === 'children',
        })),
        processing_method: [
          'dpv:Collect',
          'dpv:Store',
          'dpv:Use',
          ...(purpose.profiling ? ['dpv:Profiling'] : []),
        ],
        storage_locations: [c.dataLocation],
        retention_period: purpose.retention,
        recipient_third_parties: [],
        automated_decision_making: purpose.automatedDecisions,
      },
    ],
    collection_method: {
      method: row.method as CollectionMethod,
      data_source: dataSourceOf(row.method as CollectionMethod),
    },
    event: {
      event_type: explicit ? 'dpv:ExplicitlyExpressedConsent' : 'dpv:ExpressedConsent',
      event_state: eventStateOf[kind],
      event_time: row.occurredAt.toISOString(),
      recorded_time: row.recordedAt.toISOString(),
      validity_duration: 'dpv:UntilEventDuration (until withdrawn)',
      entity_id: row.hasParentalConsent ? 'dpv:ParentOfDataSubject' : 'dpv:DataSubject',
      indication_method: row.method as CollectionMethod,
    },
    withdrawal_method: [{ control: 'dpv:WithdrawConsent', exercised_at: portal }],
    privacy_rights: rights.map(([right]) => ({ right, exercised_at: portal })),
  };
}

/** The ISO/IEC TS 27560 receipt of one consent event of a contact; the read is audited. */
export async function getConsentReceipt(
  options: ConsentDeps & { ctx: RequestContext; contactId: string; eventId: string },
): Promise<{ receipt: ConsentReceipt; noticeText: string }> {
  const { db, keys, ctx, contactId, eventId } = options;
  assertPermission(ctx.actor, 'contacts:read');
  return transaction(db, async (tx) => {
    const contact = await findContactRow(tx, contactId);
    const row = contact ? await findEventRow(tx, contact.subjectId, eventId) : null;
    const [event] = row ? await openEvents(tx, options.subjects, [row]) : [];
    if (!contact || !event) throw notFound('consent event');
    const kind = event.row.kind;
    if (!isReceiptKind(kind) || !event.row.purpose)
      throw new AppError('validation_failed', 'Only consent events have receipts', {
        details: [{ field: 'params.eventId', issue: 'is not a consent event' }],
      });
    const notice = await noticeOf(tx, event);
    const purpose = await findPurposeRecord(tx, event.row.purpose);
    if (!notice || !purpose)
      throw new AppError('validation_failed', 'This event names no notice', {
        details: [{ field: 'params.eventId', issue: 'has no notice to base a receipt on' }],
      });
    await recordAudit(tx, keys, ctx, {
      action: 'consent.receipt',
      entityType: 'consentEvent',
      entityId: eventId,
      subjectIds: [contact.subjectId],
    });
    const receipt = buildReceipt(options, ctx, event, kind, notice, purpose);
    const text = notice.texts.find((t) => t.language === receipt.privacy_notice.language);
    return { receipt, noticeText: text?.text ?? '' };
  });
}

/**
 * Every receipt of a person's ledger, in order, unmasked: for their own access package. The caller audits
 * the read with the rest of the package.
 */
export async function receiptsOfSubject(
  ex: Executor,
  deps: ConsentDeps,
  subjectId: string,
): Promise<ConsentReceipt[]> {
  const rows = (await listEventRows(ex, subjectId, { limit: 100_000 })).reverse();
  const out: ConsentReceipt[] = [];
  const ctx = systemContext('access-package');
  for (const event of await openEvents(ex, deps.subjects, rows)) {
    const kind = event.row.kind;
    if (!isReceiptKind(kind) || !event.row.purpose) continue;
    const notice = await noticeOf(ex, event);
    const purpose = await findPurposeRecord(ex, event.row.purpose);
    if (notice && purpose) out.push(buildReceipt(deps, ctx, event, kind, notice, purpose));
  }
  return out;
}
