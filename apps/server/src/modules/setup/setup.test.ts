import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { createTestContext, type TestContext, testPassword, uniqueEmail } from '../../test/context.js';
import { setupToken } from './index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const completeSetup = (
  ctx: TestContext,
  body: { token: string; email: string; name?: string; password?: string },
) =>
  ctx.request({
    method: 'POST',
    url: '/api/v1/setup',
    body: { name: 'First Administrator', password: testPassword, ...body },
  });

describe('first-run setup', () => {
  // The steps build on each other: one empty database, set up once.
  const email = uniqueEmail('First.Admin');
  let adminId = '';

  it('says setup is required on an empty database', async () => {
    const res = await t.request({ url: '/api/v1/setup' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ required: true });
  });

  it('refuses a wrong setup token with 403 and creates nobody', async () => {
    const wrong = Buffer.from(setupToken(t.keys)).reverse().toString();
    const res = await completeSetup(t, { token: wrong, email });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('forbidden');
    expect(res.body).not.toContain(setupToken(t.keys));
    expect((await t.request({ url: '/api/v1/setup' })).json()).toEqual({ required: true });
  });

  it('creates the first administrator with the right token', async () => {
    const res = await completeSetup(t, { token: setupToken(t.keys), email });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({
      email: email.toLowerCase(),
      name: 'First Administrator',
      role: 'admin',
      status: 'active',
    });
    expect(user).not.toHaveProperty('passwordHash');
    adminId = user.id;

    // Audited under the new person's random id only.
    const entries = await queryRows<{ subject_ids: string[]; row: string }>(
      t.database.db,
      sql`select subject_ids, a::text as row from audit_entries a where action = 'setup.complete'`,
    );
    expect(entries).toHaveLength(1);
    const [admin] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from users where id = ${adminId}`,
    );
    expect(entries[0]?.subject_ids).toEqual([admin?.subject_id]);
    expect(entries[0]?.row.toLowerCase()).not.toContain(email.toLowerCase());
    expect(entries[0]?.row).not.toContain('First Administrator');
  });

  it('refuses a second setup with 409, even with the right token', async () => {
    const res = await completeSetup(t, { token: setupToken(t.keys), email: uniqueEmail('second') });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('conflict');
    const admins = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from users`);
    expect(admins[0]?.n).toBe(1);
  });

  it('then says setup is no longer required, and the administrator can sign in', async () => {
    expect((await t.request({ url: '/api/v1/setup' })).json()).toEqual({ required: false });
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { email, password: testPassword },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ id: adminId, role: 'admin' });
  });
});

describe('setup requested twice at once', () => {
  it('creates exactly one administrator', async () => {
    const fresh = await createTestContext();
    try {
      const token = setupToken(fresh.keys);
      const results = await Promise.all([
        completeSetup(fresh, { token, email: uniqueEmail('racer') }),
        completeSetup(fresh, { token, email: uniqueEmail('racer') }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const users = await queryRows<{ n: number }>(
        fresh.database.db,
        sql`select count(*)::int as n from users`,
      );
      expect(users[0]?.n).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
