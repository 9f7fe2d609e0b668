import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { customValueSchema, customValuesSchema } from './custom-fields.js';
import { defineEndpoint, requires } from './endpoint.js';

export const stageKinds = ['open', 'won', 'lost'] as const;
const stageInput = z.object({
  /** Present to keep (and rename or move) an existing stage; absent for a new one. */
  id: z.uuid().optional(),
  name: z.string().trim().min(1).max(100),
  /** Likelihood of winning a deal in this stage, in percent. */
  probability: z.number().int().min(0).max(100),
  kind: z.enum(stageKinds).default('open'),
});
export const pipelineBody = z.object({
  name: z.string().trim().min(1).max(100),
  /** In board order. At least one open stage; won and lost stages close a deal. */
  stages: z
    .array(stageInput)
    .min(1)
    .max(30)
    .refine((s) => s.some((x) => x.kind === 'open'), { message: 'needs at least one open stage' })
    .refine((s) => new Set(s.map((x) => x.name.toLowerCase())).size === s.length, {
      message: 'stage names must differ',
    }),
});
export type PipelineInput = z.infer<typeof pipelineBody>;

export const stageSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  probability: z.number().int(),
  kind: z.enum(stageKinds),
  position: z.number().int(),
});
export const pipelineSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  stages: z.array(stageSchema),
  createdAt: isoDateTime,
});
export type Pipeline = z.infer<typeof pipelineSchema>;

export const listPipelines = defineEndpoint({
  method: 'GET',
  path: '/api/v1/pipelines',
  summary: 'List deal pipelines with their stages',
  tags: ['deals'],
  access: requires('deals:read'),
  response: { 200: z.object({ items: z.array(pipelineSchema) }) },
});
export const createPipeline = defineEndpoint({
  method: 'POST',
  path: '/api/v1/pipelines',
  summary: 'Create a pipeline',
  tags: ['deals'],
  access: requires('pipelines:manage'),
  body: pipelineBody,
  response: { 201: pipelineSchema },
});
export const updatePipeline = defineEndpoint({
  method: 'PUT',
  path: '/api/v1/pipelines/:id',
  summary:
    'Replace a pipeline’s name and stages. Stages sent with their id are kept; a stage left out is removed, which is refused while deals are in it.',
  tags: ['deals'],
  access: requires('pipelines:manage'),
  params: idParams,
  body: pipelineBody,
  response: { 200: pipelineSchema },
});

/** ISO 4217 currency and an amount in minor units (cents), so no rounding ever happens. */
const dealFields = {
  title: z.string().trim().min(1).max(200),
  pipelineId: z.uuid(),
  stageId: z.uuid(),
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .nullable(),
  expectedCloseDate: z.iso.date().nullable(),
  ownerId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  contactIds: z.array(z.uuid()).max(50),
  /** Deals' custom fields are business data, never personal. */
  customFields: customValuesSchema,
};
const amountWithCurrency = (b: { amountMinor?: number | null; currency?: string | null }) =>
  b.amountMinor === undefined || b.amountMinor === null || !!b.currency;

export const createDealBody = z
  .object(dealFields)
  .partial()
  .required({ title: true, pipelineId: true, stageId: true })
  .refine(amountWithCurrency, { message: 'an amount needs a currency', path: ['currency'] });
export type CreateDealInput = z.infer<typeof createDealBody>;
export const updateDealBody = z
  .object(dealFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateDealInput = z.infer<typeof updateDealBody>;

export const dealSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  pipelineId: z.uuid(),
  stageId: z.uuid(),
  status: z.enum(stageKinds),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  expectedCloseDate: z.string().nullable(),
  closedAt: isoDateTime.nullable(),
  ownerId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  contactIds: z.array(z.uuid()),
  customFields: z.record(z.string(), customValueSchema),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Deal = z.infer<typeof dealSchema>;

export const listDealsQuery = pageQuery.extend({
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  status: z.enum(stageKinds).optional(),
  ownerId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  contactId: z.uuid().optional(),
});
export type ListDealsQuery = z.infer<typeof listDealsQuery>;

export const listDeals = defineEndpoint({
  method: 'GET',
  path: '/api/v1/deals',
  summary: 'List deals, newest first',
  tags: ['deals'],
  access: requires('deals:read'),
  querystring: listDealsQuery,
  response: { 200: pageOf(dealSchema) },
});
export const getDeal = defineEndpoint({
  method: 'GET',
  path: '/api/v1/deals/:id',
  summary: 'Get one deal',
  tags: ['deals'],
  access: requires('deals:read'),
  params: idParams,
  response: { 200: dealSchema },
});
export const createDeal = defineEndpoint({
  method: 'POST',
  path: '/api/v1/deals',
  summary: 'Create a deal in a pipeline stage',
  tags: ['deals'],
  access: requires('deals:write'),
  body: createDealBody,
  response: { 201: dealSchema },
});
export const updateDeal = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/deals/:id',
  summary: 'Change a deal; moving it to a won or lost stage closes it',
  tags: ['deals'],
  access: requires('deals:write'),
  params: idParams,
  body: updateDealBody,
  response: { 200: dealSchema },
});
export const deleteDeal = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/deals/:id',
  summary: 'Delete a deal',
  tags: ['deals'],
  access: requires('deals:write'),
  params: idParams,
  response: { 204: emptyResponse },
});
