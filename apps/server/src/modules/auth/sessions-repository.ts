import { and, eq, gt, inArray, lt, or, type Placeholder, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { preparedFor } from '../../platform/db/prepared.js';
import { users } from '../users/index.js';
import { sessions } from './schema.js';

export const sessionIdleMs = 2 * 3600_000;
export const sessionLifetimeMs = 12 * 3600_000;

export async function insertSession(ex: Executor, values: { tokenHash: Buffer; userId: string; now: Date }) {
  const [row] = await ex
    .insert(sessions)
    .values({
      tokenHash: values.tokenHash,
      userId: values.userId,
      createdAt: values.now,
      lastSeenAt: values.now,
      expiresAt: new Date(values.now.getTime() + sessionLifetimeMs),
    })
    .returning();
  return row!;
}

/** A live session (not expired, not idle too long) of an active user, with that user. */
/** `tokenHashes`: the token hashed under the current and any retired master key. */
export async function findLiveSession(ex: Executor, tokenHashes: Buffer[], now: Date) {
  // Every request runs this: built once per number of keys (see prepared.ts), except inside a transaction.
  const build = (
    db: Executor,
    hashes: (Buffer | Placeholder)[],
    at: Date | Placeholder,
    idleSince: Date | Placeholder,
  ) =>
    db
      .select({ session: sessions, user: { id: users.id, role: users.role, status: users.status } })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          inArray(sessions.tokenHash, hashes),
          gt(sessions.expiresAt, at),
          gt(sessions.lastSeenAt, idleSince),
          eq(users.status, 'active'),
        ),
      );
  const idleSince = new Date(now.getTime() - sessionIdleMs);
  const prepared = preparedFor(ex, `live-session:${tokenHashes.length}`, (db, name) =>
    build(
      db,
      tokenHashes.map((_, i) => sql.placeholder(`hash${i}`)),
      sql.placeholder('now'),
      sql.placeholder('idleSince'),
    ).prepare(name),
  );
  const [row] = prepared
    ? await prepared.execute({
        ...Object.fromEntries(tokenHashes.map((h, i) => [`hash${i}`, h])),
        now,
        idleSince,
      })
    : await build(ex, tokenHashes, now, idleSince);
  return row ?? null;
}

export async function touchSession(ex: Executor, id: string, now: Date): Promise<void> {
  await ex.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
}

export async function deleteSession(ex: Executor, id: string): Promise<void> {
  await ex.delete(sessions).where(eq(sessions.id, id));
}

export async function deleteSessionsOfUser(
  ex: Executor,
  userId: string,
  exceptSessionId?: string,
): Promise<void> {
  const all = await ex.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
  for (const s of all) if (s.id !== exceptSessionId) await deleteSession(ex, s.id);
}

export async function deleteExpiredSessions(ex: Executor, now: Date): Promise<void> {
  await ex
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - sessionIdleMs))));
}
