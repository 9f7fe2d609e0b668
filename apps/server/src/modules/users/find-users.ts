import type { Role, User } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { listUserRows, toUser } from './repository.js';

export async function findUsers(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  filters: {
    limit: number;
    cursor?: string | undefined;
    role?: Role | undefined;
    status?: string | undefined;
  };
}): Promise<{ items: User[]; nextCursor: string | null }> {
  const { db, keys, ctx, filters } = options;
  assertPermission(ctx.actor, 'users:read');
  const cursor = decodeCursor(filters.cursor, ['string', 'string']);
  const after = cursor ? { createdAt: new Date(cursor[0] as string), id: cursor[1] as string } : null;
  if (after && Number.isNaN(after.createdAt.getTime())) decodeCursor('invalid', ['string', 'string']);
  return transaction(db, async (tx) => {
    const rows = await listUserRows(tx, keys, {
      limit: filters.limit + 1,
      after,
      ...(filters.role ? { role: filters.role } : {}),
      ...(filters.status ? { status: filters.status } : {}),
    });
    const page = rows.slice(0, filters.limit);
    // One entry for the whole page, listing every person read.
    await recordAudit(tx, keys, ctx, {
      action: 'user.list',
      entityType: 'user',
      subjectIds: page.map((r) => r.subjectId),
    });
    const last = page[page.length - 1];
    return {
      items: page.map(toUser),
      nextCursor:
        rows.length > filters.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  });
}
