import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { roleSchema } from './permissions.js';

export const userStatusSchema = z.enum(['active', 'disabled']);

/** OWASP ASVS: at least 12 characters; long passphrases allowed; no composition rules. */
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');
export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const personNameSchema = z.string().trim().min(1).max(200);

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: userStatusSchema,
  mfaEnabled: z.boolean(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  lastLoginAt: isoDateTime.nullable(),
});
export type User = z.infer<typeof userSchema>;

export const createUserBody = z.object({
  email: emailSchema,
  name: personNameSchema,
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .object({
    email: emailSchema,
    name: personNameSchema,
    role: roleSchema,
    status: userStatusSchema,
    password: passwordSchema,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const listUsersQuery = pageQuery.extend({
  role: roleSchema.optional(),
  status: userStatusSchema.optional(),
});

export const listUsers = defineEndpoint({
  method: 'GET',
  path: '/api/v1/users',
  summary: 'List staff users',
  tags: ['users'],
  access: requires('users:read'),
  querystring: listUsersQuery,
  response: { 200: pageOf(userSchema) },
});

export const getUser = defineEndpoint({
  method: 'GET',
  path: '/api/v1/users/:id',
  summary: 'Get one staff user',
  tags: ['users'],
  access: requires('users:read'),
  params: idParams,
  response: { 200: userSchema },
});

export const createUser = defineEndpoint({
  method: 'POST',
  path: '/api/v1/users',
  summary: 'Create a staff user',
  tags: ['users'],
  access: requires('users:manage'),
  body: createUserBody,
  response: { 201: userSchema },
});

export const updateUser = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/users/:id',
  summary: 'Change a staff user (disabling one ends its sessions and revokes its tokens)',
  tags: ['users'],
  access: requires('users:manage'),
  params: idParams,
  body: updateUserBody,
  response: { 200: userSchema },
});

export const deleteUser = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/users/:id',
  summary:
    'Disable a staff user. Accounts are never removed, so the audit trail keeps naming who did what; sessions end and tokens are revoked.',
  tags: ['users'],
  access: requires('users:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});
