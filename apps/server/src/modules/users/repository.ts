import type { Role, User } from '@custodian/contracts';
import { and, count, eq, getTableColumns, gt, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import { indexOf, openPersonalFields, sealPersonalFields, userEntity } from '../../catalog/index.js';
import { indexerFor, normaliseEmail } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { conflict } from '../../platform/http/errors.js';
import { subjectKeysFor } from '../subjects/index.js';
import { users } from './schema.js';

const {
  emailIndex: _token,
  email: _email,
  name: _name,
  legacyEmail: _le,
  legacyName: _ln,
  ...plain
} = getTableColumns(users);
const storedColumns = { ...plain, email: users.email, name: users.name };
type StoredRow = {
  [K in keyof typeof storedColumns]: (typeof users.$inferSelect)[K];
};

/** A staff account with its e-mail and name decrypted. */
export type UserRow = Omit<StoredRow, 'email' | 'name' | 'subjectId'> & {
  subjectId: string;
  email: string;
  name: string;
};

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
  if (isUniqueViolation(err, 'users_email_index_key'))
    throw conflict('body.email', 'is already used by another user');
  throw err;
}

const emailToken = (keys: KeyRing, email: string) =>
  indexerFor(keys).exactEmail(indexOf(userEntity, 'email').name, email);

async function sealed(
  ex: Executor,
  keys: KeyRing,
  subjectId: string,
  values: { email?: string; name?: string },
) {
  const key = await subjectKeysFor(keys).keyFor(ex, subjectId);
  const email = values.email === undefined ? undefined : normaliseEmail(values.email);
  return {
    ...sealPersonalFields(userEntity, key, subjectId, {
      ...(email !== undefined ? { email } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
    }),
    ...(email !== undefined ? { emailIndex: emailToken(keys, email) } : {}),
  };
}

async function open(ex: Executor, keys: KeyRing, rows: StoredRow[]): Promise<UserRow[]> {
  const dataKeys = await subjectKeysFor(keys).keysFor(
    ex,
    rows.flatMap((r) => (r.subjectId ? [r.subjectId] : [])),
  );
  return rows.map((row) => {
    const key = row.subjectId ? dataKeys.get(row.subjectId) : undefined;
    // A staff member whose data was erased keeps an account row (the audit trail names it) without a name.
    const values = key && row.subjectId ? openPersonalFields(userEntity, key, row.subjectId, row) : {};
    return {
      ...row,
      subjectId: row.subjectId ?? '',
      email: (values.email as string | null) ?? '',
      name: (values.name as string | null) ?? '[erased]',
    };
  });
}

export async function insertUser(
  ex: Executor,
  keys: KeyRing,
  values: { email: string; name: string; role: Role; passwordHash: string },
): Promise<UserRow> {
  const subjectId = await subjectKeysFor(keys).createSubject(ex);
  try {
    const [row] = await ex
      .insert(users)
      .values({
        subjectId,
        role: values.role,
        passwordHash: values.passwordHash,
        ...(await sealed(ex, keys, subjectId, values)),
      })
      .returning(storedColumns);
    return (await open(ex, keys, [row!]))[0]!;
  } catch (err) {
    translate(err);
  }
}

export async function findUserById(ex: Executor, keys: KeyRing, id: string): Promise<UserRow | null> {
  const rows = await ex.select(storedColumns).from(users).where(eq(users.id, id));
  return (await open(ex, keys, rows))[0] ?? null;
}

/** By the e-mail's blind index: the database never sees the address. */
export async function findUserByEmail(ex: Executor, keys: KeyRing, email: string): Promise<UserRow | null> {
  const rows = await ex
    .select(storedColumns)
    .from(users)
    .where(sql`${users.emailIndex} = ${emailToken(keys, email).toString()}::bigint`);
  return (await open(ex, keys, rows))[0] ?? null;
}

export async function updateUserRow(
  ex: Executor,
  keys: KeyRing,
  id: string,
  values: Partial<Omit<UserRow, 'id' | 'createdAt' | 'subjectId'>>,
): Promise<UserRow | null> {
  const { email, name, ...rest } = values;
  const [current] = await ex.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, id));
  if (!current?.subjectId) return null;
  try {
    const [row] = await ex
      .update(users)
      .set({
        ...rest,
        ...(await sealed(ex, keys, current.subjectId, {
          ...(email !== undefined ? { email } : {}),
          ...(name !== undefined ? { name } : {}),
        })),
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning(storedColumns);
    return row ? ((await open(ex, keys, [row]))[0] ?? null) : null;
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
  keys: KeyRing,
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
  const rows = await ex
    .select(storedColumns)
    .from(users)
    .where(and(...conditions))
    .orderBy(users.createdAt, users.id)
    .limit(options.limit);
  return open(ex, keys, rows);
}

/**
 * Installations from before staff data was encrypted: gives each such account a data subject and moves
 * its e-mail and name from the plaintext legacy columns into ciphertexts, emptying the legacy columns.
 * Idempotent; run after migrations at every start-up.
 */
export async function sealLegacyUserFields(db: Db, keys: KeyRing): Promise<number> {
  return transaction(db, async (tx) => {
    const legacy = await tx
      .select({ id: users.id, email: users.legacyEmail, name: users.legacyName })
      .from(users)
      .where(or(isNotNull(users.legacyEmail), isNotNull(users.legacyName)))
      .for('update');
    for (const row of legacy) {
      const subjectId = await subjectKeysFor(keys).createSubject(tx);
      await tx
        .update(users)
        .set({
          subjectId,
          legacyEmail: null,
          legacyName: null,
          ...(await sealed(tx, keys, subjectId, { email: row.email ?? '', name: row.name ?? '' })),
        })
        .where(eq(users.id, row.id));
    }
    return legacy.length;
  });
}

/** Who is mailed about privacy deadlines: the active DPOs, or, with none, the active administrators. */
export async function privacyOfficers(ex: Executor, keys: KeyRing): Promise<UserRow[]> {
  const staff = (role: Role) => listUserRows(ex, keys, { limit: 50, after: null, role, status: 'active' });
  const dpos = await staff('dpo');
  return dpos.length > 0 ? dpos : staff('admin');
}
