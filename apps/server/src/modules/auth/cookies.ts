import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { sessionLifetimeMs } from './sessions-repository.js';

export const sessionCookie = 'custodian_session';
export const csrfCookie = 'custodian_csrf';
export const csrfHeader = 'x-csrf-token';

/** The CSRF token is bound to the session: an HMAC of the session token, so nothing more is stored. */
export function csrfTokenFor(keys: KeyRing, sessionToken: string): string {
  return keys.mac('csrf-token', sessionToken).toString('base64url');
}

export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionToken: string,
  csrf: string,
): void {
  const common = {
    path: '/',
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    maxAge: sessionLifetimeMs / 1000,
  };
  reply.setCookie(sessionCookie, sessionToken, { ...common, httpOnly: true });
  // Readable by the web app, which echoes it in the X-CSRF-Token header.
  reply.setCookie(csrfCookie, csrf, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, { path: '/' });
  reply.clearCookie(csrfCookie, { path: '/' });
}
