import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * Data protection impact assessments (GDPR Art. 35): what the processing is, why it is necessary and
 * proportionate, its risks to people (likelihood × severity, before and after measures), the DPO's advice
 * (35(2)), sign-off and a review date (35(11)); prior consultation of the authority where a high risk remains
 * (Art. 36).
 */
export const dpiaStatuses = ['draft', 'signed_off'] as const;

/** 1 negligible/remote … 4 maximum: the four-level scales of the CNIL PIA method. */
export const riskScale = z.number().int().min(1).max(4);
export const riskLevels = ['low', 'medium', 'high', 'very_high'] as const;
export type RiskLevel = (typeof riskLevels)[number];

/** Likelihood × severity, 1–16, into four levels: 1–2 low, 3–4 medium, 6–8 high, 9–16 very high. */
export function riskLevelOf(likelihood: number, severity: number): RiskLevel {
  const score = likelihood * severity;
  return score <= 2 ? 'low' : score <= 4 ? 'medium' : score <= 8 ? 'high' : 'very_high';
}

const text = (max: number) => z.string().trim().min(1).max(max);

export const dpiaRiskInput = z.object({
  description: text(1000).describe('What could happen to people, and from which source'),
  likelihood: riskScale,
  severity: riskScale,
  measures: z.array(text(500)).max(30).default([]).describe('The measures that address this risk'),
  residualLikelihood: riskScale.describe('After the measures'),
  residualSeverity: riskScale.describe('After the measures'),
});
export const dpiaRiskSchema = dpiaRiskInput.extend({
  measures: z.array(z.string()),
  level: z.enum(riskLevels),
  residualLevel: z.enum(riskLevels),
});

/** Counts of risks per cell: rows are likelihood 1–4, columns severity 1–4. */
const matrix = z.array(z.array(z.number().int()).length(4)).length(4);

export const dpiaSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  purposes: z.array(purposeSchema),
  description: z.string().describe('Systematic description of the processing and its purposes (35(7)(a))'),
  necessity: z.string().describe('Why the processing is necessary for the purposes (35(7)(b))'),
  proportionality: z.string().describe('Why it is proportionate: minimisation, retention, rights (35(7)(b))'),
  risks: z.array(dpiaRiskSchema),
  measures: z.string().describe('Measures envisaged overall: safeguards, security, compliance (35(7)(d))'),
  matrix: z.object({ inherent: matrix, residual: matrix }),
  residualRisk: z.enum(riskLevels).nullable().describe('The highest residual level of any risk'),
  /** Art. 36(1): a high residual risk needs the authority consulted before processing starts. */
  priorConsultationRequired: z.boolean(),
  priorConsultation: z.object({ at: isoDateTime, reference: z.string() }).nullable(),
  dpoAdvice: z
    .object({
      text: z.string(),
      by: z.uuid(),
      at: isoDateTime,
      followed: z.boolean(),
      reason: z.string().nullable(),
    })
    .nullable(),
  status: z.enum(dpiaStatuses),
  signedOff: z.object({ by: z.uuid(), at: isoDateTime }).nullable(),
  reviewAt: z.iso.date().nullable(),
  reviewDue: z.boolean(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Dpia = z.infer<typeof dpiaSchema>;

const dpiaFields = {
  title: text(200),
  purposes: z.array(purposeSchema).min(1).max(20),
  description: z.string().trim().max(8000),
  necessity: z.string().trim().max(8000),
  proportionality: z.string().trim().max(8000),
  risks: z.array(dpiaRiskInput).max(50),
  measures: z.string().trim().max(8000),
};
export const createDpiaBody = z.object({
  ...dpiaFields,
  description: dpiaFields.description.default(''),
  necessity: dpiaFields.necessity.default(''),
  proportionality: dpiaFields.proportionality.default(''),
  risks: dpiaFields.risks.default([]),
  measures: dpiaFields.measures.default(''),
});
export type CreateDpiaInput = z.infer<typeof createDpiaBody>;
/** Any change to a signed-off assessment returns it to draft: it must be advised on and signed off again. */
export const updateDpiaBody = z
  .object(dpiaFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateDpiaInput = z.infer<typeof updateDpiaBody>;

export const dpoAdviceBody = z
  .object({
    text: text(8000),
    followed: z.boolean().default(true),
    reason: text(4000).optional().describe('Required when the advice is not followed'),
  })
  .refine((b) => b.followed || b.reason, { path: ['reason'], message: 'say why the advice is not followed' });
export const signOffDpiaBody = z.object({
  reviewAt: z.iso.date().describe('When the assessment is reviewed next (Art. 35(11))'),
  priorConsultation: z
    .object({ at: isoDateTime, reference: text(200) })
    .optional()
    .describe('Required when a high residual risk remains (Art. 36)'),
});

export const listDpias = defineEndpoint({
  method: 'GET',
  path: '/api/v1/dpias',
  summary: 'Data protection impact assessments (Art. 35)',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  response: { 200: z.object({ items: z.array(dpiaSchema) }) },
});
export const getDpia = defineEndpoint({
  method: 'GET',
  path: '/api/v1/dpias/:id',
  summary: 'One impact assessment with its risk matrix',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  params: idParams,
  response: { 200: dpiaSchema },
});
export const createDpia = defineEndpoint({
  method: 'POST',
  path: '/api/v1/dpias',
  summary: 'Start an impact assessment for one or more purposes',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  body: createDpiaBody,
  response: { 201: dpiaSchema },
});
export const updateDpia = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/dpias/:id',
  summary: 'Change an assessment; a signed-off one returns to draft and needs advice and sign-off again',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  params: idParams,
  body: updateDpiaBody,
  response: { 200: dpiaSchema },
});
export const giveDpoAdvice = defineEndpoint({
  method: 'POST',
  path: '/api/v1/dpias/:id/dpo-advice',
  summary: 'The DPO’s advice (Art. 35(2)); only a user with the dpo role can give it',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  params: idParams,
  body: dpoAdviceBody,
  response: { 200: dpiaSchema },
});
export const signOffDpia = defineEndpoint({
  method: 'POST',
  path: '/api/v1/dpias/:id/sign-off',
  summary:
    'Sign the assessment off: needs a description, necessity and proportionality, at least one risk, the DPO’s advice, a review date, and the authority consulted where a high risk remains',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  params: idParams,
  body: signOffDpiaBody,
  response: { 200: dpiaSchema },
});

/** WP248 rev.01 criteria that can be read off the data model; the others need a person's judgement. */
export const screeningCriteria = [
  'sensitive_data',
  'vulnerable_subjects',
  'evaluation_or_scoring',
  'automated_decisions',
  'large_scale',
  'systematic_monitoring',
] as const;
export const dpiaScreeningSchema = z.object({
  largeScaleThreshold: z.number().int(),
  purposes: z.array(
    z.object({
      purpose: purposeSchema,
      name: z.string(),
      people: z.number().int().describe('People whose data the purpose may process today'),
      criteria: z.array(z.object({ criterion: z.enum(screeningCriteria), evidence: z.string() })),
      /**
       * `required`: two or more criteria (WP248); `proposed`: special categories, children's data, profiling or
       * large-scale monitoring alone, open special-category scanner findings in fields it uses, or a legal
       * obligation meeting two or more criteria (Art. 35(10)); `not_indicated` otherwise.
       */
      recommendation: z.enum(['required', 'proposed', 'not_indicated']),
      /** Art. 35(10): a purpose whose basis is a legal obligation may be covered by the law's own assessment. */
      note: z.string().nullable(),
      /** Open scanner findings of special categories in fields this purpose uses: data nobody classified. */
      scannerFindings: z.object({ open: z.number().int(), link: z.string() }),
      assessments: z.array(
        z.object({ id: z.uuid(), title: z.string(), status: z.enum(dpiaStatuses), reviewDue: z.boolean() }),
      ),
      covered: z.boolean().describe('A signed-off assessment covers the purpose and its review is not due'),
    }),
  ),
});
export type DpiaScreening = z.infer<typeof dpiaScreeningSchema>;
export const screenDpias = defineEndpoint({
  method: 'GET',
  path: '/api/v1/dpias/screening',
  summary:
    'Which purposes need an impact assessment: special categories, children’s data, profiling, automated decisions, scale and monitoring read off the catalog, purposes, consents and scanner findings',
  tags: ['accountability'],
  access: requires('dpias:manage'),
  response: { 200: dpiaScreeningSchema },
});
