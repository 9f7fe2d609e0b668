import type { ApiToken, Permission } from '@custodian/contracts';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { apiTokens } from './schema.js';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    scopes: row.scopes as Permission[],
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function insertApiToken(
  ex: Executor,
  values: { userId: string; name: string; tokenHash: Buffer; scopes: Permission[]; expiresAt: Date },
): Promise<ApiTokenRow> {
  const [row] = await ex.insert(apiTokens).values(values).returning();
  return row!;
}

export async function findApiTokenById(ex: Executor, id: string): Promise<ApiTokenRow | null> {
  const [row] = await ex.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row ?? null;
}

export async function findApiTokenByHash(ex: Executor, tokenHash: Buffer): Promise<ApiTokenRow | null> {
  const [row] = await ex.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return row ?? null;
}

export async function listApiTokenRows(ex: Executor, userId: string | null): Promise<ApiTokenRow[]> {
  return ex
    .select()
    .from(apiTokens)
    .where(userId ? eq(apiTokens.userId, userId) : undefined)
    .orderBy(desc(apiTokens.createdAt))
    .limit(1000);
}

export async function revokeApiTokenRow(ex: Executor, id: string): Promise<void> {
  await ex
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
}

/** Revokes every live token of a user (when the user is disabled); returns their ids. */
export async function revokeApiTokensOfUser(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.map((r) => r.id);
}

export async function touchApiToken(ex: Executor, id: string): Promise<void> {
  await ex.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}
