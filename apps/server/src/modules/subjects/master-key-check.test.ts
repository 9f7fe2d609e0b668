import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../../platform/crypto/keys.js';
import { type Database, queryRows } from '../../platform/db/database.js';
import { createTestDatabase } from '../../test/database.js';
import { checkMasterKey, MasterKeyMismatchError, subjectKeysFor } from './index.js';

let database: Database;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.close();
});

const recorded = async () =>
  (await queryRows<{ key_id: string }>(database.db, sql`select key_id from master_key_record`)).map(
    (r) => r.key_id,
  );

describe('the master key the database is written under', () => {
  it('is recorded on first use; the same key passes, another key is refused naming key ids only', async () => {
    const key = randomBytes(32);
    const keys = new KeyRing(key);
    await checkMasterKey(database.db, keys);
    expect(await recorded()).toEqual([keys.masterKeyId]);
    await checkMasterKey(database.db, new KeyRing(key));

    const other = new KeyRing(randomBytes(32));
    const err = await checkMasterKey(database.db, other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MasterKeyMismatchError);
    const message = (err as Error).message;
    expect(message).toContain(keys.masterKeyId);
    expect(message).toContain(other.masterKeyId);
    expect(message).not.toContain(key.toString('base64'));
    expect(await recorded()).toEqual([keys.masterKeyId]);
  });

  it('moves to the new key after a rotation (the old one retired), and then refuses the old one alone', async () => {
    const old = randomBytes(32);
    await checkMasterKey(database.db, new KeyRing(old));
    const rotated = new KeyRing(randomBytes(32), [old]);
    await checkMasterKey(database.db, rotated);
    expect(await recorded()).toEqual([rotated.masterKeyId]);
    await expect(checkMasterKey(database.db, new KeyRing(old))).rejects.toBeInstanceOf(
      MasterKeyMismatchError,
    );
  });

  it('checks a database written before the record against its wrapped data keys', async () => {
    const keys = new KeyRing(randomBytes(32));
    await database.db.transaction((tx) => subjectKeysFor(keys).createSubject(tx));
    const other = new KeyRing(randomBytes(32));
    await expect(checkMasterKey(database.db, other)).rejects.toThrow(keys.masterKeyId);
    expect(await recorded()).toEqual([]);
    await checkMasterKey(database.db, keys);
    expect(await recorded()).toEqual([keys.masterKeyId]);
  });

  it('records one key when two processes start together on an empty database', async () => {
    const a = new KeyRing(randomBytes(32));
    const b = new KeyRing(randomBytes(32));
    const results = await Promise.allSettled([
      checkMasterKey(database.db, a),
      checkMasterKey(database.db, b),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [winner] = await recorded();
    expect([a.masterKeyId, b.masterKeyId]).toContain(winner);
  });
});
