import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { contactSorts, lifecycleStageSchema } from './contacts.js';
import { defineEndpoint, requires } from './endpoint.js';

/** The columns the contacts list can show; `name` is always shown (it opens the contact). */
export const contactColumns = [
  'email',
  'phone',
  'stage',
  'tags',
  'jobTitle',
  'company',
  'source',
  'lastActivity',
  'createdAt',
] as const;
export const contactColumnSchema = z.enum(contactColumns);
export type ContactColumn = z.infer<typeof contactColumnSchema>;
export const defaultContactColumns: readonly ContactColumn[] = ['email', 'stage', 'tags', 'lastActivity'];

/**
 * The structural filters of the contacts list a view keeps. Never the free-text search: it may name a
 * person, and a view is kept for good.
 */
export const savedViewFiltersSchema = z
  .object({
    lifecycleStage: lifecycleStageSchema,
    tag: z.string().trim().min(1).max(50),
    ownerId: z.uuid(),
    companyId: z.uuid(),
  })
  .partial()
  .strict();
export type SavedViewFilters = z.infer<typeof savedViewFiltersSchema>;

const viewFields = {
  name: z.string().trim().min(1).max(100),
  filters: savedViewFiltersSchema,
  columns: z
    .array(contactColumnSchema)
    .max(contactColumns.length)
    .refine((c) => new Set(c).size === c.length, { message: 'columns must differ' }),
  sort: z.enum(contactSorts),
};

export const createSavedViewBody = z.object(viewFields).strict();
export type CreateSavedViewInput = z.infer<typeof createSavedViewBody>;
export const updateSavedViewBody = z
  .object(viewFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateSavedViewInput = z.infer<typeof updateSavedViewBody>;

export const savedViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  filters: savedViewFiltersSchema,
  columns: z.array(contactColumnSchema),
  sort: z.enum(contactSorts),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type SavedView = z.infer<typeof savedViewSchema>;

const summary =
  'Saved views of the contacts list belong to the signed-in user; another user’s view answers 404.';

export const listSavedViews = defineEndpoint({
  method: 'GET',
  path: '/api/v1/views',
  summary: `Your saved views of the contacts list, by name. ${summary}`,
  tags: ['views'],
  access: requires('contacts:read'),
  response: { 200: z.object({ items: z.array(savedViewSchema) }) },
});
export const getSavedView = defineEndpoint({
  method: 'GET',
  path: '/api/v1/views/:id',
  summary: `One of your saved views. ${summary}`,
  tags: ['views'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: savedViewSchema },
});
export const createSavedView = defineEndpoint({
  method: 'POST',
  path: '/api/v1/views',
  summary:
    'Save the contacts list’s structural filters (stage, tag, owner, company), columns and order as a view of your own. The free-text search is never saved; a name that holds an identifier is refused.',
  tags: ['views'],
  access: requires('contacts:read'),
  body: createSavedViewBody,
  response: { 201: savedViewSchema },
});
export const updateSavedView = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/views/:id',
  summary: `Change one of your saved views; the fields sent replace the stored ones. ${summary}`,
  tags: ['views'],
  access: requires('contacts:read'),
  params: idParams,
  body: updateSavedViewBody,
  response: { 200: savedViewSchema },
});
export const deleteSavedView = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/views/:id',
  summary: `Delete one of your saved views. ${summary}`,
  tags: ['views'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 204: emptyResponse },
});
