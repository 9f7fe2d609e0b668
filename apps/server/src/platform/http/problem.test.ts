import type { Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Caller,
  createTestContext,
  type TestContext,
  testPassword,
  uniqueEmail,
} from '../../test/context.js';

const leakyMessage = 'secret value jane@example.com';

let t: TestContext;
let admin: Caller;
beforeAll(async () => {
  t = await createTestContext({
    extend: (app, database) => {
      app.get('/boom', async () => {
        throw new Error(leakyMessage);
      });
      // A number over an int4 column's range reaching the database (a contract that forgot the bound).
      app.get('/too-big', async () => database.db.execute(sql`select ${'3000000000'}::int4 as n`));
    },
  });
  admin = await t.login(await t.createUser('admin'));
});
afterAll(() => t.close());

/** Checks the RFC 9457 shape every error carries, and returns the problem. */
function expectProblem(res: LightMyRequestResponse, status: number, code: Problem['code']): Problem {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json<Problem>();
  expect(problem).toMatchObject({ status, code });
  expect(problem.type).toMatch(/^https:\/\//);
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.detail).toEqual(expect.any(String));
  expect(problem.requestId).toEqual(expect.any(String));
  expect(problem.requestId).toBe(res.headers['x-request-id']);
  return problem;
}

describe('problem+json for every error', () => {
  it('400 for a body that is not JSON', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "broken@example.test", "password": ',
    });
    const problem = expectProblem(res, 400, 'bad_request');
    expect(res.body).not.toContain('broken@example.test');
    expect(problem.detail).not.toMatch(/Unexpected|position/i);
  });

  it('400 for a body that breaks the schema, naming the fields but not their values', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: admin,
      body: { email: 'nope-qzq', name: 'N', role: 'emperor-qzq', password: 'x' },
    });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(['body.email', 'body.password', 'body.role']);
    expect(res.body).not.toContain('qzq');
  });

  it('401 without credentials', async () => {
    expectProblem(await t.request({ url: '/api/v1/auth/me' }), 401, 'unauthenticated');
  });

  it('403 without the permission', async () => {
    const sales = await t.login(await t.createUser('sales'));
    expectProblem(await t.request({ url: '/api/v1/users', as: sales }), 403, 'forbidden');
  });

  it('404 for an unknown route, under /api and elsewhere', async () => {
    expectProblem(await t.request({ url: '/api/v1/nothing-here' }), 404, 'not_found');
    expectProblem(await t.request({ method: 'POST', url: '/api/nothing', body: {} }), 404, 'not_found');
    expectProblem(
      await t.request({ url: '/nothing-here', headers: { accept: 'text/html' } }),
      404,
      'not_found',
    );
  });

  it('409 for a conflict', async () => {
    const email = uniqueEmail('dup');
    const body = { email, name: 'Dup', role: 'sales', password: testPassword };
    expect((await t.request({ method: 'POST', url: '/api/v1/users', as: admin, body })).statusCode).toBe(201);
    const res = await t.request({ method: 'POST', url: '/api/v1/users', as: admin, body });
    expectProblem(res, 409, 'conflict');
    expect(res.body).not.toContain(email);
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'big@example.test', password: 'x'.repeat(1_100_000) }),
    });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('400 for a malformed URL and 414 for an over-long path segment, never quoting the path', async () => {
    const malformed = await t.request({ url: '/api/v1/contacts/jane%ED%A0%80doe', as: admin });
    expectProblem(malformed, 400, 'bad_request');
    expect(malformed.body).not.toContain('jane');
    const long = await t.request({ url: `/api/v1/contacts/jane.doe${'x'.repeat(300)}`, as: admin });
    expectProblem(long, 414, 'uri_too_long');
    expect(long.body).not.toContain('jane');
  });

  it('400 for a number the database cannot store, not a 500', async () => {
    const res = await t.request({ url: '/too-big' });
    expectProblem(res, 400, 'bad_request');
    expect(res.body).not.toContain('3000000000');
  });

  it('415 for a text/plain body to a JSON endpoint', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=plain@example.test',
    });
    expectProblem(res, 415, 'unsupported_media_type');
    expect(res.body).not.toContain('plain@example.test');
  });

  it('500 for a bug, with neither its message nor a stack, in the answer or the log', async () => {
    const res = await t.request({ url: '/boom' });
    const problem = expectProblem(res, 500, 'internal');
    expect(res.body).not.toContain('secret value');
    expect(res.body).not.toContain('jane@example.com');
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+/);
    expect(res.body).not.toContain('.ts');
    expect(problem).not.toHaveProperty('stack');
    // The log names the request so that the bug can be found, without the message's personal data.
    const logged = t.logLines.filter((line) => line.includes(problem.requestId));
    expect(logged.length).toBeGreaterThan(0);
    expect(t.logLines.join('\n')).not.toContain('jane@example.com');
  });
});

describe('headers', () => {
  it('sends helmet’s security headers and no CORS header', async () => {
    const res = await t.request({
      url: '/api/v1/auth/me',
      as: admin,
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
    expect(res.headers).not.toHaveProperty('access-control-allow-credentials');
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });

  it('answers a CORS preflight without allowing anything', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
    expect(res.headers).not.toHaveProperty('access-control-allow-methods');
  });

  it('sends security headers on errors too', async () => {
    const res = await t.request({ url: '/api/v1/nothing' });
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('health and documentation', () => {
  it('is alive and ready, with current migrations', async () => {
    const live = await t.request({ url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await t.request({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      migrations: 'current',
      database: t.database.engine,
    });
  });

  it('publishes an OpenAPI 3.1 document naming each endpoint’s permission', async () => {
    const res = await t.request({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.paths['/api/v1/users']?.get?.['x-permission']).toBe('users:read');
    expect(doc.paths['/api/v1/users']?.post?.['x-permission']).toBe('users:manage');
    expect(doc.paths['/api/v1/users/{id}']?.get?.['x-permission']).toBe('users:read');
    expect(doc.paths['/healthz']?.get?.['x-permission']).toBe('public');
  });

  it('serves the API documentation as HTML', async () => {
    for (const url of ['/api/docs', '/api/docs/']) {
      const res = await t.request({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<html');
    }
  });
});

describe('log redaction', () => {
  it('logs no password, cookie, token, e-mail or query-string value', async () => {
    const user = await t.createUser('admin');
    const cookieValue = 'cookievalue-9b1c2d3e4f';
    const bearer = 'cst_bearervalue9b1c2d3e4f5a6b7c8d9e0f';
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login?next=querysecret-77',
      headers: { authorization: `Bearer ${bearer}`, cookie: `custodian_session=${cookieValue}` },
      body: { email: user.email, password: testPassword },
    });
    expect(login.statusCode).toBe(200);
    const sessionValue = login.cookies.find((c) => c.name === 'custodian_session')?.value;
    expect(sessionValue).toBeTruthy();
    const caller: Caller = {
      cookie: `custodian_session=${sessionValue}`,
      csrf: login.json<{ csrfToken: string }>().csrfToken,
    };

    const list = await t.request({ url: '/api/v1/users?role=admin&cursor=secretvalue', as: caller });
    expect(list.statusCode).toBe(400); // the cursor is not one the server issued
    const failed = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { email: user.email, password: 'a wrong password entirely' },
    });
    expect(failed.statusCode).toBe(401);

    const log = t.logLines.join('\n');
    expect(log).toContain('/api/v1/users?role=[redacted]&cursor=[redacted]');
    for (const secret of [
      testPassword,
      'a wrong password entirely',
      cookieValue,
      sessionValue!,
      caller.csrf!,
      bearer,
      user.email,
      user.email.split('@')[0]!,
      'secretvalue',
      'querysecret-77',
    ]) {
      expect(log, `the log contains ${secret}`).not.toContain(secret);
    }
  });
});
