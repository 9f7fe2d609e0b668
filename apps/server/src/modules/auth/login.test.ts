import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import {
  createTestContext,
  type TestContext,
  testPassword,
  totpNow,
  uniqueEmail,
} from '../../test/context.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const login = (email: string, password: string, extra: Record<string, string> = {}) =>
  t.request({ method: 'POST', url: '/api/v1/auth/login', body: { email, password, ...extra } });

describe('sign-in', () => {
  it('signs in, sets an httpOnly SameSite=Lax session cookie and answers who is signed in', async () => {
    const user = await t.createUser('sales');
    const res = await login(user.email.toUpperCase(), testPassword);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'custodian_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.secure).toBeFalsy(); // plain HTTP here; Secure is set when the request came over TLS
    expect(res.json().user.id).toBe(user.id);
    const me = await t.request({
      url: '/api/v1/auth/me',
      as: { cookie: `custodian_session=${cookie?.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: user.id, role: 'sales' }, authMethod: 'session' });
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const user = await t.createUser('sales');
    const wrong = await login(user.email, 'not the password at all');
    const unknown = await login(uniqueEmail('nobody'), 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body).not.toContain(user.email);
  });

  it('delays an account after five failures, with Retry-After, known or unknown, even with the right password', async () => {
    const user = await t.createUser('sales');
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) {
      expect((await login(user.email, `wrong password ${i}`)).statusCode).toBe(401);
      expect((await login(ghost, `wrong password ${i}`)).statusCode).toBe(401);
    }
    const locked = await login(user.email, testPassword);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(29);
    const lockedGhost = await login(ghost, testPassword);
    expect(lockedGhost.statusCode).toBe(429);

    // The next failure after the delay doubles it.
    await queryRows(t.database.db, sql`update login_throttle set locked_until = now() - interval '1 second'`);
    expect((await login(user.email, 'wrong again')).statusCode).toBe(401);
    const doubled = await login(user.email, testPassword);
    expect(Number(doubled.headers['retry-after'])).toBeGreaterThanOrEqual(59);

    // Once the delay has passed, the right password signs in and clears the count.
    await queryRows(t.database.db, sql`update login_throttle set locked_until = now() - interval '1 second'`);
    expect((await login(user.email, testPassword)).statusCode).toBe(200);
    expect((await login(user.email, 'one more wrong')).statusCode).toBe(401);
    expect((await login(user.email, testPassword)).statusCode).toBe(200);
  });

  it('refuses a disabled account with the same answer as a wrong password', async () => {
    const admin = await t.login(await t.createUser('admin'));
    const user = await t.createUser('support');
    const off = await t.request({ method: 'DELETE', url: `/api/v1/users/${user.id}`, as: admin });
    expect(off.statusCode).toBe(204);
    const res = await login(user.email, testPassword);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_credentials');
  });

  it('logs out: the session no longer works', async () => {
    const caller = await t.login(await t.createUser('sales'));
    const out = await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: caller });
    expect(out.statusCode).toBe(204);
    expect((await t.request({ url: '/api/v1/auth/me', as: caller })).statusCode).toBe(401);
  });
});

describe('MFA with TOTP', () => {
  it('enrols, then requires a code at sign-in, refuses a replayed code, and accepts a recovery code once', async () => {
    const user = await t.createUser('dpo');
    const caller = await t.login(user);
    const badPassword = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrol',
      as: caller,
      body: { password: 'wrong-password!' },
    });
    expect(badPassword.statusCode).toBe(401);
    const enrol = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enrol',
      as: caller,
      body: { password: testPassword },
    });
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauthUri } = enrol.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Custodian/);
    const wrongConfirm = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/confirm',
      as: caller,
      body: { code: '000000' },
    });
    expect(wrongConfirm.statusCode).toBe(401);
    const confirm = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/confirm',
      as: caller,
      body: { code: await totpNow(secret) },
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    const noCode = await login(user.email, testPassword);
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().code).toBe('mfa_required');
    const wrongCode = await login(user.email, testPassword, { mfaCode: '123456' });
    expect(wrongCode.json().code).toBe('invalid_mfa_code');

    const code = await totpNow(secret, 30);
    expect((await login(user.email, testPassword, { mfaCode: code })).statusCode).toBe(200);
    const replay = await login(user.email, testPassword, { mfaCode: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_mfa_code');

    expect((await login(user.email, testPassword, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(200);
    expect((await login(user.email, testPassword, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(401);

    // The secret is stored sealed, never in clear.
    const rows = await queryRows<{ secret: string }>(
      t.database.db,
      sql`select encode(mfa_secret, 'escape') as secret from users where id = ${user.id}`,
    );
    expect(rows[0]?.secret).not.toContain(secret);
  });

  it('switches MFA off only with the password and a second factor', async () => {
    const user = await t.createUser('sales');
    const caller = await t.login(user);
    const { secret } = (
      await t.request({
        method: 'POST',
        url: '/api/v1/auth/mfa/enrol',
        as: caller,
        body: { password: testPassword },
      })
    ).json();
    await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/confirm',
      as: caller,
      body: { code: await totpNow(secret) },
    });
    const without = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/disable',
      as: caller,
      body: { password: testPassword },
    });
    expect(without.statusCode).toBe(401);
    const ok = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/disable',
      as: caller,
      body: { password: testPassword, code: await totpNow(secret, 30) },
    });
    expect(ok.statusCode).toBe(204);
    expect((await login(user.email, testPassword)).statusCode).toBe(200);
  });
});

describe('per-address rate limit', () => {
  it('limits sign-in attempts from one network address, in problem+json with Retry-After', async () => {
    const remoteAddress = '10.9.8.7';
    let last = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { email: uniqueEmail(), password: 'x' },
      remoteAddress,
    });
    for (let i = 0; i < 40 && last.statusCode !== 429; i++) {
      last = await t.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        body: { email: uniqueEmail(), password: 'x' },
        remoteAddress,
      });
    }
    expect(last.statusCode).toBe(429);
    expect(last.headers['content-type']).toContain('application/problem+json');
    expect(last.json().code).toBe('rate_limited');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});
