import type { CreateUserInput, User } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { hashPassword } from '../../platform/crypto/passwords.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { insertUser, toUser } from './repository.js';

export async function createUser(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  input: CreateUserInput;
}): Promise<User> {
  const { db, keys, ctx, input } = options;
  assertPermission(ctx.actor, 'users:manage');
  const passwordHash = await hashPassword(input.password);
  return transaction(db, async (tx) => {
    const row = await insertUser(tx, keys, {
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash,
    });
    await recordAudit(tx, keys, ctx, {
      action: 'user.create',
      entityType: 'user',
      entityId: row.id,
      subjectIds: [row.subjectId],
    });
    return toUser(row);
  });
}
