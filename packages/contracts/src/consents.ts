import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { languageTagSchema } from './notices.js';
import { lawfulBasisSchema, purposeSchema } from './purposes.js';

/**
 * The kinds of event in the privacy ledger. Consent events concern one purpose; objection and restriction
 * too; the CCPA opt-outs concern the person as a whole.
 */
export const consentKinds = ['pending', 'given', 'confirmed', 'withdrawn', 'refused', 'expired'] as const;
export const purposeFlagKinds = [
  'objected',
  'objection_withdrawn',
  'restricted',
  'restriction_lifted',
] as const;
export const subjectFlagKinds = [
  'sale_sharing_opted_out',
  'sale_sharing_opted_in',
  'sensitive_use_limited',
  'sensitive_use_unlimited',
] as const;
export const eventKinds = [...consentKinds, ...purposeFlagKinds, ...subjectFlagKinds] as const;
export type ConsentEventKind = (typeof eventKinds)[number];
export const eventKindSchema = z.enum(eventKinds);

/** How a choice was collected. */
export const collectionMethods = [
  'web_form',
  'double_opt_in_email',
  'import',
  'verbal',
  'paper',
  'api',
  'portal',
  'global_privacy_control',
  'staff',
  'unsubscribe_link',
  'spam_complaint',
] as const;
export const collectionMethodSchema = z.enum(collectionMethods);

/** Who appended an event: staff (a user, their API token or their import), the person themselves, or the system. */
export const ledgerActorTypes = ['user', 'token', 'import', 'subject', 'system', 'anonymous'] as const;
export type CollectionMethod = z.infer<typeof collectionMethodSchema>;

export const ageCheckMethods = [
  'self_declared',
  'date_of_birth',
  'verified_document',
  'parental_account',
] as const;

/** ISO 3166-1 alpha-2 country, optionally with an ISO 3166-2 subdivision: `DE`, `US-CA`. */
export const jurisdictionSchema = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as DE or US-CA');

export const consentEventSchema = z.object({
  id: z.uuid(),
  kind: eventKindSchema,
  /** Null for the CCPA opt-outs, which concern the person as a whole. */
  purpose: purposeSchema.nullable(),
  noticeId: z.uuid().nullable(),
  language: z.string().nullable(),
  method: collectionMethodSchema,
  /** Where: a form id, a page URL (without its query), an import id or a paper reference. Masked without `reveal:online_identifier`. */
  source: z.string().nullable(),
  occurredAt: isoDateTime,
  recordedAt: isoDateTime,
  actor: z.object({ type: z.string(), id: z.uuid().nullable() }),
  /** For `confirmed` and `expired`: the pending or given event they close. */
  relatesTo: z.uuid().nullable(),
  /** An earlier explicit choice this one overrides (a GPC signal after an explicit opt-in). */
  conflictsWith: z.uuid().nullable(),
  /** The event of a merged contact this one was copied from. */
  mergedFrom: z.uuid().nullable(),
  proof: z.object({
    networkAddressHash: z.string().nullable(),
    userAgent: z.string().nullable(),
    jurisdiction: z.string().nullable(),
    ageCheck: z
      .object({ method: z.enum(ageCheckMethods), age: z.number().int().nullable(), minor: z.boolean() })
      .nullable(),
    parentalConsentReference: z.string().nullable(),
    note: z.string().nullable(),
  }),
  /** Proof fields masked for this caller's role or purpose. */
  restricted: z.array(z.string()),
});
export type ConsentEvent = z.infer<typeof consentEventSchema>;

export const consentStatuses = ['none', 'pending', 'given', 'withdrawn', 'refused', 'expired'] as const;
export const consentStatusSchema = z.enum(consentStatuses);
export type ConsentStatus = z.infer<typeof consentStatusSchema>;

export const purposeStateSchema = z.object({
  purpose: purposeSchema,
  consent: consentStatusSchema,
  /** The event the consent status rests on (the given or pending one, or the withdrawal…). */
  consentEventId: z.uuid().nullable(),
  noticeId: z.uuid().nullable(),
  /** Given under a notice version that a later one, requiring re-consent, has replaced. */
  stale: z.boolean(),
  parentalConsentMissing: z.boolean(),
  objected: z.boolean(),
  restricted: z.boolean(),
  updatedAt: isoDateTime,
});
export const subjectChoicesSchema = z.object({
  /** CCPA/CPRA "Do Not Sell or Share My Personal Information" (also set by Global Privacy Control). */
  optedOutOfSaleOrSharing: z.boolean(),
  /** CPRA "Limit the Use of My Sensitive Personal Information". */
  limitedSensitiveUse: z.boolean(),
});
export const consentOverviewSchema = z.object({
  contactId: z.uuid(),
  purposes: z.array(purposeStateSchema),
  choices: subjectChoicesSchema,
});
export type ConsentOverview = z.infer<typeof consentOverviewSchema>;

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

const proofFields = {
  method: collectionMethodSchema,
  source: optionalText(500),
  occurredAt: isoDateTime.optional().describe('When it happened, if not now (a paper form signed earlier)'),
  networkAddress: z.union([z.ipv4(), z.ipv6()]).optional().describe('Stored only as a keyed hash'),
  userAgent: optionalText(500),
  jurisdiction: jurisdictionSchema.optional(),
  note: optionalText(1000),
};

export const recordConsentEventBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.enum(['given', 'refused', 'pending']),
    purpose: purposeSchema,
    noticeId: z.uuid().describe('The notice version the person was shown'),
    language: languageTagSchema,
    ageCheck: z
      .object({
        method: z.enum(ageCheckMethods),
        age: z.number().int().min(0).max(130),
      })
      .optional(),
    parentalConsentReference: optionalText(200),
    ...proofFields,
  }),
  z.object({ kind: z.literal('withdrawn'), purpose: purposeSchema, ...proofFields }),
  z.object({
    kind: z.enum(['confirmed', 'expired']),
    purpose: purposeSchema,
    relatesTo: z.uuid(),
    ...proofFields,
  }),
  z.object({ kind: z.enum(purposeFlagKinds), purpose: purposeSchema, ...proofFields }),
  z.object({ kind: z.enum(subjectFlagKinds), ...proofFields }),
]);
export type RecordConsentEventInput = z.infer<typeof recordConsentEventBody>;

const contactEventParams = z.object({ id: z.uuid(), eventId: z.uuid() });

export const getConsents = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/consents',
  summary:
    'The current consent, objection and restriction state per purpose, and the CCPA choices, derived from the ledger',
  tags: ['consent'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: consentOverviewSchema },
});

export const listConsentEvents = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/consents/events',
  summary: 'The ledger of a person’s choices with their proof, newest first',
  tags: ['consent'],
  access: requires('contacts:read'),
  params: idParams,
  querystring: z.object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce.number().int().min(1).optional().describe('Ledger position to continue before'),
  }),
  response: {
    200: z.object({ items: z.array(consentEventSchema), nextBefore: z.number().int().nullable() }),
  },
});

export const recordConsentEvent = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/:id/consents/events',
  summary:
    'Append a choice to the ledger: consent given, refused, withdrawn…, an objection or restriction, or a CCPA opt-out. Events are never changed or deleted.',
  tags: ['consent'],
  access: requires('consents:record'),
  params: idParams,
  body: recordConsentEventBody,
  response: { 201: consentEventSchema },
});

/** An ISO/IEC TS 27560 consent receipt: snake_case field names from the standard's clauses. */
export const consentReceiptSchema = z.object({
  schema_version: z.string(),
  receipt_id: z.string(),
  created: isoDateTime,
  record_id: z.uuid(),
  pii_principal_id: z.uuid(),
  language: z.string(),
  jurisdiction: z.array(z.string()),
  privacy_notice: z.object({
    notice_id: z.uuid(),
    notice_key: z.string(),
    version: z.number().int(),
    language: z.string(),
    sha256: z.string(),
    url: z.string(),
  }),
  pii_controllers: z.array(
    z.object({
      party_name: z.string(),
      party_role: z.string(),
      party_contact: z.string(),
      party_address: z.string(),
      party_email: z.string().nullable(),
      party_url: z.string().nullable(),
    }),
  ),
  purposes: z.array(
    z.object({
      purpose: z.string(),
      purpose_name: z.string(),
      purpose_description: z.string(),
      purpose_type: z.string(),
      lawful_basis: z.array(z.string()),
      pii_information: z.array(z.object({ pii_type: z.string(), sensitive_pii_category: z.boolean() })),
      processing_method: z.array(z.string()),
      storage_locations: z.array(z.string()),
      retention_period: z.string(),
      recipient_third_parties: z.array(z.string()),
      automated_decision_making: z.boolean(),
    }),
  ),
  collection_method: z.object({ method: collectionMethodSchema, data_source: z.string() }),
  event: z.object({
    event_type: z.string(),
    event_state: z.string(),
    event_time: isoDateTime,
    recorded_time: isoDateTime,
    validity_duration: z.string(),
    entity_id: z.string(),
    indication_method: collectionMethodSchema,
  }),
  withdrawal_method: z.array(z.object({ control: z.string(), exercised_at: z.string() })),
  privacy_rights: z.array(z.object({ right: z.string(), exercised_at: z.string() })),
});
export type ConsentReceipt = z.infer<typeof consentReceiptSchema>;

export const getConsentReceipt = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/consents/:eventId/receipt',
  summary: 'An ISO/IEC TS 27560 consent receipt (JSON) for one consent event',
  tags: ['consent'],
  access: requires('contacts:read'),
  params: contactEventParams,
  response: { 200: consentReceiptSchema },
});

export const getConsentReceiptPage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/consents/:eventId/receipt.html',
  summary: 'The same consent receipt as a page a person can read and print',
  tags: ['consent'],
  access: requires('contacts:read'),
  params: contactEventParams,
  response: { 200: z.string() },
});

/** Why processing is refused. */
export const refusalReasons = [
  'erased',
  'no_lawful_basis',
  'no_consent',
  'consent_pending',
  'consent_withdrawn',
  'consent_refused',
  'consent_expired',
  'consent_stale',
  'under_age',
  'objection',
  'restriction',
  'opted_out_of_sale_or_sharing',
  'sensitive_use_limited',
] as const;
export const refusalReasonSchema = z.enum(refusalReasons);
export type RefusalReason = z.infer<typeof refusalReasonSchema>;

export const processingAnswerSchema = z.object({
  contactId: z.uuid(),
  purpose: purposeSchema,
  lawfulBasis: lawfulBasisSchema,
  allowed: z.boolean(),
  reasons: z.array(refusalReasonSchema),
});
export type ProcessingAnswer = z.infer<typeof processingAnswerSchema>;

export const mayProcess = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/may-process',
  summary:
    'The processing guard: may this person be processed for this purpose now? Allowed, or refused with every reason.',
  tags: ['consent'],
  access: requires('contacts:read'),
  params: idParams,
  querystring: z.object({ purpose: purposeSchema }),
  response: { 200: processingAnswerSchema },
});

export const batchMayProcessBody = z
  .object({
    purpose: purposeSchema,
    contactIds: z.array(z.uuid()).min(1).max(100_000).optional(),
    segment: z
      .object({
        tagId: z.uuid().optional(),
        lifecycleStage: z.enum(['lead', 'prospect', 'customer', 'former']).optional(),
        ownerId: z.uuid().optional(),
        companyId: z.uuid().optional(),
      })
      .optional(),
  })
  .refine((b) => (b.contactIds === undefined) !== (b.segment === undefined), {
    message: 'give either contactIds or segment',
    path: ['contactIds'],
  });
export type BatchMayProcessInput = z.infer<typeof batchMayProcessBody>;

export const batchMayProcess = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/may-process',
  summary:
    'The processing guard for many people at once (a list of ids, or a segment), answered in one query',
  tags: ['consent'],
  access: requires('contacts:read'),
  body: batchMayProcessBody,
  response: {
    200: z.object({
      purpose: purposeSchema,
      allowedCount: z.number().int(),
      refusedCount: z.number().int(),
      items: z.array(processingAnswerSchema.omit({ purpose: true, lawfulBasis: true })),
    }),
  },
});
