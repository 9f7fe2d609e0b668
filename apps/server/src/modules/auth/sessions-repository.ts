import { and, eq, gt, inArray, lt, or } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
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
  const [row] = await ex
    .select({ session: sessions, user: { id: users.id, role: users.role, status: users.status } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        inArray(sessions.tokenHash, tokenHashes),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - sessionIdleMs)),
        eq(users.status, 'active'),
      ),
    );
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
