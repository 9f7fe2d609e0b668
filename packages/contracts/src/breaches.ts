import { z } from 'zod';
import { impactActorSchema, impactAssessmentSchema } from './audit.js';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';

/**
 * The breach register (GDPR Art. 33–34): every personal-data breach is documented (33(5)), notified to the
 * authority within 72 hours of awareness unless unlikely to result in a risk (33(1)), with reasons for any
 * delay, and communicated to the people when the risk to them is high, save the exceptions of 34(3).
 */
export const breachRisks = ['unlikely', 'risk', 'high'] as const;
export const authorityDecisions = ['pending', 'notified', 'not_required'] as const;
export const peopleDecisions = ['pending', 'notified', 'not_required'] as const;
/** Art. 34(3)(a)–(c). */
export const peopleExceptions = ['unintelligible', 'risk_contained', 'disproportionate_effort'] as const;

export const breachSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  nature: z.string(),
  detectedAt: isoDateTime,
  /** When the controller became aware: the 72-hour clock starts here. */
  awareAt: isoDateTime,
  categories: z.array(dataCategorySchema),
  peopleApprox: z.number().int().nullable(),
  recordsApprox: z.number().int().nullable(),
  consequences: z.string(),
  measures: z.string(),
  risk: z.enum(breachRisks),
  authorityDecision: z.enum(authorityDecisions),
  authorityNotifiedAt: isoDateTime.nullable(),
  authorityReference: z.string().nullable(),
  decisionReason: z.string().nullable(),
  delayReason: z.string().nullable(),
  peopleDecision: z.enum(peopleDecisions),
  peopleException: z.enum(peopleExceptions).nullable(),
  peopleNotifiedAt: isoDateTime.nullable(),
  /** The last impact assessment from the audit trail (figures only; the people are listed by the audit endpoint). */
  impact: impactAssessmentSchema.omit({ affected: true, truncated: true }).nullable(),
  /** The people told about the breach (Art. 34), by how their notice went. */
  notices: z.object({
    queued: z.number().int(),
    sent: z.number().int(),
    noAddress: z.number().int(),
    erased: z.number().int(),
  }),
  /** awareAt + 72 hours, as an instant, and as read in the controller's TIME_ZONE. */
  authorityDeadline: isoDateTime,
  authorityDeadlineLocal: z.string(),
  /** While the authority decision is pending: hours left (negative once overdue); null once decided. */
  hoursLeft: z.number().nullable(),
  overdue: z.boolean(),
  /** A high risk to people and no decision about telling them yet (Art. 34(1)). */
  peopleDecisionDue: z.boolean(),
  closedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Breach = z.infer<typeof breachSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
const breachFields = {
  title: text(200),
  nature: text(4000),
  detectedAt: isoDateTime,
  awareAt: isoDateTime,
  categories: z.array(dataCategorySchema).max(20),
  peopleApprox: z.number().int().min(0).max(2_147_483_647).nullable(),
  recordsApprox: z.number().int().min(0).max(2_147_483_647).nullable(),
  consequences: z.string().trim().max(4000),
  measures: z.string().trim().max(4000),
  risk: z.enum(breachRisks),
};

export const recordBreachBody = z.object({
  ...breachFields,
  categories: breachFields.categories.default([]),
  peopleApprox: breachFields.peopleApprox.default(null),
  recordsApprox: breachFields.recordsApprox.default(null),
  consequences: breachFields.consequences.default(''),
  measures: breachFields.measures.default(''),
});
export type RecordBreachInput = z.infer<typeof recordBreachBody>;

/** Facts as they become known, and the decisions: checked as a whole against Art. 33 and 34. */
export const updateBreachBody = z
  .object({
    ...breachFields,
    authorityDecision: z.enum(authorityDecisions),
    authorityNotifiedAt: isoDateTime.nullable(),
    authorityReference: text(200).nullable(),
    decisionReason: text(2000).nullable(),
    delayReason: text(2000).nullable(),
    peopleDecision: z.enum(peopleDecisions),
    peopleException: z.enum(peopleExceptions).nullable(),
    peopleNotifiedAt: isoDateTime.nullable(),
    closed: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateBreachInput = z.infer<typeof updateBreachBody>;

export const listBreaches = defineEndpoint({
  method: 'GET',
  path: '/api/v1/breaches',
  summary: 'The breach register, open ones first by deadline, each with its 72-hour clock',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  response: { 200: z.object({ items: z.array(breachSchema) }) },
});
export const getBreach = defineEndpoint({
  method: 'GET',
  path: '/api/v1/breaches/:id',
  summary: 'One breach, with its clock',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  params: idParams,
  response: { 200: breachSchema },
});
export const recordBreach = defineEndpoint({
  method: 'POST',
  path: '/api/v1/breaches',
  summary:
    'Record a personal-data breach (every one, notified or not: Art. 33(5)); the 72-hour clock runs from awareAt and the DPOs are mailed as it runs down',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  body: recordBreachBody,
  response: { 201: breachSchema },
});
export const updateBreach = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/breaches/:id',
  summary:
    'Update the facts and record the decisions: the authority notified (with a reason for any delay past 72 hours) or not required (with the reason); the people told, or an Art. 34(3) exception',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  params: idParams,
  body: updateBreachBody,
  response: { 200: breachSchema },
});

export const assessBreachImpactBody = z
  .object({ actor: impactActorSchema, from: isoDateTime, to: isoDateTime })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { path: ['to'], message: 'must be after from' });
export const assessBreachImpact = defineEndpoint({
  method: 'POST',
  path: '/api/v1/breaches/:id/impact-assessment',
  summary:
    'Assess a breach from the audit trail: the people whose data the compromised account or token read or changed in the window. The figures are kept with the breach and fill in its approximate numbers and categories where still empty',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  params: idParams,
  body: assessBreachImpactBody,
  response: { 200: breachSchema },
});

const draftSchema = z.object({ subject: z.string(), text: z.string() });
export const breachDraftsSchema = z.object({
  /** Art. 33(3): what the notification to the supervisory authority must contain. */
  authority: draftSchema,
  /** Art. 34(2): in clear and plain language, for the people concerned. */
  people: draftSchema,
});
export type BreachDrafts = z.infer<typeof breachDraftsSchema>;
export const getBreachDrafts = defineEndpoint({
  method: 'GET',
  path: '/api/v1/breaches/:id/drafts',
  summary:
    'Draft notifications generated from the breach record: to the supervisory authority and to the people',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  params: idParams,
  response: { 200: breachDraftsSchema },
});

export const notifyBreachPeopleBody = z.object({
  subject: text(200).optional().describe('Defaults to the draft'),
  text: text(8000).optional().describe('Defaults to the draft'),
});
export const notifyBreachPeople = defineEndpoint({
  method: 'POST',
  path: '/api/v1/breaches/:id/notify-people',
  summary:
    'Tell the people affected (Art. 34): every contact the impact assessment found gets the message by mail, sent by a job; each notice is recorded',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  params: idParams,
  body: notifyBreachPeopleBody,
  response: {
    202: z.object({ queued: z.number().int(), alreadyQueued: z.number().int(), breach: breachSchema }),
  },
});
