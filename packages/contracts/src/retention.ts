import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { lifecycleStageSchema } from './contacts.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';
import { purposeSchema } from './purposes.js';

/**
 * Retention policies (GDPR Art. 5(1)(e), storage limitation): which records, from which event, after how
 * long, and what happens to them. The sweep applies them in batches; every erasure goes through the same
 * erasure workflow as a request.
 */
export const retentionTargets = ['contact', 'activity', 'request', 'audit_entry'] as const;
export const retentionTargetSchema = z.enum(retentionTargets);
export type RetentionTarget = z.infer<typeof retentionTargetSchema>;

export const retentionTriggers = [
  'created', // the record's creation (an activity: when it happened)
  'last_activity', // a contact's latest activity, or its creation if it has none
  'consent_withdrawn', // the latest withdrawal of consent for the policy's purposes
  'consent_expired', // the latest expiry of consent for the policy's purposes
  'contract_end', // the close of a contact's last deal, once one was won and none is open
  'request_closed', // a data-subject request's closing
] as const;
export const retentionTriggerSchema = z.enum(retentionTriggers);
export type RetentionTrigger = z.infer<typeof retentionTriggerSchema>;

export const retentionActions = [
  'delete_fields', // a contact's fields of the policy's categories are emptied; the person stays
  'delete_record', // an activity or a request is deleted and its key shredded
  'crypto_shred', // the person is erased by the erasure workflow: records deleted, keys shredded, certificate
  'anonymise', // a statistical record without identifiers is kept (dates to month, places to country), then as crypto_shred
] as const;
export const retentionActionSchema = z.enum(retentionActions);
export type RetentionAction = z.infer<typeof retentionActionSchema>;

/** What each target allows, so a policy cannot name a trigger or action meaningless for its records. */
export const triggersOf = {
  contact: ['created', 'last_activity', 'consent_withdrawn', 'consent_expired', 'contract_end'],
  activity: ['created'],
  request: ['created', 'request_closed'],
  audit_entry: ['created'],
} as const satisfies Record<RetentionTarget, readonly RetentionTrigger[]>;
export const actionsOf = {
  contact: ['delete_fields', 'crypto_shred', 'anonymise'],
  activity: ['delete_record'],
  request: ['delete_record'],
  // The oldest sealed entries are pruned as a prefix of the chain, behind a signed checkpoint.
  audit_entry: ['delete_record'],
} as const satisfies Record<RetentionTarget, readonly RetentionAction[]>;

export const periodUnits = ['days', 'months', 'years'] as const;
export const retentionPeriodSchema = z.object({
  amount: z.number().int().min(1).max(1200),
  unit: z.enum(periodUnits),
});
export type RetentionPeriod = z.infer<typeof retentionPeriodSchema>;

/** A period in whole months, rounding days down (30 days ≈ 0 months), to compare with legal minimums. */
export const monthsOf = (p: RetentionPeriod): number =>
  p.unit === 'years' ? p.amount * 12 : p.unit === 'months' ? p.amount : Math.floor(p.amount / 30.4375);

export const retentionPolicySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  target: retentionTargetSchema,
  trigger: retentionTriggerSchema,
  period: retentionPeriodSchema,
  action: retentionActionSchema,
  /** The purposes whose data the policy ends; for consent triggers, whose consent counts. */
  purposes: z.array(purposeSchema),
  /** Contacts only: the lifecycle stages the policy applies to; empty means all. */
  lifecycleStages: z.array(lifecycleStageSchema),
  /** `delete_fields`: the catalog categories whose fields are emptied. */
  categories: z.array(dataCategorySchema),
  /** Contacts only: apply only to people with no consent given or pending for any purpose. */
  onlyWithoutConsent: z.boolean(),
  exemptions: z.object({
    /** Contacts carrying any of these tags are left alone. */
    tagIds: z.array(z.uuid()),
    /** Contacts in an open deal are left alone. */
    openDeals: z.boolean(),
  }),
  /** Why the policy may end a legal obligation's data sooner than the law's minimum; null when it does not. */
  shortenedReason: z.string().nullable(),
  enabled: z.boolean(),
  /** Shipped with Custodian (editable, like any other). */
  shipped: z.boolean(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

const policyFields = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  target: retentionTargetSchema,
  trigger: retentionTriggerSchema,
  period: retentionPeriodSchema,
  action: retentionActionSchema,
  purposes: z
    .array(purposeSchema)
    .max(20)
    .refine((p) => new Set(p).size === p.length, 'name each purpose once')
    .default([]),
  lifecycleStages: z
    .array(lifecycleStageSchema)
    .refine((s) => new Set(s).size === s.length, 'name each stage once')
    .default([]),
  categories: z
    .array(dataCategorySchema)
    .refine((c) => new Set(c).size === c.length, 'name each category once')
    .default([]),
  onlyWithoutConsent: z.boolean().default(false),
  exemptions: z
    .object({ tagIds: z.array(z.uuid()).max(50).default([]), openDeals: z.boolean().default(false) })
    .default({ tagIds: [], openDeals: false }),
  shortenedReason: z.string().trim().min(1).max(1000).nullable().default(null),
  enabled: z.boolean().default(true),
});

type PolicyShape = z.infer<typeof policyFields>;

/** Checks that hold within one policy; the legal minimums (data) are checked by the server. */
export function policyIssues(p: PolicyShape): { field: string; issue: string }[] {
  const issues: { field: string; issue: string }[] = [];
  if (!(triggersOf[p.target] as readonly string[]).includes(p.trigger))
    issues.push({
      field: 'trigger',
      issue: `must be one of ${triggersOf[p.target].join(', ')} for ${p.target}`,
    });
  if (!(actionsOf[p.target] as readonly string[]).includes(p.action))
    issues.push({
      field: 'action',
      issue: `must be one of ${actionsOf[p.target].join(', ')} for ${p.target}`,
    });
  if ((p.trigger === 'consent_withdrawn' || p.trigger === 'consent_expired') && p.purposes.length === 0)
    issues.push({ field: 'purposes', issue: 'name the purposes whose consent starts the clock' });
  if (p.action === 'delete_fields' && p.categories.length === 0)
    issues.push({ field: 'categories', issue: 'name the categories whose fields are emptied' });
  if (p.action !== 'delete_fields' && p.categories.length > 0)
    issues.push({ field: 'categories', issue: 'only for delete_fields' });
  if (p.target !== 'contact' && p.lifecycleStages.length > 0)
    issues.push({ field: 'lifecycleStages', issue: 'only for contacts' });
  if (p.target !== 'contact' && p.onlyWithoutConsent)
    issues.push({ field: 'onlyWithoutConsent', issue: 'only for contacts' });
  if (p.target !== 'contact' && (p.exemptions.tagIds.length > 0 || p.exemptions.openDeals))
    issues.push({ field: 'exemptions', issue: 'only for contacts' });
  return issues;
}

const withPolicyIssues = (p: PolicyShape, ctx: z.RefinementCtx) => {
  for (const i of policyIssues(p)) ctx.addIssue({ code: 'custom', path: [i.field], message: i.issue });
};

export const createRetentionPolicyBody = policyFields.superRefine(withPolicyIssues);
export type CreateRetentionPolicyInput = z.infer<typeof createRetentionPolicyBody>;

/** A change names only what changes; the merged policy is checked as a whole. */
export const updateRetentionPolicyBody = z
  .object({
    name: policyFields.shape.name,
    description: z.string().trim().max(2000),
    trigger: retentionTriggerSchema,
    period: retentionPeriodSchema,
    action: retentionActionSchema,
    purposes: policyFields.shape.purposes.unwrap(),
    lifecycleStages: policyFields.shape.lifecycleStages.unwrap(),
    categories: policyFields.shape.categories.unwrap(),
    onlyWithoutConsent: z.boolean(),
    exemptions: z.object({ tagIds: z.array(z.uuid()).max(50), openDeals: z.boolean() }),
    shortenedReason: z.string().trim().min(1).max(1000).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateRetentionPolicyInput = z.infer<typeof updateRetentionPolicyBody>;

/** One record the sweep would handle (or did), and why. */
export const retentionItemSchema = z.object({
  policyId: z.uuid(),
  target: retentionTargetSchema,
  id: z.uuid(),
  action: retentionActionSchema,
  trigger: retentionTriggerSchema,
  triggeredAt: isoDateTime,
  dueAt: isoDateTime,
});
export type RetentionItem = z.infer<typeof retentionItemSchema>;

export const retentionPolicyReportSchema = z.object({
  policyId: z.uuid(),
  name: z.string(),
  target: retentionTargetSchema,
  action: retentionActionSchema,
  trigger: retentionTriggerSchema,
  /** Records past their date that would be handled. */
  due: z.number().int(),
  /** Records past their date but under an active legal hold: skipped. */
  held: z.number().int(),
  /** Records past their date but exempt by the policy's exemptions: skipped. */
  exempt: z.number().int(),
  oldestTriggeredAt: isoDateTime.nullable(),
  /** Per catalog category: how many of the due records hold data of it that would go. */
  categories: z.array(z.object({ category: dataCategorySchema, records: z.number().int() })),
});
export type RetentionPolicyReport = z.infer<typeof retentionPolicyReportSchema>;

export const retentionPreviewSchema = z.object({
  asOf: isoDateTime,
  policies: z.array(retentionPolicyReportSchema),
  /** The records themselves, per policy in id order, up to `limit` (audit entries are counted, not listed). */
  items: z.array(retentionItemSchema),
  itemsTruncated: z.boolean(),
});
export type RetentionPreview = z.infer<typeof retentionPreviewSchema>;

export const retentionRunStatuses = ['running', 'completed', 'failed'] as const;
export const retentionRunSchema = z.object({
  id: z.uuid(),
  status: z.enum(retentionRunStatuses),
  origin: z.enum(['schedule', 'cli', 'api']),
  asOf: isoDateTime,
  startedAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
  batches: z.number().int(),
  /** Records handled, per policy; a record is handled at most once per run, even across a restart. */
  policies: z.array(
    z.object({
      policyId: z.uuid(),
      done: z.number().int(),
      held: z.number().int(),
      exempt: z.number().int(),
      failed: z.number().int(),
    }),
  ),
});
export type RetentionRun = z.infer<typeof retentionRunSchema>;

export const listRetentionPolicies = defineEndpoint({
  method: 'GET',
  path: '/api/v1/retention/policies',
  summary: 'The retention policies: target, trigger, period, action, scope and exemptions',
  tags: ['privacy'],
  access: requires('retention:read'),
  response: { 200: z.object({ items: z.array(retentionPolicySchema) }) },
});
export const getRetentionPolicy = defineEndpoint({
  method: 'GET',
  path: '/api/v1/retention/policies/:id',
  summary: 'One retention policy',
  tags: ['privacy'],
  access: requires('retention:read'),
  params: idParams,
  response: { 200: retentionPolicySchema },
});
export const createRetentionPolicy = defineEndpoint({
  method: 'POST',
  path: '/api/v1/retention/policies',
  summary:
    'Create a retention policy. A policy ending a legal obligation’s data sooner than the purpose’s legal minimum needs `shortenedReason`.',
  tags: ['privacy'],
  access: requires('retention:manage'),
  body: createRetentionPolicyBody,
  response: { 201: retentionPolicySchema },
});
export const updateRetentionPolicy = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/retention/policies/:id',
  summary: 'Change a retention policy; the result is checked as a whole',
  tags: ['privacy'],
  access: requires('retention:manage'),
  params: idParams,
  body: updateRetentionPolicyBody,
  response: { 200: retentionPolicySchema },
});
export const deleteRetentionPolicy = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/retention/policies/:id',
  summary: 'Delete a retention policy (past runs keep their counts)',
  tags: ['privacy'],
  access: requires('retention:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});

export const previewRetentionBody = z.object({
  asOf: isoDateTime
    .optional()
    .describe('evaluate as of this time (default now); a later time shows what will fall due by then'),
  policyIds: z
    .array(z.uuid())
    .max(100)
    .optional()
    .describe('only these policies (default: every enabled one)'),
  limit: z.number().int().min(0).max(10_000).default(1000).describe('how many records to list'),
});
export const previewRetention = defineEndpoint({
  method: 'POST',
  path: '/api/v1/retention/preview',
  summary:
    'What the sweep would do now, changing nothing: per policy the records due, held and exempt, the oldest trigger date and the data categories that would go, and the records themselves',
  tags: ['privacy'],
  access: requires('retention:read'),
  body: previewRetentionBody,
  response: { 200: retentionPreviewSchema },
});
export const listRetentionRuns = defineEndpoint({
  method: 'GET',
  path: '/api/v1/retention/runs',
  summary: 'The latest sweeps, newest first, with what each handled per policy',
  tags: ['privacy'],
  access: requires('retention:read'),
  querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  response: { 200: z.object({ items: z.array(retentionRunSchema) }) },
});

export const startRetentionRun = defineEndpoint({
  method: 'POST',
  path: '/api/v1/retention/runs',
  summary:
    'Queue a sweep now (it also runs on RETENTION_SCHEDULE); a sweep cut off earlier is resumed. Watch it in GET /api/v1/retention/runs.',
  tags: ['privacy'],
  access: requires('retention:manage'),
  body: z.object({}).strict(),
  response: { 202: z.object({ queued: z.literal(true) }) },
});
