import {
  confirmMfa as confirmMfaEndpoint,
  disableMfa as disableMfaEndpoint,
  enrolMfa as enrolMfaEndpoint,
  listRoles,
  login as loginEndpoint,
  logout as logoutEndpoint,
  me as meEndpoint,
  regenerateRecoveryCodes as regenerateEndpoint,
  roles,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { rolePermissions } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { clearSessionCookies, csrfTokenFor, sessionCookie, setSessionCookies } from './cookies.js';
import { getMe } from './get-me.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { confirmMfa, disableMfa, enrolMfa, regenerateRecoveryCodes } from './mfa.js';

/** Per network address, on top of the per-account throttle. */
export const loginRateLimit = { max: 30, timeWindow: 60_000 };

export function authRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing; publicUrl: string }): void {
  const { db, keys } = deps;

  registerEndpoint(
    app,
    loginEndpoint,
    async ({ ctx, body, request, reply }) => {
      const { me, sessionToken } = await login({ db, keys, ctx, input: body });
      const csrfToken = csrfTokenFor(keys, sessionToken);
      setSessionCookies(request, reply, { sessionToken, csrf: csrfToken, publicUrl: deps.publicUrl });
      return { ...me, csrfToken };
    },
    { rateLimit: loginRateLimit },
  );

  registerEndpoint(app, logoutEndpoint, async ({ ctx, reply }) => {
    await logout({ db, keys, ctx });
    clearSessionCookies(reply);
    return null;
  });

  registerEndpoint(app, meEndpoint, async ({ ctx, request }) => {
    const me = await getMe({ db, keys, ctx });
    const cookie = request.cookies[sessionCookie];
    return { ...me, csrfToken: ctx.actor.kind === 'user' && cookie ? csrfTokenFor(keys, cookie) : null };
  });

  registerEndpoint(app, enrolMfaEndpoint, ({ ctx, body }) =>
    enrolMfa({ db, keys, ctx, password: body.password }),
  );
  registerEndpoint(app, confirmMfaEndpoint, ({ ctx, body }) =>
    confirmMfa({ db, keys, ctx, code: body.code }),
  );
  registerEndpoint(app, disableMfaEndpoint, async ({ ctx, body }) => {
    await disableMfa({ db, keys, ctx, ...body });
    return null;
  });
  registerEndpoint(app, regenerateEndpoint, ({ ctx, body }) =>
    regenerateRecoveryCodes({ db, keys, ctx, ...body }),
  );

  registerEndpoint(app, listRoles, async () =>
    roles.map((name) => ({ name, permissions: [...rolePermissions[name]] })),
  );
}
