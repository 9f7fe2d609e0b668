import type { RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { deleteSession } from './sessions-repository.js';

export async function logout(options: { db: Db; keys: KeyRing; ctx: RequestContext }): Promise<void> {
  const { db, keys, ctx } = options;
  if (ctx.actor.kind !== 'user') return; // an API token has no session to end
  const { sessionId } = ctx.actor;
  await transaction(db, async (tx) => {
    await deleteSession(tx, sessionId);
    await recordAudit(tx, keys, ctx, {
      action: 'auth.logout',
      entityType: 'session',
      entityId: sessionId,
    });
  });
}
