import { z } from 'zod';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';

/**
 * The purposes personal data may be processed for. Every request that reads personal data names one
 * (header `X-Purpose`, or the role's default); the catalog says which fields each purpose may use, and the
 * audit trail records it. Their lawful basis and the rest of their description are data (GET /api/v1/purposes).
 */
export const purposes = [
  'sales_follow_up',
  'customer_support',
  'marketing_email',
  'newsletter',
  'analytics',
  'email_tracking',
  'profiling',
  'contract_fulfilment',
  'legal_obligation',
  'data_subject_rights',
] as const;
export type Purpose = (typeof purposes)[number];
export const purposeSchema = z.enum(purposes);
export const isPurpose = (value: string): value is Purpose => (purposes as readonly string[]).includes(value);

/** GDPR Art. 6(1)(a)–(f): the lawful bases of processing. */
export const lawfulBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
export const lawfulBasisSchema = z.enum(lawfulBases);
export type LawfulBasis = z.infer<typeof lawfulBasisSchema>;

/** The W3C Data Privacy Vocabulary term of each lawful basis, and the GDPR article in its EU-GDPR extension. */
export const dpvLegalBasisOf = {
  consent: { dpv: 'dpv:Consent', gdpr: 'eu-gdpr:A6-1-a' },
  contract: { dpv: 'dpv:Contract', gdpr: 'eu-gdpr:A6-1-b' },
  legal_obligation: { dpv: 'dpv:LegalObligation', gdpr: 'eu-gdpr:A6-1-c' },
  vital_interests: { dpv: 'dpv:VitalInterest', gdpr: 'eu-gdpr:A6-1-d' },
  public_task: { dpv: 'dpv:PublicInterest', gdpr: 'eu-gdpr:A6-1-e' },
  legitimate_interests: { dpv: 'dpv:LegitimateInterest', gdpr: 'eu-gdpr:A6-1-f' },
} as const satisfies Record<LawfulBasis, { dpv: string; gdpr: string }>;

/** GDPR Art. 9(2)(a)–(j): the conditions that allow processing special categories. */
export const art9Conditions = [
  'explicit_consent',
  'employment_social_security',
  'vital_interests',
  'not_for_profit_body',
  'made_public_by_subject',
  'legal_claims',
  'substantial_public_interest',
  'health_or_social_care',
  'public_health',
  'archiving_research_statistics',
] as const;
export const art9ConditionSchema = z.enum(art9Conditions);

export const purposeRecordSchema = z.object({
  key: purposeSchema,
  name: z.string(),
  description: z.string(),
  lawfulBasis: lawfulBasisSchema,
  /** Required when `categories` includes special categories. */
  art9Condition: art9ConditionSchema.nullable(),
  /** The catalog categories the purpose uses. */
  categories: z.array(dataCategorySchema),
  /** How long data kept for this purpose lives, in words; retention policies enforce it. */
  retention: z.string(),
  /**
   * For a legal obligation: the shortest time the law requires its records to be kept, in months. No retention
   * policy may end the purpose's data sooner without a recorded reason.
   */
  minimumRetentionMonths: z.number().int().nullable(),
  /** A "sale" or "sharing" under CCPA/CPRA: opted-out people are refused. */
  ccpaSaleOrSharing: z.boolean(),
  /** Profiling (GDPR Art. 4(4)); people may object to it under Art. 21. */
  profiling: z.boolean(),
  /** Decisions based solely on automated processing with legal or similar effects (Art. 22). */
  automatedDecisions: z.boolean(),
  /** W3C DPV purpose term, e.g. dpv:DirectMarketing. */
  dpvPurpose: z.string(),
  /** DPV terms of the lawful basis (derived from it). */
  dpvLegalBasis: z.object({ dpv: z.string(), gdpr: z.string() }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type PurposeRecord = z.infer<typeof purposeRecordSchema>;

export const updatePurposeBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().min(1).max(2000),
    lawfulBasis: lawfulBasisSchema,
    art9Condition: art9ConditionSchema.nullable(),
    categories: z.array(dataCategorySchema).max(20),
    retention: z.string().trim().min(1).max(500),
    minimumRetentionMonths: z.number().int().min(1).max(1200).nullable(),
    ccpaSaleOrSharing: z.boolean(),
    profiling: z.boolean(),
    automatedDecisions: z.boolean(),
    dpvPurpose: z.string().regex(/^dpv:[A-Z][A-Za-z]+$/, 'must be a DPV term such as dpv:DirectMarketing'),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdatePurposeInput = z.infer<typeof updatePurposeBody>;

const keyParams = z.object({ key: purposeSchema });

export const listPurposes = defineEndpoint({
  method: 'GET',
  path: '/api/v1/purposes',
  summary:
    'The purposes of processing, each with its lawful basis, Art. 9 condition, CCPA and profiling flags and DPV terms',
  tags: ['catalog'],
  access: requires('catalog:read'),
  response: { 200: z.object({ items: z.array(purposeRecordSchema) }) },
});
export const getPurpose = defineEndpoint({
  method: 'GET',
  path: '/api/v1/purposes/:key',
  summary: 'One purpose',
  tags: ['catalog'],
  access: requires('catalog:read'),
  params: keyParams,
  response: { 200: purposeRecordSchema },
});
export const updatePurpose = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/purposes/:key',
  summary:
    'Change how a purpose is described and justified. A purpose that uses special categories needs an Art. 9(2) condition; one based on explicit consent needs consent as its lawful basis.',
  tags: ['catalog'],
  access: requires('purposes:manage'),
  params: keyParams,
  body: updatePurposeBody,
  response: { 200: purposeRecordSchema },
});
