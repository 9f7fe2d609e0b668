import { randomUUID } from 'node:crypto';
import type { ApiToken, Problem } from '@custodian/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
});
afterAll(() => t.close());

const cookieOnly = (caller: Caller): Caller => ({ cookie: caller.cookie });
const withCsrf = (caller: Caller, csrf: string): Caller => ({ cookie: caller.cookie, csrf });

async function createTokenFor(caller: Caller): Promise<ApiToken> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/tokens',
    as: caller,
    body: { name: `csrf ${randomUUID()}`, scopes: ['tokens:own'] },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ token: ApiToken }>().token;
}

function expectCsrfRefusal(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(403);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json<Problem>().code).toBe('csrf_failed');
}

describe('CSRF protection of cookie sessions', () => {
  it('refuses a POST without the header, or with a wrong one, and accepts the right one', async () => {
    const body = { name: 'csrf probe', scopes: ['tokens:own'] };
    expectCsrfRefusal(
      await t.request({ method: 'POST', url: '/api/v1/tokens', as: cookieOnly(admin), body }),
    );
    expectCsrfRefusal(
      await t.request({ method: 'POST', url: '/api/v1/tokens', as: withCsrf(admin, 'not-the-token'), body }),
    );
    expectCsrfRefusal(
      await t.request({
        method: 'POST',
        url: '/api/v1/tokens',
        as: cookieOnly(admin),
        headers: { 'x-csrf-token': '' },
        body,
      }),
    );
    // Nothing was created by the refused calls.
    const before = await t.request({ url: '/api/v1/tokens', as: admin });
    expect(before.json<{ items: ApiToken[] }>().items.filter((x) => x.name === 'csrf probe')).toEqual([]);
    const ok = await t.request({ method: 'POST', url: '/api/v1/tokens', as: admin, body });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses a CSRF token that belongs to another session', async () => {
    const other = await t.login(await t.createUser('admin'));
    expect(other.csrf).not.toBe(admin.csrf);
    expectCsrfRefusal(
      await t.request({
        method: 'POST',
        url: '/api/v1/tokens',
        as: withCsrf(admin, other.csrf ?? ''),
        body: { name: 'x', scopes: ['tokens:own'] },
      }),
    );
  });

  it('refuses a PATCH without the right header and applies it with it', async () => {
    const user = await t.createUser('sales');
    const url = `/api/v1/users/${user.id}`;
    expectCsrfRefusal(
      await t.request({ method: 'PATCH', url, as: cookieOnly(admin), body: { name: 'No Header' } }),
    );
    expectCsrfRefusal(
      await t.request({
        method: 'PATCH',
        url,
        as: withCsrf(admin, `${admin.csrf}x`),
        body: { name: 'Wrong' },
      }),
    );
    const unchanged = await t.request({ url, as: admin });
    expect(unchanged.json<{ name: string }>().name).toBe('Test sales');
    const ok = await t.request({ method: 'PATCH', url, as: admin, body: { name: 'Right Header' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ name: string }>().name).toBe('Right Header');
  });

  it('refuses a DELETE without the right header and performs it with it', async () => {
    const token = await createTokenFor(admin);
    const url = `/api/v1/tokens/${token.id}`;
    expectCsrfRefusal(await t.request({ method: 'DELETE', url, as: cookieOnly(admin) }));
    expectCsrfRefusal(await t.request({ method: 'DELETE', url, as: withCsrf(admin, 'wrong') }));
    const list = await t.request({ url: '/api/v1/tokens', as: admin });
    expect(list.json<{ items: ApiToken[] }>().items.find((x) => x.id === token.id)?.revokedAt).toBeNull();
    expect((await t.request({ method: 'DELETE', url, as: admin })).statusCode).toBe(204);
  });

  it('checks the header before the body: a refused write learns nothing from validation', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: cookieOnly(admin),
      body: { email: 'bad' },
    });
    expectCsrfRefusal(res);
  });

  it('needs no header for a GET', async () => {
    const me = await t.request({ url: '/api/v1/auth/me', as: cookieOnly(admin) });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ csrfToken: string }>().csrfToken).toBe(admin.csrf);
    expect((await t.request({ url: '/api/v1/users', as: cookieOnly(admin) })).statusCode).toBe(200);
  });

  it('also guards logout, so another site cannot sign a user out', async () => {
    const caller = await t.login(await t.createUser('support'));
    expectCsrfRefusal(
      await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: cookieOnly(caller) }),
    );
    expect((await t.request({ url: '/api/v1/auth/me', as: caller })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: caller })).statusCode).toBe(
      204,
    );
  });
});
