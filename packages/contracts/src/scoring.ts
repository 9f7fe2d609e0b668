import { z } from 'zod';
import { activityTypeSchema } from './activities.js';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { refusalReasonSchema } from './consents.js';
import { contactSourceSchema, lifecycleStageSchema } from './contacts.js';
import { defineEndpoint, requires } from './endpoint.js';

/**
 * What a scoring rule looks at: a closed set of conditions over what is stored in clear (activity types and
 * times, stage, source, tags, deals) and over whether a field the catalog allows for profiling holds a value —
 * never over the value of an encrypted field.
 */
export const scoringConditionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('activity'),
      /** Activities of these types, linked to the person… */
      types: z.array(activityTypeSchema).min(1).max(4),
      /** …that happened within the last N days… */
      withinDays: z.number().int().min(1).max(3650),
      /** …each giving the rule's points, up to this many. */
      maxCount: z.number().int().min(1).max(100).default(1),
    })
    .strict(),
  z
    .object({ kind: z.literal('lifecycle_stage'), stages: z.array(lifecycleStageSchema).min(1).max(4) })
    .strict(),
  z.object({ kind: z.literal('source'), sources: z.array(contactSourceSchema).min(1).max(7) }).strict(),
  /** Carries at least one of these tags. */
  z.object({ kind: z.literal('tag'), tagIds: z.array(z.uuid()).min(1).max(50) }).strict(),
  z
    .object({
      kind: z.literal('field_present'),
      /** `jobTitle`, `firstName`, `lastName` or `customFields.<key>`: only fields the catalog allows for profiling. */
      field: z.string().regex(/^(firstName|lastName|jobTitle|customFields\.[a-z][a-z0-9_]{0,39})$/),
    })
    .strict(),
  /** In an open deal, optionally of one pipeline or at given stages. */
  z
    .object({
      kind: z.literal('open_deal'),
      pipelineId: z.uuid().optional(),
      stageIds: z.array(z.uuid()).min(1).max(50).optional(),
    })
    .strict(),
]);
export type ScoringCondition = z.infer<typeof scoringConditionSchema>;

export const scoringRuleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Points per match (per occurrence for activities); negative points lower the score. */
  points: z.number().int(),
  active: z.boolean(),
  condition: scoringConditionSchema,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type ScoringRule = z.infer<typeof scoringRuleSchema>;

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  points: z
    .number()
    .int()
    .min(-1000)
    .max(1000)
    .refine((p) => p !== 0, { message: 'must not be zero' }),
  active: z.boolean(),
  condition: scoringConditionSchema,
};
export const createScoringRuleBody = z
  .object({ ...ruleFields, active: ruleFields.active.default(true) })
  .strict();
export type CreateScoringRuleInput = z.infer<typeof createScoringRuleBody>;
export const updateScoringRuleBody = z
  .object(ruleFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateScoringRuleInput = z.infer<typeof updateScoringRuleBody>;

/** One line of a score's explanation: which rule gave how many points, and how often it matched. */
export const scoreExplanationItemSchema = z.object({
  ruleId: z.uuid(),
  ruleName: z.string(),
  /** The points this rule gave in total (its points × count). */
  points: z.number().int(),
  count: z.number().int(),
});
export type ScoreExplanationItem = z.infer<typeof scoreExplanationItemSchema>;

const masked = z.literal('[restricted]');

/**
 * A person's lead score as the caller may see it. `refused`: the processing guard refuses profiling them
 * now (any stored score was deleted); `not_scored`: allowed, but no score computed yet.
 */
export const leadScoreSchema = z.object({
  contactId: z.uuid(),
  status: z.enum(['scored', 'not_scored', 'refused']),
  reasons: z.array(refusalReasonSchema),
  score: z.union([z.number().int(), masked]).nullable(),
  explanation: z.union([z.array(scoreExplanationItemSchema), masked]).nullable(),
  computedAt: isoDateTime.nullable(),
  rulesVersion: z.string().nullable(),
  /** Fields masked for the caller (role or purpose): `score`, `explanation`. */
  restricted: z.array(z.string()),
});
export type LeadScore = z.infer<typeof leadScoreSchema>;

export const scoringRunSchema = z.object({
  id: z.uuid(),
  status: z.enum(['running', 'finished']),
  /** What started it: `api` (POST /api/v1/scoring/runs). */
  origin: z.string(),
  rulesVersion: z.string(),
  startedAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
  batches: z.number().int(),
  scored: z.number().int(),
  /** People the guard refused, by its first reason; their scores were deleted. */
  refused: z.record(z.string(), z.number().int()),
  /** Stored scores deleted because the guard refused. */
  deleted: z.number().int(),
});
export type ScoringRun = z.infer<typeof scoringRunSchema>;

const tags = ['scoring'];

export const listScoringRules = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scoring/rules',
  summary: 'The lead-scoring rules (the logic involved in profiling, GDPR Art. 15(1)(h))',
  tags,
  access: requires('contacts:read'),
  response: { 200: z.object({ items: z.array(scoringRuleSchema), rulesVersion: z.string() }) },
});
export const getScoringRule = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scoring/rules/:id',
  summary: 'One lead-scoring rule',
  tags,
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: scoringRuleSchema },
});
export const createScoringRule = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scoring/rules',
  summary: 'Add a lead-scoring rule (used from the next run)',
  tags,
  access: requires('scoring:manage'),
  body: createScoringRuleBody,
  response: { 201: scoringRuleSchema },
});
export const updateScoringRule = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/scoring/rules/:id',
  summary: 'Change a lead-scoring rule',
  tags,
  access: requires('scoring:manage'),
  params: idParams,
  body: updateScoringRuleBody,
  response: { 200: scoringRuleSchema },
});
export const deleteScoringRule = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/scoring/rules/:id',
  summary: 'Delete a lead-scoring rule',
  tags,
  access: requires('scoring:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});
export const startScoringRun = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scoring/runs',
  summary:
    'Score everyone the processing guard allows for profiling, as a background job (one at a time; a run cut off earlier is resumed); refused people’s scores are deleted',
  tags,
  access: requires('scoring:manage'),
  response: { 202: z.object({ queued: z.literal(true) }) },
});
export const listScoringRuns = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scoring/runs',
  summary: 'The latest scoring runs, newest first, with their counts',
  tags,
  access: requires('contacts:read'),
  querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  response: { 200: z.object({ items: z.array(scoringRunSchema) }) },
});
export const listTopScores = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scoring/scores',
  summary: 'The highest lead scores of people the guard allows for profiling now (the reads are audited)',
  tags,
  access: requires('contacts:read'),
  querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  response: {
    200: z.object({
      items: z.array(z.object({ contactId: z.uuid(), score: z.number().int(), computedAt: isoDateTime })),
      /** `score` when the caller's role or purpose may not see scores: the list is then empty, since even
       * the order would reveal them. */
      restricted: z.array(z.string()),
    }),
  },
});
export const getContactScore = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/score',
  summary:
    'A person’s lead score with its explanation, after asking the guard again (masked by role, audited)',
  tags,
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: leadScoreSchema },
});
export const scoreContact = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/:id/score',
  summary: 'Score one person now, if the guard allows profiling them (else any score is deleted)',
  tags,
  access: requires('scoring:manage'),
  params: idParams,
  response: { 200: leadScoreSchema },
});
