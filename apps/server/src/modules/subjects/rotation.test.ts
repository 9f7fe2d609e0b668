import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/access.js';
import { KeyRing } from '../../platform/crypto/keys.js';
import { type Database, queryRows } from '../../platform/db/database.js';
import { buildTestApp } from '../../test/context.js';
import { createTestDatabase } from '../../test/database.js';
import { sealAll, verifyAuditChain } from '../audit/index.js';
import { createUser } from '../users/index.js';
import { decryptField, encryptField, rewrapSubjectKeys, SubjectKeyStore } from './index.js';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const before = new KeyRing(oldKey);
const after = new KeyRing(newKey, [oldKey]);

let database: Database;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database.close();
});

async function appWith(keys: KeyRing): Promise<FastifyInstance> {
  const app = await buildTestApp(database, keys);
  apps.push(app);
  return app;
}

describe('master-key rotation', () => {
  it('re-wraps every live data key, keeps the data readable, skips shredded people, and resumes as a no-op', async () => {
    const store = new SubjectKeyStore(before);
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await store.createSubject(database.db));
    const shredded = ids.pop()!;
    await store.shred(database.db, shredded);
    const sealed = await Promise.all(
      ids.map(async (id) =>
        encryptField(
          await store.keyFor(database.db, id),
          { subjectId: id, entity: 'contact', field: 'name' },
          `person ${id}`,
        ),
      ),
    );

    expect(await rewrapSubjectKeys(database.db, after, { batchSize: 2 })).toBe(ids.length);
    expect(await rewrapSubjectKeys(database.db, after)).toBe(0);

    // Only the new key is needed now: a ring without the old one reads every person's data.
    const onlyNew = new SubjectKeyStore(new KeyRing(newKey));
    for (const [i, id] of ids.entries()) {
      const key = await onlyNew.keyFor(database.db, id);
      expect(decryptField(key, { subjectId: id, entity: 'contact', field: 'name' }, sealed[i]!)).toBe(
        `person ${id}`,
      );
    }
    const rows = await queryRows<{ key_id: string | null }>(
      database.db,
      sql`select key_id from data_subjects`,
    );
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set([after.masterKeyId, null]));
    await expect(onlyNew.keyFor(database.db, shredded)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps audit entries signed under the old key verifiable while that key is kept as retired', async () => {
    await createUser({
      db: database.db,
      keys: before,
      ctx: systemContext('test'),
      input: {
        email: 'rotation-audit@example.test',
        name: 'Rot',
        role: 'sales',
        password: 'a long enough passphrase',
      },
    });
    await sealAll(database.db, after);
    expect(await verifyAuditChain(database.db, after)).toMatchObject({ intact: true, firstBroken: null });
    const withoutOld = await verifyAuditChain(database.db, new KeyRing(newKey));
    expect(withoutOld.intact).toBe(false);
    expect(withoutOld.firstBroken?.reason).toBe('was signed under a master key that is not loaded');
  });

  it('keeps API tokens, sessions and CSRF tokens issued before the rotation working', async () => {
    const email = `rotation-${randomBytes(4).toString('hex')}@example.test`;
    await createUser({
      db: database.db,
      keys: before,
      ctx: systemContext('test'),
      input: { email, name: 'Admin', role: 'admin', password: 'a long enough passphrase' },
    });
    const oldApp = await appWith(before);
    const login = await oldApp.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'a long enough passphrase' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = `custodian_session=${login.cookies.find((c) => c.name === 'custodian_session')?.value}`;
    const csrf = login.json().csrfToken as string;
    const created = await oldApp.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: 'sync', scopes: ['users:read'] },
    });
    expect(created.statusCode).toBe(201);
    const secret = created.json().secret as string;

    const newApp = await appWith(after);
    const byToken = await newApp.inject({
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(byToken.statusCode).toBe(200);
    const write = await newApp.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: 'after rotation', scopes: ['users:read'] },
    });
    expect(write.statusCode).toBe(201);
    // Without the old key, the same credentials are no longer recognised.
    const noOld = await appWith(new KeyRing(newKey));
    expect(
      (await noOld.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${secret}` } }))
        .statusCode,
    ).toBe(401);
  });
});
