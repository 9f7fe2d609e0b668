import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import { createFirstAdmin, overflowsSideways, password, signIn } from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
const email = 'ada@example.test';

/** The code an authenticator app shows, `offsetSeconds` from now (as the server's own tests compute it). */
const totp = (secret: string, offsetSeconds = 0): Promise<string> =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Lovelace', email });
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

it('enrols MFA on the account page, then signs in with the code (a wrong one is refused)', async () => {
  page = await browser.newPage();
  await signIn(env, page, email);
  await page.getByRole('link', { name: 'Signed in as Ada Lovelace (admin)' }).click();
  await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
  await page.getByText('Signing in asks only for your password').waitFor();

  // A wrong password is reported next to the password field.
  const enrolPassword = page.getByRole('form', { name: 'Set up two-factor sign-in' }).getByLabel('Password');
  await enrolPassword.fill('not the password');
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect.poll(() => enrolPassword.getAttribute('aria-invalid')).toBe('true');
  await enrolPassword.fill(password);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();

  const secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByText(/^otpauth:\/\/totp\/Custodian/).waitFor();
  // The same link as a QR code to scan: an image with a text alternative, drawn (not broken).
  const qr = page.getByRole('img', { name: 'QR code to add this account to your authenticator app' });
  await qr.waitFor();
  await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'account-mfa-enrol');

  const codeField = page.getByLabel('Code from your authenticator app');
  await codeField.fill('000000' === (await totp(secret)) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Confirm and switch on' }).click();
  await expect.poll(() => codeField.getAttribute('aria-invalid')).toBe('true');
  await codeField.fill(await totp(secret));
  await page.getByRole('button', { name: 'Confirm and switch on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect.poll(() => codes.count()).toBe(10);
  await screenshot(page, 'account-mfa-recovery-codes');
  await page.getByRole('button', { name: 'I have stored them' }).click();
  await page.getByText('Signing in asks for a code from your authenticator app').waitFor();

  // Sign out; signing in now asks for the code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Custodian' }).waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const signInCode = page.getByLabel('Code from your authenticator app');
  await signInCode.waitFor();
  // The field that appeared has the focus.
  await expect.poll(() => signInCode.evaluate((el) => el === document.activeElement)).toBe(true);
  await screenshot(page, 'sign-in-mfa');

  // The code confirmed at enrolment cannot be replayed; the next time step's code is accepted.
  const next = await totp(secret, 30);
  const wrong = next === '123456' ? '654321' : '123456';
  await signInCode.fill(wrong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('The authentication code is wrong or was already used').waitFor();
  await signInCode.fill(await totp(secret, 30));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as Ada Lovelace (admin)').waitFor();
});

it('creates an API token whose secret works once shown, and revokes it', async () => {
  // Still signed in from the MFA journey above (a fresh code could only come with the next time step).
  await page.getByRole('link', { name: 'Signed in as Ada Lovelace (admin)' }).click();
  await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
  await page.getByText('You have no API tokens.').waitFor();

  await page.getByLabel('Name', { exact: true }).fill('Newsletter sync');
  await page.getByLabel('tokens:own').check();
  await page.getByLabel('contacts:read').check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const secretField = page.getByLabel('Token secret');
  await secretField.waitFor();
  await page.getByText('it is shown only this once').waitFor();
  const tokenSecret = await secretField.inputValue();
  expect(tokenSecret.length).toBeGreaterThan(20);
  const row = page.getByRole('row', { name: /Newsletter sync/ });
  await row.waitFor();
  expect(await row.textContent()).toContain('contacts:read');
  expect(await row.textContent()).toContain('Never');
  await screenshot(page, 'account-token-created');

  const me = (authorization: string) =>
    fetch(`${env.server.url}/api/v1/auth/me`, { headers: { authorization } }).then((r) => r.status);
  expect(await me(`Bearer ${tokenSecret}`)).toBe(200);

  // Dismissed, the secret is gone from the page.
  await page.getByRole('button', { name: 'Done, hide it' }).click();
  await expect.poll(() => page.getByLabel('Token secret').count()).toBe(0);
  expect(await page.content()).not.toContain(tokenSecret);

  expect(await seriousA11yViolations(page)).toEqual([]);

  await row.getByRole('button', { name: 'Revoke Newsletter sync' }).click();
  await row.getByText('Anything using it stops working').waitFor();
  await screenshot(page, 'account-token-revoke-confirm');
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await row.getByText(/^Revoked/).waitFor();
  expect(await me(`Bearer ${tokenSecret}`)).toBe(401);

  // On a phone the page does not scroll sideways; the token table scrolls inside itself.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'account-phone');
  await page.close();
});
