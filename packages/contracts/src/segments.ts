import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { consentStatuses } from './consents.js';
import { contactSchema, contactSources, lifecycleStageSchema } from './contacts.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * A segment: a saved filter over contacts, evaluated in the database. Personal fields are encrypted, so a
 * segment filters on what is stored in clear — stage, source, owner, company, dates, tags, deals, consent — and
 * on whether a personal field holds a value, never on the value itself.
 */
export const segmentFilterSchema = z
  .object({
    lifecycleStages: z.array(lifecycleStageSchema).min(1).max(4),
    sources: z.array(z.enum(contactSources)).min(1).max(7),
    ownerIds: z.array(z.uuid()).min(1).max(50),
    companyIds: z.array(z.uuid()).min(1).max(200),
    /** In at least one of these tags. */
    tagIds: z.array(z.uuid()).min(1).max(50),
    /** In none of these tags. */
    excludeTagIds: z.array(z.uuid()).min(1).max(50),
    createdFrom: isoDateTime,
    createdTo: isoDateTime,
    /** An activity within the last N days. */
    activeWithinDays: z.number().int().min(1).max(3650),
    /** No activity for N days (never active counts as inactive). */
    inactiveForDays: z.number().int().min(1).max(3650),
    /** In a deal at one of these pipeline stages. */
    dealStageIds: z.array(z.uuid()).min(1).max(50),
    /** The consent state for a purpose (`none`: never asked). */
    consent: z.object({ purpose: purposeSchema, statuses: z.array(z.enum(consentStatuses)).min(1).max(6) }),
    hasEmail: z.boolean(),
    /** Custom fields that hold a value. */
    customFieldsSet: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/))
      .min(1)
      .max(20),
  })
  .partial()
  .strict();
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

export const segmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  filter: segmentFilterSchema,
  /** Counted when the segment was read: segments are always evaluated live. */
  count: z.number().int(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Segment = z.infer<typeof segmentSchema>;

const segmentFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000),
  filter: segmentFilterSchema,
};
export const createSegmentBody = z.object({
  ...segmentFields,
  description: segmentFields.description.default(''),
});
export type CreateSegmentInput = z.infer<typeof createSegmentBody>;
export const updateSegmentBody = z
  .object(segmentFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateSegmentInput = z.infer<typeof updateSegmentBody>;

export const segmentPreviewSchema = z.object({
  count: z.number().int(),
  /** The first contacts by creation, masked for the caller as any contact read is. */
  items: z.array(contactSchema),
});
export const previewSegmentBody = z.object({
  filter: segmentFilterSchema,
  limit: z.number().int().min(0).max(50).default(10),
});

export const listSegments = defineEndpoint({
  method: 'GET',
  path: '/api/v1/segments',
  summary: 'Saved segments, each with its live count',
  tags: ['marketing'],
  access: requires('contacts:read'),
  response: { 200: z.object({ items: z.array(segmentSchema) }) },
});
export const getSegment = defineEndpoint({
  method: 'GET',
  path: '/api/v1/segments/:id',
  summary: 'One segment with its live count',
  tags: ['marketing'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: segmentSchema },
});
export const createSegment = defineEndpoint({
  method: 'POST',
  path: '/api/v1/segments',
  summary: 'Save a segment',
  tags: ['marketing'],
  access: requires('segments:manage'),
  body: createSegmentBody,
  response: { 201: segmentSchema },
});
export const updateSegment = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/segments/:id',
  summary: 'Change a segment’s name or filter',
  tags: ['marketing'],
  access: requires('segments:manage'),
  params: idParams,
  body: updateSegmentBody,
  response: { 200: segmentSchema },
});
export const deleteSegment = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/segments/:id',
  summary: 'Delete a segment',
  tags: ['marketing'],
  access: requires('segments:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});
export const previewSegment = defineEndpoint({
  method: 'POST',
  path: '/api/v1/segments/preview',
  summary: 'Count a filter and show its first contacts, before saving it (the reads are audited)',
  tags: ['marketing'],
  access: requires('contacts:read'),
  body: previewSegmentBody,
  response: { 200: segmentPreviewSchema },
});
