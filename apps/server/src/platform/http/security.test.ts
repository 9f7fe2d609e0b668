import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Problem } from '@custodian/contracts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';

// The security review of the HTTP surface (SECURITY.md), as checks: each fails if its protection is removed.

let t: TestContext;
let admin: Caller;
let webRoot: string;
/** A second server on the same database, as deployed behind one TLS proxy: PUBLIC_URL https, TRUST_PROXY=1. */
let proxied: FastifyInstance;
const marker = `internal-${randomUUID()}`;

beforeAll(async () => {
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-web-'));
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>staff app</title>');
  t = await createTestContext({
    webRoot,
    // A bug: an error whose message and stack must never reach the client.
    extend: (app) =>
      app.get('/api/v1/test-only/bug', { schema: { hide: true } }, async () => {
        throw new Error(`${marker} at /srv/custodian/secret.ts:12`);
      }),
  });
  admin = await t.login(await t.createUser('admin'));
  proxied = await buildApp({
    config: {
      ...testAppConfig,
      publicUrl: 'https://crm.example.test',
      trustProxy: 1,
      requestTimeoutMs: 60_000,
    },
    database: t.database,
    keys: t.keys,
    logger: pino({ level: 'silent' }),
    webRoot: null,
  });
  await proxied.ready();
});
afterAll(async () => {
  await proxied?.close();
  await t?.close();
  if (webRoot) fs.rmSync(webRoot, { recursive: true, force: true });
});

function expectSecurityHeaders(res: LightMyRequestResponse): void {
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
  expect(res.headers['permissions-policy']).toContain('camera=()');
  expect(res.headers['permissions-policy']).toContain('geolocation=()');
  expect(res.headers).not.toHaveProperty('x-powered-by');
  expect(res.headers).not.toHaveProperty('access-control-allow-origin');
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const problem = res.json<Problem>();
  expect(problem.code).toBe(code);
  return problem;
}

const cookieOf = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name);

describe('security headers', () => {
  it('are on an API answer, which no cache may keep', async () => {
    const res = await t.request({ url: '/api/v1/auth/me', as: admin });
    expect(res.statusCode).toBe(200);
    expectSecurityHeaders(res);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('are on an error answer, including the router’s own', async () => {
    const missing = await t.request({ url: '/api/v1/nothing-here' });
    expectProblem(missing, 404, 'not_found');
    expectSecurityHeaders(missing);
    expect(missing.headers['cache-control']).toBe('no-store');
    const refused = await t.request({ url: '/api/v1/users' });
    expectProblem(refused, 401, 'unauthenticated');
    expectSecurityHeaders(refused);
    // A malformed URL is answered by the router, before any hook.
    const malformed = await t.request({ url: '/api/v1/contacts/%E0%A4%A' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['x-content-type-options']).toBe('nosniff');
    expect(malformed.headers['permissions-policy']).toContain('camera=()');
    expect(malformed.headers['cache-control']).toBe('no-store');
  });

  it('are on the web app’s page, whose CSP allows no inline or foreign script', async () => {
    const page = await t.request({ url: '/contacts', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expectSecurityHeaders(page);
    expect(String(page.headers['content-security-policy'])).not.toMatch(/script-src[^;]*unsafe/);
  });
});

describe('session cookies', () => {
  it('are httpOnly (the session), SameSite=Lax, Path=/, and not Secure over plain HTTP', async () => {
    const user = await t.createUser('sales');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { email: user.email, password: 'correct horse battery staple' },
      // Not behind a trusted proxy: a client's own X-Forwarded-Proto is not believed.
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const session = cookieOf(res, 'custodian_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session?.secure).toBeUndefined();
    expect(session).not.toHaveProperty('domain');
    const csrf = cookieOf(res, 'custodian_csrf');
    expect(csrf).toMatchObject({ sameSite: 'Lax', path: '/' });
    expect(csrf?.httpOnly).toBeUndefined();
  });

  it('are Secure when the public address is https, even when the proxy does not say so', async () => {
    const user = await t.createUser('sales');
    const res = await proxied.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'correct horse battery staple' },
      remoteAddress: '10.1.1.1',
    });
    expect(res.statusCode).toBe(200);
    expect(cookieOf(res, 'custodian_session')).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(cookieOf(res, 'custodian_csrf')).toMatchObject({ secure: true });
  });
});

describe('CSRF', () => {
  const body = { name: 'csrf probe', scopes: ['tokens:own'] };

  it('refuses a write with the session cookie but without the token, or with a wrong one', async () => {
    expectProblem(
      await t.request({ method: 'POST', url: '/api/v1/tokens', as: { cookie: admin.cookie }, body }),
      403,
      'csrf_failed',
    );
    expectProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/tokens',
        as: { cookie: admin.cookie, csrf: `${admin.csrf}x` },
        headers: { origin: 'https://evil.example' },
        body,
      }),
      403,
      'csrf_failed',
    );
    expect((await t.request({ method: 'POST', url: '/api/v1/tokens', as: admin, body })).statusCode).toBe(
      201,
    );
  });

  it('needs no token from an API token (no cookie, nothing a browser sends by itself)', async () => {
    const created = await t.request({ method: 'POST', url: '/api/v1/tokens', as: admin, body });
    const { secret, token } = created.json<{ secret: string; token: { id: string } }>();
    const revoked = await t.request({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      as: { token: secret },
    });
    expect(revoked.statusCode).toBe(204);
  });

  it('refuses a sign-in posted by another site’s form (login CSRF), as any form body outside the form pages', async () => {
    const user = await t.createUser('sales');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: new URLSearchParams({
        email: user.email,
        password: 'correct horse battery staple',
      }).toString(),
    });
    expectProblem(res, 415, 'unsupported_media_type');
    expect(cookieOf(res, 'custodian_session')).toBeUndefined();
    const form = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: admin,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x&scopes=tokens:own',
    });
    expectProblem(form, 415, 'unsupported_media_type');
  });
});

describe('CORS', () => {
  it('allows no other origin: neither a preflight nor a simple request gets Access-Control headers', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-csrf-token',
      },
    });
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
    for (const res of [
      preflight,
      await t.request({ url: '/api/v1/auth/me', as: admin, headers: { origin: 'https://evil.example' } }),
    ]) {
      expect(res.headers).not.toHaveProperty('access-control-allow-origin');
      expect(res.headers).not.toHaveProperty('access-control-allow-credentials');
      expect(res.headers).not.toHaveProperty('access-control-allow-methods');
      expect(res.headers).not.toHaveProperty('access-control-allow-headers');
    }
  });
});

describe('rate limits', () => {
  /** Sends requests from one address until refused; the limit is the one the first answer announces. */
  async function exhaust(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
    const first = await send();
    const limit = Number(first.headers['x-ratelimit-limit']);
    expect(limit, 'the endpoint announces a per-address limit').toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(60);
    for (let i = 1; i < limit; i++) expect((await send()).statusCode).not.toBe(429);
    const refused = await send();
    const problem = expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(problem.requestId).toBe(refused.headers['x-request-id']);
    return refused;
  }

  it('limit every public write per address, answering 429 problem+json with Retry-After', async () => {
    const doc = (await t.request({ url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    }>();
    const writes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([method, op]) => method !== 'get' && op['x-permission'] === 'public')
        .map(([method]) => ({
          method: method.toUpperCase() as 'POST',
          url: p.replace(/\{[^}]+\}/g, randomUUID()),
        })),
    );
    // Sign-in, setup, consent forms and their confirmation, portal requests and their verification, preferences,
    // unsubscribe: each must be in the document, so this test cannot pass by finding nothing.
    const urls = writes.map((w) => w.url.replace(/[0-9a-f-]{36}/g, ':id'));
    for (const expected of [
      '/api/v1/auth/login',
      '/api/v1/setup',
      '/api/v1/public/consent',
      '/api/v1/public/consent/confirm',
      '/api/v1/public/requests',
      '/api/v1/public/requests/:id/verify',
      '/api/v1/public/preferences',
      '/api/v1/public/unsubscribe',
    ])
      expect(urls).toContain(expected);
    for (const write of writes) {
      const remoteAddress = `10.${writes.indexOf(write)}.0.1`;
      // Invalid bodies: the limit counts before anything is parsed, so flooding with junk is limited too.
      const send = () => t.request({ ...write, body: {}, remoteAddress });
      await exhaust(send);
      // Another address is not affected.
      expect((await t.request({ ...write, body: {}, remoteAddress: '10.255.0.1' })).statusCode).not.toBe(429);
    }
  });

  it('limit sign-ins per address on top of the account throttle; a spoofed X-Forwarded-For does not reset it', async () => {
    const remoteAddress = '192.0.2.10';
    const send = (headers: Record<string, string> = {}) =>
      t.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        // A new unknown account each time: the per-account throttle never engages, only the per-address limit.
        body: { email: `${randomUUID()}@example.test`, password: 'wrong password' },
        headers,
        remoteAddress,
      });
    await exhaust(() => send());
    expectProblem(await send({ 'x-forwarded-for': '203.0.113.7' }), 429, 'rate_limited');
  });

  it('behind a trusted proxy, key on the address the proxy saw, not on one the client wrote', async () => {
    const proxy = '10.0.0.2';
    const send = (forwardedFor: string) =>
      proxied.inject({
        method: 'POST',
        url: '/api/v1/public/requests/00000000-0000-4000-8000-000000000000/verify',
        payload: { code: '000000' },
        headers: { 'x-forwarded-for': forwardedFor },
        remoteAddress: proxy,
      });
    await exhaust(() => send('198.51.100.1'));
    // The client prepends addresses of its choosing; the proxy appends the real one.
    expectProblem(
      await send(`203.0.113.${Math.floor(Math.random() * 250)}, 198.51.100.1`),
      429,
      'rate_limited',
    );
    expect((await send('198.51.100.2')).statusCode).not.toBe(429);
  });
});

describe('request limits', () => {
  it('refuses a body over the limit with 413 problem+json', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/public/requests',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ details: 'x'.repeat(testAppConfig.bodyLimit + 1) }),
    });
    expectProblem(res, 413, 'payload_too_large');
    expect(res.body).not.toContain('xxxx');
  });

  it('sets the server’s timeouts: whole request, headers, idle connection, keep-alive', () => {
    expect(t.app.server.requestTimeout).toBe(300_000);
    expect(t.app.server.headersTimeout).toBe(30_000);
    expect(t.app.server.timeout).toBe(300_000);
    expect(t.app.server.keepAliveTimeout).toBe(72_000);
    expect(proxied.server.requestTimeout).toBe(60_000);
    expect(proxied.server.timeout).toBe(60_000);
  });
});

describe('errors', () => {
  it('answer a bug with 500 problem+json naming the request, never the message or a stack', async () => {
    const res = await t.request({ url: '/api/v1/test-only/bug' });
    const problem = expectProblem(res, 500, 'internal');
    expect(problem.detail).toBe('Something went wrong on our side');
    expect(problem.requestId).toBe(res.headers['x-request-id']);
    expect(res.body).not.toContain(marker);
    expect(res.body).not.toContain('secret.ts');
    expect(res.body).not.toMatch(/\bat .+:\d+/);
    expect(problem).not.toHaveProperty('stack');
    expectSecurityHeaders(res);
  });
});
