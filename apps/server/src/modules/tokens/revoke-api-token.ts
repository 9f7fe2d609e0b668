import { assertPermission, hasPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findApiTokenById, revokeApiTokenRow } from './repository.js';

export async function revokeApiToken(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  id: string;
}): Promise<void> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'tokens:own');
  await transaction(db, async (tx) => {
    const row = await findApiTokenById(tx, id);
    const own =
      row && (ctx.actor.kind === 'user' || ctx.actor.kind === 'token') && row.userId === ctx.actor.userId;
    // Someone else's token answers exactly like a missing one.
    if (!row || !(own || hasPermission(ctx.actor, 'tokens:all'))) throw notFound('token');
    await revokeApiTokenRow(tx, id);
    await recordAudit(tx, keys, ctx, { action: 'token.revoke', entityType: 'api_token', entityId: id });
  });
}
