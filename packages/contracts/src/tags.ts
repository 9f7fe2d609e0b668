import { z } from 'zod';
import { defineEndpoint, requires } from './endpoint.js';

/** A workspace-wide label on contacts (never a person's name: tag names are not personal data). */
export const tagSchema = z.object({ id: z.uuid(), name: z.string() });
export type Tag = z.infer<typeof tagSchema>;

export const listTags = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tags',
  summary:
    'Every tag, by name: what segment conditions, scoring rules and retention exemptions refer to by id',
  tags: ['contacts'],
  access: requires('contacts:read'),
  response: { 200: z.object({ items: z.array(tagSchema) }) },
});
