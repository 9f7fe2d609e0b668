import type { Me } from '@custodian/contracts';
import { assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { findUserById, toUser } from '../users/index.js';

/** The caller's own account. Reading one's own data is not audited as access to someone's data. */
export async function getMe(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}): Promise<Omit<Me, 'csrfToken'>> {
  const actor = assertStaff(options.ctx.actor);
  const row = await findUserById(options.db, options.keys, actor.userId);
  if (!row) throw notFound('user');
  return {
    user: toUser(row),
    permissions: [...actor.permissions],
    authMethod: actor.kind === 'user' ? 'session' : 'token',
  };
}
