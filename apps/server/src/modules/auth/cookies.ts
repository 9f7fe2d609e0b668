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
  options: { sessionToken: string; csrf: string; publicUrl: string },
): void {
  const { sessionToken, csrf } = options;
  const common = {
    path: '/',
    sameSite: 'lax' as const,
    // Secure over TLS, and whenever the server's public address is https: a TLS proxy whose X-Forwarded-Proto is
    // not trusted (TRUST_PROXY unset) must not make the session cookie travel in clear.
    secure: request.protocol === 'https' || options.publicUrl.startsWith('https:'),
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
