import { randomUUID } from 'node:crypto';
import type { Problem, User } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Caller,
  createTestContext,
  type TestContext,
  testPassword,
  uniqueEmail,
} from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let adminId: string;
beforeAll(async () => {
  t = await createTestContext();
  const user = await t.createUser('admin');
  adminId = user.id;
  admin = await t.login(user);
});
afterAll(() => t.close());

const newUserBody = (overrides: Record<string, unknown> = {}) => ({
  email: uniqueEmail('created'),
  name: 'Ada Created',
  role: 'sales',
  password: 'a long enough password',
  ...overrides,
});

const me = (caller: Caller) => t.request({ url: '/api/v1/auth/me', as: caller });

describe('creating users', () => {
  it('creates a user and answers 201 with it, without any password field', async () => {
    const body = newUserBody({ role: 'support' });
    const res = await t.request({ method: 'POST', url: '/api/v1/users', as: admin, body });
    expect(res.statusCode).toBe(201);
    const user = res.json<User>();
    expect(user).toMatchObject({
      email: body.email,
      name: 'Ada Created',
      role: 'support',
      status: 'active',
      mfaEnabled: false,
    });
    expect(res.body).not.toContain(body.password);
    expect(res.body).not.toContain('passwordHash');
    const fetched = await t.request({ url: `/api/v1/users/${user.id}`, as: admin });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json<User>()).toEqual(user);
  });

  it('refuses a duplicate e-mail, whatever its case, with a 409 that does not quote it', async () => {
    const email = uniqueEmail('twice');
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/users', as: admin, body: newUserBody({ email }) }))
        .statusCode,
    ).toBe(201);
    const again = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: admin,
      body: newUserBody({ email: email.toUpperCase() }),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<Problem>().code).toBe('conflict');
    expect(again.json<Problem>().errors).toEqual([expect.objectContaining({ field: 'body.email' })]);
    expect(again.body.toLowerCase()).not.toContain(email.toLowerCase());
    expect(again.body.toLowerCase()).not.toContain(email.split('@')[0]);
  });

  it.each([
    { field: 'body.email', value: 'not-an-email-address-7351' },
    { field: 'body.password', value: 'short-7351' },
    { field: 'body.role', value: 'overlord-7351' },
  ])('names $field when it is invalid, without echoing the value', async ({ field, value }) => {
    const key = field.slice('body.'.length);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: admin,
      body: newUserBody({ [key]: value }),
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json<Problem>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.field)).toEqual([field]);
    expect(res.body).not.toContain(value);
  });

  it('refuses a PATCH with nothing to change', async () => {
    const user = await t.createUser('sales');
    const res = await t.request({ method: 'PATCH', url: `/api/v1/users/${user.id}`, as: admin, body: {} });
    expect(res.statusCode).toBe(400);
    const problem = res.json<Problem>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.field)).toEqual(['body']);
  });

  it('does not echo an invalid value on PATCH either', async () => {
    const user = await t.createUser('sales');
    const secret = 'tiny-4242';
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      as: admin,
      body: { password: secret },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toEqual(['body.password']);
    expect(res.body).not.toContain(secret);
  });
});

describe('reading users', () => {
  it('answers 404 for an id that does not exist', async () => {
    const res = await t.request({ url: `/api/v1/users/${randomUUID()}`, as: admin });
    expect(res.statusCode).toBe(404);
    expect(res.json<Problem>().code).toBe('not_found');
  });

  it('walks every page with limit=2, each user exactly once', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await t.createUser('readonly'));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const res = await t.request({ url: `/api/v1/users?${query}`, as: admin });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: User[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 1000);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    for (const user of created) expect(seen).toContain(user.id);
    expect(seen).toContain(adminId);
    // Same set as one big page.
    const all = (await t.request({ url: '/api/v1/users?limit=200', as: admin })).json<{ items: User[] }>();
    expect([...seen].sort()).toEqual(all.items.map((u) => u.id).sort());
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await t.request({ url: '/api/v1/users?cursor=not-a-cursor', as: admin });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toBe('querystring.cursor');
  });

  it('filters by role', async () => {
    const marketer = await t.createUser('marketing');
    await t.createUser('sales');
    const res = await t.request({ url: '/api/v1/users?role=marketing&limit=200', as: admin });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: User[] }>();
    expect(items.map((u) => u.id)).toContain(marketer.id);
    expect(items.every((u) => u.role === 'marketing')).toBe(true);
  });
});

describe('changing users', () => {
  it('changes name and role', async () => {
    const user = await t.createUser('sales');
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      as: admin,
      body: { name: 'Grace Renamed', role: 'dpo' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<User>()).toMatchObject({ id: user.id, name: 'Grace Renamed', role: 'dpo' });
    // The new role applies to the user's next request.
    const caller = await t.login(user);
    expect((await t.request({ url: '/api/v1/users', as: caller })).statusCode).toBe(200);
  });

  it('answers 404 when changing a user that does not exist', async () => {
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${randomUUID()}`,
      as: admin,
      body: { name: 'X' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('disables on DELETE: 204, existing sessions and API tokens stop working', async () => {
    const user = await t.createUser('support');
    const session = await t.login(user);
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: session,
      body: { name: 'script', scopes: ['tokens:own'] },
    });
    expect(created.statusCode).toBe(201);
    const bearer: Caller = { token: created.json<{ secret: string }>().secret };
    expect((await me(session)).statusCode).toBe(200);
    expect((await me(bearer)).statusCode).toBe(200);

    const off = await t.request({ method: 'DELETE', url: `/api/v1/users/${user.id}`, as: admin });
    expect(off.statusCode).toBe(204);
    expect(off.body).toBe('');

    expect((await me(session)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
    const fetched = await t.request({ url: `/api/v1/users/${user.id}`, as: admin });
    expect(fetched.json<User>().status).toBe('disabled');
    const tokens = await t.request({ url: '/api/v1/tokens?all=true', as: admin });
    const mine = tokens
      .json<{ items: { userId: string; revokedAt: string | null }[] }>()
      .items.filter((x) => x.userId === user.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.revokedAt).not.toBeNull();
  });

  it('does not let an admin disable or demote themself', async () => {
    const self = await t.createUser('admin');
    const caller = await t.login(self);
    const del = await t.request({ method: 'DELETE', url: `/api/v1/users/${self.id}`, as: caller });
    expect(del.statusCode).toBe(409);
    expect(del.json<Problem>().code).toBe('conflict');
    const disable = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${self.id}`,
      as: caller,
      body: { status: 'disabled' },
    });
    expect(disable.statusCode).toBe(409);
    const demote = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${self.id}`,
      as: caller,
      body: { role: 'sales' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json<Problem>().errors?.[0]?.field).toBe('body.role');
    // Still an active admin with a working session.
    const still = await me(caller);
    expect(still.statusCode).toBe(200);
    expect(still.json<{ user: User }>().user).toMatchObject({ role: 'admin', status: 'active' });
  });

  it('ends the sessions of a user whose password changes', async () => {
    const user = await t.createUser('sales');
    const session = await t.login(user);
    expect((await me(session)).statusCode).toBe(200);
    const newPassword = 'an entirely new passphrase';
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      as: admin,
      body: { password: newPassword },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(newPassword);
    expect((await me(session)).statusCode).toBe(401);
    const old = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { email: user.email, password: testPassword },
    });
    expect(old.statusCode).toBe(401);
    expect((await me(await t.login(user, { password: newPassword }))).statusCode).toBe(200);
  });

  it('keeps the sessions of a user whose name changes', async () => {
    const user = await t.createUser('sales');
    const session = await t.login(user);
    await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      as: admin,
      body: { name: 'Only A Rename' },
    });
    expect((await me(session)).statusCode).toBe(200);
  });
});
