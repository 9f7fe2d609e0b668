import type { User } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/access.js';
import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';
import { hashPassword } from '../../platform/crypto/passwords.js';
import { type Db, queryRows, transaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { countUsers, insertUser, toUser } from '../users/index.js';

/**
 * The one-time setup token: derived from the master key, so every server of an instance knows the same
 * one without storing it. It opens nothing once the first user exists (users are never deleted).
 */
export function setupToken(keys: KeyRing): string {
  return keys.mac('setup-token', 'first-administrator').toString('base64url');
}

export async function isSetupRequired(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

export async function completeSetup(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  input: { token: string; email: string; name: string; password: string };
}): Promise<User> {
  const { db, keys, ctx, input } = options;
  if (!constantTimeEqual(Buffer.from(input.token), Buffer.from(setupToken(keys)))) {
    throw new AppError('forbidden', 'The setup token is wrong', {
      details: [{ field: 'body.token', issue: 'does not match the token in the server log' }],
    });
  }
  const passwordHash = await hashPassword(input.password);
  return transaction(db, async (tx) => {
    // Two setup calls at once must not both create an administrator.
    await queryRows(tx, sql`select pg_advisory_xact_lock(hashtext('custodian.setup'))`);
    if ((await countUsers(tx)) > 0) throw new AppError('conflict', 'Setup is already complete');
    const row = await insertUser(tx, keys, {
      email: input.email,
      name: input.name,
      role: 'admin',
      passwordHash,
    });
    await recordAudit(tx, keys, ctx, {
      action: 'setup.complete',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return toUser(row);
  });
}
