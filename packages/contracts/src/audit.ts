import { z } from 'zod';
import { isoDateTime, pageOf, pageQuery } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';

export const actorTypeSchema = z.enum(['user', 'token', 'system', 'anonymous']);
export const auditOutcomeSchema = z.enum(['success', 'denied', 'failure']);

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
  hash: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const listAuditQuery = pageQuery.extend({
  actorId: z.uuid().optional(),
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
