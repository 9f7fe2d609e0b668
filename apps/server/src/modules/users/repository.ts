import type { Role, User } from '@custodian/contracts';
import { and, count, eq, gt, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { conflict } from '../../platform/http/errors.js';
import { users } from './schema.js';

export type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    status: row.status as User['status'],
    mfaEnabled: row.mfaSecret !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

function translate(err: unknown): never {
  if (isUniqueViolation(err, 'users_email_key'))
    throw conflict('body.email', 'is already used by another user');
  throw err;
}

export async function insertUser(
  ex: Executor,
  values: { email: string; name: string; role: Role; passwordHash: string },
): Promise<UserRow> {
  try {
    const [row] = await ex.insert(users).values(values).returning();
    return row!;
  } catch (err) {
    translate(err);
  }
}

export async function findUserById(ex: Executor, id: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function findUserByEmail(ex: Executor, email: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row ?? null;
}

export async function updateUserRow(
  ex: Executor,
  id: string,
  values: Partial<Omit<UserRow, 'id' | 'createdAt'>>,
): Promise<UserRow | null> {
  try {
    const [row] = await ex
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row ?? null;
  } catch (err) {
    translate(err);
  }
}

export async function countUsers(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

/** Oldest first, keyset-paginated on (created_at, id). */
export async function listUserRows(
  ex: Executor,
  options: { limit: number; after: { createdAt: Date; id: string } | null; role?: Role; status?: string },
): Promise<UserRow[]> {
  const { after } = options;
  const conditions: (SQL | undefined)[] = [
    after
      ? or(
          gt(users.createdAt, after.createdAt),
          and(eq(users.createdAt, after.createdAt), gt(users.id, after.id)),
        )
      : undefined,
    options.role ? eq(users.role, options.role) : undefined,
    options.status ? eq(users.status, options.status) : undefined,
  ];
  return ex
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(users.createdAt, users.id)
    .limit(options.limit);
}
