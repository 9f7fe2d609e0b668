import { z } from 'zod';
import { isoDateTime, pageOf, pageQuery } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';

export const actorTypeSchema = z.enum(['user', 'token', 'system', 'anonymous']);
export const auditOutcomeSchema = z.enum(['success', 'denied', 'failure']);
/** Whether an entry's people had their data read or changed. */
export const auditAccessSchema = z.enum(['read', 'change']);
export type AuditAccess = z.infer<typeof auditAccessSchema>;

export const auditEntrySchema = z.object({
  id: z.string().describe('Insertion id (a decimal integer)'),
  seq: z.string().nullable().describe('Position in the sealed chain; null until the sealer has chained it'),
  occurredAt: isoDateTime,
  actorType: actorTypeSchema,
  actorId: z.uuid().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  subjectIds: z.array(z.uuid()).describe('Random identifiers of the people whose data was touched'),
  purpose: z.string().nullable(),
  requestId: z.string().nullable(),
  outcome: auditOutcomeSchema,
  tokenId: z.uuid().nullable().describe('The API token the call was made with (the actor is its user)'),
  access: auditAccessSchema.nullable().describe('Whether the people’s data was read or changed'),
  categories: z
    .array(dataCategorySchema)
    .describe('Catalog categories of their data revealed (reads) or open to change (writes)'),
  hash: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const listAuditQuery = pageQuery.extend({
  actorId: z.uuid().optional(),
  tokenId: z.uuid().optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(100).optional(),
  subjectId: z.uuid().optional().describe('Every entry that touched this person’s data'),
  outcome: auditOutcomeSchema.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
});

export const listAudit = defineEndpoint({
  method: 'GET',
  path: '/api/v1/audit',
  summary: 'Browse the audit trail, newest first',
  tags: ['audit'],
  access: requires('audit:read'),
  querystring: listAuditQuery,
  response: { 200: pageOf(auditEntrySchema) },
});

export const chainStatusSchema = z.object({
  intact: z.boolean(),
  sealed: z.number().int().describe('Entries checked in the sealed chain'),
  unsealed: z.number().int().describe('Entries committed but not chained yet (MAC-checked only)'),
  firstBroken: z
    .object({ id: z.string(), seq: z.string().nullable(), reason: z.string() })
    .nullable()
    .describe('The first entry that fails verification'),
  prunedThrough: z
    .object({ seq: z.string(), at: isoDateTime })
    .nullable()
    .describe(
      'Where a retention policy last pruned the chain: entries up to this position (recorded until `at`) were removed, and the chain verifies from the signed checkpoint there',
    ),
  head: z
    .object({ seq: z.string(), hash: z.string() })
    .nullable()
    .describe(
      'The last sealed entry. Record it outside the database from time to time: entries removed after it cannot be detected otherwise.',
    ),
});
export type ChainStatus = z.infer<typeof chainStatusSchema>;

export const verifyAudit = defineEndpoint({
  method: 'GET',
  path: '/api/v1/audit/verify',
  summary: 'Verify the audit chain: every entry’s MAC and every link of the sealed chain',
  tags: ['audit'],
  access: requires('audit:read'),
  response: { 200: chainStatusSchema },
});

/**
 * Impact assessment after a breach (Art. 33(3)(a)): from the audit trail alone, the people whose data one
 * account or one API token read or changed in a time window, with counts per catalog category.
 */
export const impactActorSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('user'),
    id: z.uuid().describe('A staff account: its sessions and its tokens'),
  }),
  z.object({ type: z.literal('token'), id: z.uuid().describe('One API token') }),
]);
export const impactAssessmentBody = z
  .object({
    actor: impactActorSchema,
    from: isoDateTime,
    to: isoDateTime,
    limit: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(1000)
      .describe('How many of the people to list (the figures always cover everyone)'),
  })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { path: ['to'], message: 'must be after from' });
export type ImpactAssessmentInput = z.infer<typeof impactAssessmentBody>;

/** `unrecorded`: entries written before categories were recorded with each entry. */
export const impactCategorySchema = z.union([dataCategorySchema, z.literal('unrecorded')]);
const impactCounts = z.object({
  category: impactCategorySchema,
  read: z.number().int().describe('Entries that revealed this category'),
  change: z.number().int().describe('Entries that could change this category'),
});
export const impactAssessmentSchema = z.object({
  actor: impactActorSchema,
  from: isoDateTime,
  to: isoDateTime,
  people: z.number().int().describe('Distinct people whose data was read or changed'),
  entries: z.object({ read: z.number().int(), change: z.number().int() }),
  categories: z.array(impactCounts.extend({ people: z.number().int() })),
  affected: z.array(
    z.object({
      subjectId: z.uuid(),
      /** The contact or staff account the person is today; both null once erased. */
      contactId: z.uuid().nullable(),
      userId: z.uuid().nullable(),
      firstAt: isoDateTime,
      lastAt: isoDateTime,
      categories: z.array(impactCounts),
    }),
  ),
  truncated: z.boolean().describe('More people were affected than listed'),
  /** Entries made with some API token of the account before tokens were recorded: not attributable to one. */
  unattributedTokenEntries: z.number().int(),
  assessedAt: isoDateTime,
});
export type ImpactAssessment = z.infer<typeof impactAssessmentSchema>;

export const assessImpact = defineEndpoint({
  method: 'POST',
  path: '/api/v1/audit/impact-assessment',
  summary:
    'Impact assessment from the audit trail: the people whose personal data an account or a token read or changed in a time window, with counts per category',
  tags: ['audit'],
  access: requires('audit:read'),
  body: impactAssessmentBody,
  response: { 200: impactAssessmentSchema },
});
