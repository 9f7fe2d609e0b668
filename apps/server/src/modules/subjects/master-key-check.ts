import { eq, sql } from 'drizzle-orm';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import { masterKeyRecord } from './schema.js';

/** The key given is not the one the database is written under. The message names key ids only. */
export class MasterKeyMismatchError extends Error {
  constructor(
    readonly recordedKeyId: string,
    readonly givenKeyId: string,
  ) {
    super(
      `The database is written under master key ${recordedKeyId}, but the key given (CUSTODIAN_MASTER_KEY or the key file) is ${givenKeyId}. Start with the right key: under another one the personal data cannot be read, and new data would be sealed under a key the other servers do not have.`,
    );
    this.name = 'MasterKeyMismatchError';
  }
}

/**
 * Checks, before anything is written, that `keys` is the database's master key, and records it on first
 * use. A database from before the record existed is checked against its wrapped data keys. A recorded key
 * that is one of the ring's retired keys means a rotation completed: the record moves to the current key.
 * Serialised across processes, so two servers starting together on an empty database cannot each record
 * their own key.
 */
export async function checkMasterKey(db: Db, keys: KeyRing): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('custodian.master-key-record'))`);
    const [row] = await tx.select({ keyId: masterKeyRecord.keyId }).from(masterKeyRecord);
    if (!row) {
      const known = keys.all().map((ring) => ring.masterKeyId);
      const [other] = await queryRows<{ key_id: string }>(
        tx,
        sql`select key_id from data_subjects where key_id is not null and not (key_id = any(${`{${known.join(',')}}`}::text[])) limit 1`,
      );
      const foreign = other?.key_id;
      if (foreign) throw new MasterKeyMismatchError(foreign, keys.masterKeyId);
      await tx.insert(masterKeyRecord).values({ keyId: keys.masterKeyId });
      return;
    }
    if (row.keyId === keys.masterKeyId) return;
    if (!keys.ring(row.keyId)) throw new MasterKeyMismatchError(row.keyId, keys.masterKeyId);
    await tx
      .update(masterKeyRecord)
      .set({ keyId: keys.masterKeyId, recordedAt: new Date() })
      .where(eq(masterKeyRecord.only, true));
  });
}
