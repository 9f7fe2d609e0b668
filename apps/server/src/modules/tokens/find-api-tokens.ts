import type { ApiToken } from '@custodian/contracts';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import { listApiTokenRows, toApiToken } from './repository.js';

/** Your own tokens; everyone’s with `all` and the tokens:all permission. */
export async function findApiTokens(options: {
  db: Db;
  ctx: RequestContext;
  all: boolean;
}): Promise<ApiToken[]> {
  const { db, ctx, all } = options;
  assertPermission(ctx.actor, 'tokens:own');
  if (all) {
    assertPermission(ctx.actor, 'tokens:all');
    return (await listApiTokenRows(db, null)).map(toApiToken);
  }
  const actor = assertStaff(ctx.actor);
  return (await listApiTokenRows(db, actor.userId)).map(toApiToken);
}
