import { eq } from 'drizzle-orm';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { loginThrottle } from './schema.js';

/** Failures before the account's sign-ins are delayed, the first delay, its ceiling, and when failures are forgotten. */
export const throttlePolicy = {
  freeFailures: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 3600_000,
  forgetAfterMs: 24 * 3600_000,
} as const;

export function throttleKey(keys: KeyRing, email: string): Buffer {
  return keys.mac('login-throttle', email.trim().toLowerCase());
}

/** When the account (known or not) may try again, or null if it may now. */
export async function lockedUntil(db: Db, key: Buffer, now: Date): Promise<Date | null> {
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.keyHash, key));
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** Counts a failure; from the fifth on, each locks the account for twice as long as the one before. */
export async function registerFailure(db: Db, key: Buffer, now: Date): Promise<void> {
  await transaction(db, async (tx) => {
    const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.keyHash, key)).for('update');
    const stale = !row || now.getTime() - row.lastFailureAt.getTime() > throttlePolicy.forgetAfterMs;
    const failures = stale ? 1 : row.failures + 1;
    const over = failures - throttlePolicy.freeFailures;
    const lock =
      over >= 0
        ? new Date(
            now.getTime() + Math.min(throttlePolicy.firstDelayMs * 2 ** over, throttlePolicy.maxDelayMs),
          )
        : null;
    await tx
      .insert(loginThrottle)
      .values({ keyHash: key, failures, lockedUntil: lock, lastFailureAt: now })
      .onConflictDoUpdate({
        target: loginThrottle.keyHash,
        set: { failures, lockedUntil: lock, lastFailureAt: now },
      });
  });
}

export async function clearFailures(db: Db, key: Buffer): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.keyHash, key));
}
