import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import { open, seal } from '../../platform/crypto/cipher.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { dataSubjects } from './schema.js';

/**
 * After a master-key rotation: re-wraps every data key still wrapped under an older master key, in short
 * batches. The data itself is untouched (the data keys do not change). Resumable: each row records the
 * key that wraps it, so a second run continues where a crash left off. Returns how many it re-wrapped.
 */
export async function rewrapSubjectKeys(
  db: Db,
  keys: KeyRing,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let total = 0;
  for (;;) {
    const done = await transaction(db, async (tx) => {
      const rows = await tx
        .select()
        .from(dataSubjects)
        .where(and(isNotNull(dataSubjects.wrappedKey), ne(dataSubjects.keyId, keys.masterKeyId)))
        .orderBy(asc(dataSubjects.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      for (const row of rows) {
        const context = `subject-key:${row.id}`;
        const old = row.keyId ? keys.ring(row.keyId) : null;
        if (!old || !row.wrappedKey)
          throw new Error('A subject key is wrapped under a master key that is not loaded');
        const dataKey = open(old.key('subject-key-wrap'), row.wrappedKey, context);
        await tx
          .update(dataSubjects)
          .set({ wrappedKey: seal(keys.key('subject-key-wrap'), dataKey, context), keyId: keys.masterKeyId })
          .where(eq(dataSubjects.id, row.id));
      }
      return rows.length;
    });
    total += done;
    if (done < batchSize) return total;
  }
}
