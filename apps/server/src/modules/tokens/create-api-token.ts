import type { ApiToken, CreateTokenInput, Role } from '@custodian/contracts';
import {
  assertPermission,
  assertStaff,
  hasPermission,
  permissionsOf,
  type RequestContext,
} from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { randomSecret } from '../../platform/crypto/tokens.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findUserById } from '../users/index.js';
import { insertApiToken, toApiToken } from './repository.js';

export const apiTokenPrefix = 'cst_';

/**
 * Creates a token whose scopes the owner's role must cover. Returns the secret once; only an HMAC
 * of it (keyed by a key derived from the master key) is stored.
 */
export async function createApiToken(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  input: CreateTokenInput;
}): Promise<{ token: ApiToken; secret: string }> {
  const { db, keys, ctx, input } = options;
  assertPermission(ctx.actor, 'tokens:own');
  const actor = ctx.actor.kind === 'system' ? null : assertStaff(ctx.actor);
  const ownerId = input.userId ?? actor?.userId;
  if (!ownerId) {
    throw new AppError('validation_failed', 'The token needs an owner', {
      details: [{ field: 'body.userId', issue: 'is required' }],
    });
  }
  if (actor && ownerId !== actor.userId && !hasPermission(ctx.actor, 'tokens:all')) throw notFound('user');
  const secret = randomSecret(apiTokenPrefix);
  return transaction(db, async (tx) => {
    const owner = await findUserById(tx, keys, ownerId);
    if (owner?.status !== 'active') throw notFound('user');
    const allowed = permissionsOf(owner.role as Role);
    // A token that mints a token cannot hand out more than its own scopes.
    const excess = input.scopes.filter(
      (s) => !allowed.has(s) || (actor?.kind === 'token' && !actor.permissions.has(s)),
    );
    if (excess.length > 0) {
      throw new AppError(
        'validation_failed',
        'A token cannot have scopes beyond its owner’s role or the token creating it',
        {
          details: excess.map((s) => ({
            field: 'body.scopes',
            issue: `is granted neither by the owner’s role nor by the calling token: ${s}`,
          })),
        },
      );
    }
    const row = await insertApiToken(tx, {
      userId: owner.id,
      name: input.name,
      tokenHash: keys.mac('api-token', secret),
      scopes: [...new Set(input.scopes)],
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
    });
    await recordAudit(tx, keys, ctx, { action: 'token.create', entityType: 'api_token', entityId: row.id });
    return { token: toApiToken(row), secret };
  });
}
