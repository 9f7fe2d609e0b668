import type { UpdateUserInput, User } from '@custodian/contracts';
import { recordAudit } from '../modules/audit/index.js';
import { deleteSessionsOfUser } from '../modules/auth/index.js';
import { revokeApiTokensOfUser } from '../modules/tokens/index.js';
import { findUserById, toUser, updateUserRow } from '../modules/users/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import type { KeyRing } from '../platform/crypto/keys.js';
import { hashPassword } from '../platform/crypto/passwords.js';
import { type Db, transaction } from '../platform/db/database.js';
import { AppError, notFound } from '../platform/http/errors.js';

/**
 * Changes a staff account. Disabling it ends its sessions and revokes its tokens; a new password
 * ends its sessions. Admins cannot disable or demote themselves, so an instance keeps an admin.
 */
export async function updateUser(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  id: string;
  input: UpdateUserInput;
}): Promise<User> {
  const { db, keys, ctx, id, input } = options;
  assertPermission(ctx.actor, 'users:manage');
  const self = (ctx.actor.kind === 'user' || ctx.actor.kind === 'token') && ctx.actor.userId === id;
  if (self && (input.status === 'disabled' || (input.role && input.role !== 'admin'))) {
    throw new AppError('conflict', 'You cannot disable or demote your own account', {
      details: [
        { field: input.status ? 'body.status' : 'body.role', issue: 'cannot be changed on your own account' },
      ],
    });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return transaction(db, async (tx) => {
    const before = await findUserById(tx, keys, id);
    if (!before) throw notFound('user');
    const { password: _password, ...fields } = input;
    const row = await updateUserRow(tx, keys, id, { ...fields, ...(passwordHash ? { passwordHash } : {}) });
    if (!row) throw notFound('user');
    const disabled = before.status === 'active' && row.status === 'disabled';
    if (disabled || passwordHash) await deleteSessionsOfUser(tx, id);
    if (disabled) await revokeApiTokensOfUser(tx, id);
    await recordAudit(tx, keys, ctx, {
      action: disabled ? 'user.disable' : 'user.update',
      entityType: 'user',
      entityId: id,
      subjectIds: [row.subjectId],
    });
    return toUser(row);
  });
}
