import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../platform/crypto/keys.js';
import { type Database, queryRows, transaction } from '../../platform/db/database.js';
import { createTestDatabase } from '../../test/database.js';
import { decryptField, encryptField, SubjectKeyStore, SubjectShreddedError } from './index.js';

let database: Database;
let keys: KeyRing;
beforeAll(async () => {
  database = await createTestDatabase();
  keys = new KeyRing(randomBytes(32));
});
afterAll(() => database.close());

const location = (subjectId: string, field = 'name') => ({ subjectId, entity: 'contact', field });

describe('per-person data keys', () => {
  it('round-trips any text through the subject key (property)', async () => {
    const store = new SubjectKeyStore(keys);
    const id = await store.createSubject(database.db);
    const key = await store.keyFor(database.db, id);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        (value, field) => {
          expect(decryptField(key, location(id, field), encryptField(key, location(id, field), value))).toBe(
            value,
          );
        },
      ),
    );
  });

  it('detects any tampering with a ciphertext (GCM tag, property)', async () => {
    const store = new SubjectKeyStore(keys);
    const id = await store.createSubject(database.db);
    const key = await store.keyFor(database.db, id);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (value, at, bit) => {
          const sealed = encryptField(key, location(id), value);
          const i = at % sealed.length;
          const tampered = Buffer.from(sealed);
          tampered[i] = (tampered[i] ?? 0) ^ (1 << bit);
          expect(() => decryptField(key, location(id), tampered)).toThrow();
        },
      ),
    );
  });

  it('separates people and fields: another subject’s key, or another field, cannot open a value (property)', async () => {
    const store = new SubjectKeyStore(keys);
    const alice = await store.createSubject(database.db);
    const bob = await store.createSubject(database.db);
    const aliceKey = await store.keyFor(database.db, alice);
    const bobKey = await store.keyFor(database.db, bob);
    expect(aliceKey.equals(bobKey)).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (value) => {
        const sealed = encryptField(aliceKey, location(alice), value);
        expect(() => decryptField(bobKey, location(alice), sealed)).toThrow();
        expect(() => decryptField(aliceKey, location(bob), sealed)).toThrow();
        expect(() => decryptField(aliceKey, location(alice, 'email'), sealed)).toThrow();
      }),
    );
  });

  it('stores only the wrapped key, which another master key cannot unwrap', async () => {
    const store = new SubjectKeyStore(keys);
    const id = await store.createSubject(database.db);
    const key = await store.keyFor(database.db, id);
    const [row] = await queryRows<{ wrapped: string }>(
      database.db,
      sql`select encode(wrapped_key, 'hex') as wrapped from data_subjects where id = ${id}`,
    );
    expect(row?.wrapped).not.toContain(key.toString('hex'));
    // A fresh store (empty cache) with the right master key unwraps the same key; another master key cannot.
    expect((await new SubjectKeyStore(keys).keyFor(database.db, id)).equals(key)).toBe(true);
    await expect(new SubjectKeyStore(new KeyRing(randomBytes(32))).keyFor(database.db, id)).rejects.toThrow();
  });

  it('crypto-shreds: after shredding, the key is gone and a copied ciphertext (a backup) stays unreadable', async () => {
    const store = new SubjectKeyStore(keys);
    const id = await store.createSubject(database.db);
    const backup = encryptField(await store.keyFor(database.db, id), location(id), 'Jane Doe');
    await store.shred(database.db, id);
    await store.shred(database.db, id); // idempotent
    await expect(store.keyFor(database.db, id)).rejects.toBeInstanceOf(SubjectShreddedError);
    await expect(new SubjectKeyStore(keys).keyFor(database.db, id)).rejects.toBeInstanceOf(
      SubjectShreddedError,
    );
    const [row] = await queryRows<{ wrapped: string | null; shredded: boolean }>(
      database.db,
      sql`select wrapped_key::text as wrapped, shredded_at is not null as shredded from data_subjects where id = ${id}`,
    );
    expect(row).toEqual({ wrapped: null, shredded: true });
    // No key anywhere can open the backup's ciphertext except the destroyed one.
    expect(() => decryptField(randomBytes(32), location(id), backup)).toThrow();
  });

  it('shreds many keys in one statement, once each, and forgets only shredded ones', async () => {
    const store = new SubjectKeyStore(keys);
    const ids = (await store.createSubjects(database.db, 4)).map((s) => s.id);
    const [a, b, c, d] = ids as [string, string, string, string];
    await store.shred(database.db, a);
    // a was shredded before; b twice in the list; d is left alone.
    expect(await store.shredMany(database.db, [a, b, b, c])).toBe(2);
    expect(await store.shredMany(database.db, [])).toBe(0);
    for (const id of [a, b, c])
      await expect(store.keyFor(database.db, id)).rejects.toBeInstanceOf(SubjectShreddedError);
    await expect(store.keyFor(database.db, d)).resolves.toHaveLength(32);
    // In the caller's transaction, a refusal undoes the whole statement.
    await expect(transaction(database.db, (tx) => store.forgetShredded(tx, [c, d]))).rejects.toThrow(
      'Only shredded keys',
    );
    expect(await store.forgetShredded(database.db, [a, b, b, c])).toBe(3);
    const left = await queryRows<{ id: string }>(
      database.db,
      sql`select id from data_subjects where id = any(${`{${ids.join(',')}}`}::uuid[])`,
    );
    expect(left.map((r) => r.id)).toEqual([d]);
  });

  it('opens wrapped keys read with the caller’s rows, and believes the database over its cache', async () => {
    const store = new SubjectKeyStore(keys);
    const [a, b] = [await store.createSubject(database.db), await store.createSubject(database.db)];
    const wrapped = async (ids: string[]) =>
      queryRows<{ id: string; wrappedKey: Buffer | null; keyId: string | null }>(
        database.db,
        sql`select id, wrapped_key as "wrappedKey", key_id as "keyId" from data_subjects
            where id = any(${`{${ids.join(',')}}`}::uuid[])`,
      );
    const fresh = new SubjectKeyStore(keys);
    const opened = fresh.unwrapKeys(await wrapped([a, b]));
    expect(opened.get(a)?.equals(await store.keyFor(database.db, a))).toBe(true);
    expect(opened.get(b)?.equals(await store.keyFor(database.db, b))).toBe(true);
    expect(fresh.cachedCount).toBe(2);
    // Shredded by another process: this store still has the key cached, the rows say it is gone.
    await database.db.execute(
      sql`update data_subjects set wrapped_key = null, key_id = null where id = ${a}`,
    );
    const after = fresh.unwrapKeys(await wrapped([a, b]));
    expect([...after.keys()]).toEqual([b]);
    expect(fresh.cachedCount).toBe(1);
  });

  it('answers not found for an unknown subject', async () => {
    await expect(
      new SubjectKeyStore(keys).keyFor(database.db, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('keeps the cache of unwrapped keys within its bound, dropping the least recently used', async () => {
    const store = new SubjectKeyStore(keys, { maxEntries: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await store.createSubject(database.db));
    expect(store.cachedCount).toBe(3);
    for (const id of ids) await store.keyFor(database.db, id);
    expect(store.cachedCount).toBe(3);
  });

  it('creates many subjects in one statement, each with its own key, stored wrapped', async () => {
    const created = await new SubjectKeyStore(keys).createSubjects(database.db, 50);
    expect(new Set(created.map((c) => c.id)).size).toBe(50);
    expect(new Set(created.map((c) => c.key.toString('hex'))).size).toBe(50);
    // A store with an empty cache unwraps the same keys from the database.
    const fresh = new SubjectKeyStore(keys);
    const unwrapped = await fresh.keysFor(
      database.db,
      created.map((c) => c.id),
    );
    for (const { id, key } of created) expect(unwrapped.get(id)?.equals(key)).toBe(true);
    const rows = await queryRows<{ wrapped: string; key_id: string }>(
      database.db,
      sql`select encode(wrapped_key, 'hex') as wrapped, key_id from data_subjects
        where id = any(${`{${created.map((c) => c.id).join(',')}}`}::uuid[])`,
    );
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.key_id).toBe(keys.masterKeyId);
      for (const { key } of created) expect(row.wrapped.includes(key.toString('hex'))).toBe(false);
    }
    expect(await new SubjectKeyStore(keys).createSubjects(database.db, 0)).toEqual([]);
  });
});
