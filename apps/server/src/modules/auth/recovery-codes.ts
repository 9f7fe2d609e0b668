import { randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../../platform/crypto/passwords.js';
import { type Executor, execute } from '../../platform/db/database.js';
import { recoveryCodes } from '../users/index.js';

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I
export const recoveryCodeCount = 10;

function newCode(): string {
  const chars = Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function normalise(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Replaces a user's recovery codes with ten new ones, stored as argon2id hashes; returns them once. */
export async function replaceRecoveryCodes(ex: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: recoveryCodeCount }, newCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(normalise(c))));
  await ex.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await ex.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
  return codes;
}

/** Uses up a matching unused code; false if none matches (or another request used it first). */
export async function consumeRecoveryCode(ex: Executor, userId: string, code: string): Promise<boolean> {
  const candidate = normalise(code);
  const unused = await ex
    .select()
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  for (const row of unused) {
    if (await verifyPassword(row.codeHash, candidate)) {
      const changed = await execute(
        ex,
        sql`update ${recoveryCodes} set used_at = now() where id = ${row.id} and used_at is null`,
      );
      return changed === 1;
    }
  }
  return false;
}

export async function deleteRecoveryCodes(ex: Executor, userId: string): Promise<void> {
  await ex.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
