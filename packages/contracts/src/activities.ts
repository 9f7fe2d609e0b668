import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';

export const activityTypes = ['note', 'call', 'meeting', 'email'] as const;
export const activityTypeSchema = z.enum(activityTypes);
export const activityDirections = ['inbound', 'outbound'] as const;

const activityFields = {
  type: activityTypeSchema,
  subject: z.string().trim().min(1).max(200).nullable(),
  body: z.string().max(20_000).nullable(),
  occurredAt: isoDateTime,
  durationMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .nullable(),
  direction: z.enum(activityDirections).nullable(),
  /** The people the activity is about. */
  contactIds: z.array(z.uuid()).max(50),
  companyId: z.uuid().nullable(),
  dealId: z.uuid().nullable(),
};

/** Every field of an activity as written (imports check a CSV row's fields against it). */
export const activityFieldsSchema = z.object(activityFields);

export const createActivityBody = z
  .object(activityFields)
  .partial()
  .required({ type: true })
  .refine((b) => (b.contactIds?.length ?? 0) > 0 || b.companyId || b.dealId, {
    message: 'an activity is linked to at least one contact, a company or a deal',
    path: ['contactIds'],
  });
export type CreateActivityInput = z.infer<typeof createActivityBody>;
export const updateActivityBody = z
  .object(activityFields)
  .omit({ type: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateActivityInput = z.infer<typeof updateActivityBody>;

export const activitySchema = z.object({
  id: z.uuid(),
  type: activityTypeSchema,
  subject: z.string().nullable(),
  body: z.string().nullable(),
  occurredAt: isoDateTime,
  durationMinutes: z.number().int().nullable(),
  direction: z.enum(activityDirections).nullable(),
  contactIds: z.array(z.uuid()),
  companyId: z.uuid().nullable(),
  dealId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  restricted: z.array(z.string()),
});
export type Activity = z.infer<typeof activitySchema>;

export const listActivitiesQuery = pageQuery.extend({
  contactId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  dealId: z.uuid().optional(),
  type: activityTypeSchema.optional(),
});
export type ListActivitiesQuery = z.infer<typeof listActivitiesQuery>;

export const listActivities = defineEndpoint({
  method: 'GET',
  path: '/api/v1/activities',
  summary: 'List activities, most recent first (filter by contact for a timeline)',
  tags: ['activities'],
  access: requires('activities:read'),
  querystring: listActivitiesQuery,
  response: { 200: pageOf(activitySchema) },
});
export const contactTimeline = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/activities',
  summary: 'The timeline of one contact: its activities, most recent first',
  tags: ['activities'],
  access: requires('activities:read'),
  params: idParams,
  querystring: pageQuery,
  response: { 200: pageOf(activitySchema) },
});
export const getActivity = defineEndpoint({
  method: 'GET',
  path: '/api/v1/activities/:id',
  summary: 'Get one activity',
  tags: ['activities'],
  access: requires('activities:read'),
  params: idParams,
  response: { 200: activitySchema },
});
export const createActivity = defineEndpoint({
  method: 'POST',
  path: '/api/v1/activities',
  summary:
    'Record a note, call, meeting or e-mail. Subject and body are encrypted under a key of the activity itself, so erasing one of several people it concerns leaves it readable for the others.',
  tags: ['activities'],
  access: requires('activities:write'),
  body: createActivityBody,
  response: { 201: activitySchema },
});
export const updateActivity = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/activities/:id',
  summary: 'Change an activity',
  tags: ['activities'],
  access: requires('activities:write'),
  params: idParams,
  body: updateActivityBody,
  response: { 200: activitySchema },
});
export const deleteActivity = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/activities/:id',
  summary: 'Delete an activity and destroy its key',
  tags: ['activities'],
  access: requires('activities:write'),
  params: idParams,
  response: { 204: emptyResponse },
});
