import { z } from 'zod';
import { emptyResponse } from './common.js';
import { authenticated, defineEndpoint, publicAccess, sessionOnly } from './endpoint.js';
import { permissionSchema, roleSchema } from './permissions.js';
import { emailSchema, passwordSchema, personNameSchema, userSchema } from './users.js';

export const totpCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');
export const recoveryCodeSchema = z.string().trim().min(8).max(64);

export const loginBody = z.object({
  email: emailSchema,
  password: z.string().min(1).max(1024),
  mfaCode: totpCodeSchema.optional(),
  recoveryCode: recoveryCodeSchema.optional(),
});

export const meSchema = z.object({
  user: userSchema,
  permissions: z.array(permissionSchema),
  authMethod: z.enum(['session', 'token']),
  /** Present for cookie sessions: send it back in the X-CSRF-Token header on every write. */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof meSchema>;

export const login = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/login',
  summary:
    'Sign in with e-mail and password (plus a TOTP or recovery code once MFA is enrolled). Sets the session cookie.',
  tags: ['auth'],
  access: publicAccess,
  body: loginBody,
  response: { 200: meSchema },
});

export const logout = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/logout',
  summary: 'End the current session',
  tags: ['auth'],
  access: authenticated,
  response: { 204: emptyResponse },
});

export const me = defineEndpoint({
  method: 'GET',
  path: '/api/v1/auth/me',
  summary: 'Who is signed in, with which permissions',
  tags: ['auth'],
  access: authenticated,
  response: { 200: meSchema },
});

export const enrolMfa = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/mfa/enrol',
  summary:
    'Start TOTP enrolment: returns a secret and otpauth URI to scan; confirm with a code to switch MFA on',
  tags: ['auth'],
  access: sessionOnly,
  body: z.object({ password: z.string().min(1).max(1024) }),
  response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }) },
});

export const confirmMfa = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/mfa/confirm',
  summary: 'Confirm TOTP enrolment with a current code; returns single-use recovery codes, shown once',
  tags: ['auth'],
  access: sessionOnly,
  body: z.object({ code: totpCodeSchema }),
  response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
});

export const disableMfa = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/mfa/disable',
  summary: 'Switch MFA off (needs the password and a current TOTP or recovery code)',
  tags: ['auth'],
  access: sessionOnly,
  body: z.object({
    password: z.string().min(1).max(1024),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  }),
  response: { 204: emptyResponse },
});

export const regenerateRecoveryCodes = defineEndpoint({
  method: 'POST',
  path: '/api/v1/auth/mfa/recovery-codes',
  summary: 'Replace all recovery codes (needs the password and a current TOTP code)',
  tags: ['auth'],
  access: sessionOnly,
  body: z.object({ password: z.string().min(1).max(1024), code: totpCodeSchema }),
  response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
});

export const setupStatus = defineEndpoint({
  method: 'GET',
  path: '/api/v1/setup',
  summary: 'Whether the first administrator still has to be created',
  tags: ['setup'],
  access: publicAccess,
  response: { 200: z.object({ required: z.boolean() }) },
});

export const completeSetup = defineEndpoint({
  method: 'POST',
  path: '/api/v1/setup',
  summary:
    'Create the first administrator with the one-time setup token the server logged at its first start',
  tags: ['setup'],
  access: publicAccess,
  body: z.object({
    token: z.string().min(20).max(200),
    email: emailSchema,
    name: personNameSchema,
    password: passwordSchema,
  }),
  response: { 201: userSchema },
});

export const roleSchemaOut = z.object({ name: roleSchema, permissions: z.array(permissionSchema) });

export const listRoles = defineEndpoint({
  method: 'GET',
  path: '/api/v1/roles',
  summary: 'The roles and the permissions each grants',
  tags: ['users'],
  access: authenticated,
  response: { 200: z.array(roleSchemaOut) },
});
