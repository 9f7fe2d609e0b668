import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { permissionSchema } from './permissions.js';

export const apiTokenSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  scopes: z.array(permissionSchema),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const maxTokenLifetimeDays = 730;

export const createTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(permissionSchema).min(1).max(50),
  expiresInDays: z.number().int().min(1).max(maxTokenLifetimeDays).default(90),
  userId: z.uuid().optional().describe('Create for another user (needs tokens:all)'),
});
export type CreateTokenInput = z.infer<typeof createTokenBody>;

export const listTokens = defineEndpoint({
  method: 'GET',
  path: '/api/v1/tokens',
  summary: 'List API tokens: your own, or everyone’s with tokens:all and `all=true`',
  tags: ['tokens'],
  access: requires('tokens:own'),
  querystring: z.object({
    all: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  }),
  response: { 200: z.object({ items: z.array(apiTokenSchema) }) },
});

export const createToken = defineEndpoint({
  method: 'POST',
  path: '/api/v1/tokens',
  summary:
    'Create an API token for `Authorization: Bearer`. The secret is returned once and stored only as a keyed hash.',
  tags: ['tokens'],
  access: requires('tokens:own'),
  body: createTokenBody,
  response: { 201: z.object({ token: apiTokenSchema, secret: z.string() }) },
});

export const revokeToken = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/tokens/:id',
  summary: 'Revoke an API token',
  tags: ['tokens'],
  access: requires('tokens:own'),
  params: idParams,
  response: { 204: emptyResponse },
});
