import { randomUUID } from 'node:crypto';
import type { ApiToken, Me, Permission, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext, type TestUser } from '../../test/context.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

interface Created {
  token: ApiToken;
  secret: string;
}

async function createToken(
  caller: Caller,
  scopes: Permission[],
  extra: Record<string, unknown> = {},
): Promise<Created> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/tokens',
    as: caller,
    body: { name: `token ${randomUUID()}`, scopes, ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`token creation failed with ${res.statusCode}: ${res.body}`);
  return res.json<Created>();
}

const me = (caller: Caller) => t.request({ url: '/api/v1/auth/me', as: caller });
const listTokens = (caller: Caller, query = '') =>
  t
    .request({ url: `/api/v1/tokens${query}`, as: caller })
    .then((r) => ({ status: r.statusCode, items: r.json<{ items?: ApiToken[] }>().items ?? [] }));

async function signedIn(role: TestUser['role']): Promise<{ user: TestUser; session: Caller }> {
  const user = await t.createUser(role);
  return { user, session: await t.login(user) };
}

describe('creating a token', () => {
  it('returns the secret once, prefixed cst_, and never again', async () => {
    const { user, session } = await signedIn('sales');
    const { token, secret } = await createToken(session, ['tokens:own'], { expiresInDays: 30 });
    expect(secret).toMatch(/^cst_[A-Za-z0-9_-]{40,}$/);
    expect(token).toMatchObject({
      userId: user.id,
      scopes: ['tokens:own'],
      revokedAt: null,
      lastUsedAt: null,
    });
    const days = (Date.parse(token.expiresAt) - Date.parse(token.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);

    const list = await t.request({ url: '/api/v1/tokens', as: session });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: ApiToken[] }>().items.map((x) => x.id)).toEqual([token.id]);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain(secret.slice(4));
  });

  it('stores only a keyed hash: no column of the row holds the secret', async () => {
    const { session } = await signedIn('support');
    const { token, secret } = await createToken(session, ['tokens:own']);
    const rows = await queryRows<{ hash: string; row: string }>(
      t.database.db,
      sql`select encode(token_hash, 'hex') as hash, row_to_json(api_tokens)::text as row from api_tokens where id = ${token.id}`,
    );
    expect(rows).toHaveLength(1);
    const { hash, row } = rows[0]!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(Buffer.from(secret).toString('hex'));
    expect(hash).not.toContain(Buffer.from(secret.slice(4)).toString('hex'));
    expect(row).not.toContain(secret.slice(4));
    expect(row).not.toContain(Buffer.from(secret).toString('hex'));
    expect(row).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('refuses scopes the owner’s role does not grant', async () => {
    const { session } = await signedIn('sales');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: session,
      body: { name: 'too much', scopes: ['tokens:own', 'users:read'] },
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json<Problem>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.field)).toEqual(['body.scopes']);
    expect((await listTokens(session)).items).toEqual([]);
  });

  it('refuses a scope that does not exist', async () => {
    const { session } = await signedIn('admin');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: session,
      body: { name: 'x', scopes: ['root:all'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toMatch(/^body\.scopes/);
  });
});

describe('authenticating with a token', () => {
  it('works as Authorization: Bearer on /auth/me, with authMethod token and only its scopes', async () => {
    const { user, session } = await signedIn('dpo');
    const { secret } = await createToken(session, ['users:read', 'tokens:own']);
    const res = await me({ token: secret });
    expect(res.statusCode).toBe(200);
    const body = res.json<Me>();
    expect(body).toMatchObject({ user: { id: user.id }, authMethod: 'token', csrfToken: null });
    expect([...body.permissions].sort()).toEqual(['tokens:own', 'users:read']);
    expect((await t.request({ url: '/api/v1/users', as: { token: secret } })).statusCode).toBe(200);
  });

  it('is limited by its scopes: an admin token with only tokens:own cannot list users', async () => {
    const { session } = await signedIn('admin');
    expect((await t.request({ url: '/api/v1/users', as: session })).statusCode).toBe(200);
    const { secret } = await createToken(session, ['tokens:own']);
    const res = await t.request({ url: '/api/v1/users', as: { token: secret } });
    expect(res.statusCode).toBe(403);
    expect(res.json<Problem>().code).toBe('forbidden');
    expect((await t.request({ url: '/api/v1/tokens', as: { token: secret } })).statusCode).toBe(200);
  });

  it('cannot mint a token with more scopes than it has itself', async () => {
    const { session } = await signedIn('admin');
    const { secret } = await createToken(session, ['tokens:own']);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: { token: secret },
      body: { name: 'escalation', scopes: ['tokens:own', 'users:manage'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toEqual(['body.scopes']);
    expect(res.body).not.toContain('cst_');
  });

  it('needs no CSRF header for writes', async () => {
    const { session } = await signedIn('marketing');
    const { secret } = await createToken(session, ['tokens:own']);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: { token: secret },
      body: { name: 'made by a token', scopes: ['tokens:own'] },
    });
    expect(res.statusCode).toBe(201);
    const other = res.json<Created>();
    const revoke = await t.request({
      method: 'DELETE',
      url: `/api/v1/tokens/${other.token.id}`,
      as: { token: secret },
    });
    expect(revoke.statusCode).toBe(204);
  });

  it('refuses an expired token with 401', async () => {
    const { session } = await signedIn('sales');
    const { token, secret } = await createToken(session, ['tokens:own']);
    expect((await me({ token: secret })).statusCode).toBe(200);
    await queryRows(
      t.database.db,
      sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${token.id}`,
    );
    const res = await me({ token: secret });
    expect(res.statusCode).toBe(401);
    expect(res.json<Problem>().code).toBe('unauthenticated');
  });

  it('refuses a revoked token with 401', async () => {
    const { session } = await signedIn('support');
    const { token, secret } = await createToken(session, ['tokens:own']);
    expect((await me({ token: secret })).statusCode).toBe(200);
    const revoke = await t.request({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, as: session });
    expect(revoke.statusCode).toBe(204);
    expect((await me({ token: secret })).statusCode).toBe(401);
    const listed = (await listTokens(session)).items.find((x) => x.id === token.id);
    expect(listed?.revokedAt).not.toBeNull();
  });

  it('refuses a made-up or malformed token with 401, like a revoked one', async () => {
    const made = await me({ token: `cst_${'A'.repeat(43)}` });
    expect(made.statusCode).toBe(401);
    const malformed = await t.request({ url: '/api/v1/auth/me', headers: { authorization: 'Bearer x' } });
    expect(malformed.statusCode).toBe(401);
    const basic = await t.request({
      url: '/api/v1/auth/me',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.statusCode).toBe(401);
  });
});

describe('revoking and listing', () => {
  it('answers 404 to a non-admin revoking someone else’s token, exactly as for a missing one', async () => {
    const owner = await signedIn('sales');
    const { token, secret } = await createToken(owner.session, ['tokens:own']);
    const other = await signedIn('support');
    const foreign = await t.request({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      as: other.session,
    });
    const missing = await t.request({
      method: 'DELETE',
      url: `/api/v1/tokens/${randomUUID()}`,
      as: other.session,
    });
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined });
    expect(strip(foreign.body)).toEqual(strip(missing.body));
    // And the token still works.
    expect((await me({ token: secret })).statusCode).toBe(200);
  });

  it('lets an admin revoke anyone’s token', async () => {
    const owner = await signedIn('sales');
    const { token, secret } = await createToken(owner.session, ['tokens:own']);
    const { session: admin } = await signedIn('admin');
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, as: admin })).statusCode,
    ).toBe(204);
    expect((await me({ token: secret })).statusCode).toBe(401);
  });

  it('lists only your own tokens; everyone’s for an admin with ?all=true', async () => {
    const a = await signedIn('sales');
    const b = await signedIn('support');
    const ta = await createToken(a.session, ['tokens:own']);
    const tb = await createToken(b.session, ['tokens:own']);

    const own = await listTokens(a.session);
    expect(own.items.map((x) => x.id)).toEqual([ta.token.id]);
    const ownAll = await listTokens(a.session, '?all=true');
    expect(ownAll.status).toBe(403);

    const { session: admin } = await signedIn('admin');
    expect((await listTokens(admin)).items).toEqual([]);
    const all = await listTokens(admin, '?all=true');
    expect(all.status).toBe(200);
    const ids = all.items.map((x) => x.id);
    expect(ids).toContain(ta.token.id);
    expect(ids).toContain(tb.token.id);
    expect(JSON.stringify(all.items)).not.toContain(ta.secret.slice(4));
  });
});
