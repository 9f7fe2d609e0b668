import { type EndpointContract, isPurpose, type Permission, type Role } from '@custodian/contracts';
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defaultPurposeOf, permissionsOf, type RequestContext } from '../../platform/access.js';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import type { Authenticator } from '../../platform/http/endpoint.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { touchApiToken } from '../tokens/index.js';
import { apiTokens } from '../tokens/schema.js';
import { users } from '../users/index.js';
import { clearSessionCookies, csrfHeader, csrfTokenFor, sessionCookie } from './cookies.js';
import { findLiveSession, touchSession } from './sessions-repository.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const touchEveryMs = 60_000;

/** Resolves the caller from a bearer token or the session cookie (with a CSRF check on writes). */
export function createAuthenticator(deps: { db: Db; keys: KeyRing }): Authenticator {
  const { db, keys } = deps;

  async function fromBearer(
    header: string,
    base: Omit<RequestContext, 'actor' | 'purpose'>,
    purpose: string | undefined,
  ): Promise<RequestContext> {
    const match = /^Bearer\s+(\S{10,300})$/i.exec(header);
    const invalid = () => new AppError('unauthenticated', 'The API token is invalid, expired or revoked');
    if (!match) throw invalid();
    const now = new Date();
    const [row] = await db
      .select({ token: apiTokens, role: users.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(
        and(
          // Hashes under retired master keys too: a key rotation must not revoke every token.
          inArray(
            apiTokens.tokenHash,
            keys.all().map((ring) => ring.mac('api-token', match[1]!)),
          ),
          isNull(apiTokens.revokedAt),
          gt(apiTokens.expiresAt, now),
          eq(users.status, 'active'),
        ),
      );
    if (!row) throw invalid();
    const rolePermissions = permissionsOf(row.role as Role);
    // A token never grants more than its owner's role grants today.
    const permissions = new Set<Permission>(
      row.token.scopes.filter((s): s is Permission => rolePermissions.has(s as Permission)),
    );
    if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > touchEveryMs) {
      await touchApiToken(db, row.token.id);
    }
    return {
      ...base,
      purpose: purpose ?? defaultPurposeOf[row.role as Role],
      actor: {
        kind: 'token',
        userId: row.token.userId,
        role: row.role as Role,
        permissions,
        tokenId: row.token.id,
      },
    };
  }

  return {
    async authenticate(
      request: FastifyRequest,
      reply: FastifyReply,
      options: { publicEndpoint: boolean },
    ): Promise<RequestContext> {
      const purposeHeader = request.headers['x-purpose'];
      if (purposeHeader !== undefined && (typeof purposeHeader !== 'string' || !isPurpose(purposeHeader))) {
        throw new AppError('validation_failed', 'The X-Purpose header is invalid', {
          details: [{ field: 'headers.x-purpose', issue: 'must be one of the purposes in the catalog' }],
        });
      }
      const purpose = purposeHeader;
      const base = { requestId: String(request.id) };

      const authorization = request.headers.authorization;
      const anonymous: RequestContext = { ...base, purpose: purpose ?? null, actor: { kind: 'anonymous' } };
      // Public endpoints ignore credentials they cannot use rather than refuse the call.
      if (authorization)
        return options.publicEndpoint
          ? fromBearer(authorization, base, purpose).catch(() => anonymous)
          : fromBearer(authorization, base, purpose);

      const token = request.cookies[sessionCookie];
      if (!token) return anonymous;
      const now = new Date();
      const found = await findLiveSession(
        db,
        keys.all().map((ring) => ring.mac('session-token', token)),
        now,
      );
      if (!found) {
        clearSessionCookies(reply);
        return anonymous;
      }
      if (!safeMethods.has(request.method)) {
        const sent = request.headers[csrfHeader];
        const matches =
          typeof sent === 'string' &&
          keys
            .all()
            .some((ring) => constantTimeEqual(Buffer.from(sent), Buffer.from(csrfTokenFor(ring, token))));
        if (!matches) {
          if (options.publicEndpoint) return anonymous;
          throw new AppError('csrf_failed', 'Send the X-CSRF-Token header with the token from sign-in');
        }
      }
      if (now.getTime() - found.session.lastSeenAt.getTime() > touchEveryMs)
        await touchSession(db, found.session.id, now);
      const role = found.user.role as Role;
      return {
        ...base,
        purpose: purpose ?? defaultPurposeOf[role],
        actor: {
          kind: 'user',
          userId: found.user.id,
          role,
          permissions: permissionsOf(role),
          sessionId: found.session.id,
        },
      };
    },

    async recordDenied(ctx: RequestContext, contract: EndpointContract): Promise<void> {
      await recordAudit(db, keys, ctx, {
        action: `${contract.method} ${contract.path}`,
        entityType: 'endpoint',
        outcome: 'denied',
      });
    },
  };
}
