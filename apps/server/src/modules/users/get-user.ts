import type { User } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findUserById, toUser } from './repository.js';

export async function getUser(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  id: string;
}): Promise<User> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'users:read');
  return transaction(db, async (tx) => {
    const row = await findUserById(tx, keys, id);
    if (!row) throw notFound('user');
    await recordAudit(tx, keys, ctx, {
      action: 'user.read',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return toUser(row);
  });
}
