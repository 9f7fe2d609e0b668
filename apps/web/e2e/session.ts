import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { setupToken } from '../../server/src/modules/setup/index.js';
import { loadConfig } from '../../server/src/platform/config.js';
import { KeyRing } from '../../server/src/platform/crypto/keys.js';
import { loadExistingMasterKey } from '../../server/src/platform/master-key.js';
import { screenshot, seriousA11yViolations, type startTestServer } from './browser.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
export const password = 'a long enough passphrase';

/** The first administrator, created with the setup token as the setup page would. */
export async function createFirstAdmin(
  env: TestServer,
  user: { name: string; email: string },
): Promise<void> {
  const key = loadExistingMasterKey(loadConfig({ DATA_DIR: path.join(env.dataDir, 'data') }));
  const res = await fetch(`${env.server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: setupToken(new KeyRing(key!)), ...user, password }),
  });
  expect(res.status).toBe(201);
}

export type ApiCall = <T>(method: string, url: string, body?: unknown) => Promise<T>;

/** A signed-in API session from Node, to seed data through the real endpoints (never a stub). */
export async function apiSession(env: TestServer, email: string): Promise<ApiCall> {
  const login = await fetch(`${env.server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${env.server.url}${url}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const data = await res.json();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(data)}`);
    return data as T;
  };
}

/** Signs in through the form; the app opens on the contacts list. */
export async function signIn(env: TestServer, page: Page, email: string): Promise<void> {
  await page.goto(`${env.server.url}/`);
  await page.getByRole('heading', { name: 'Sign in to Custodian' }).waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
}

/** The page body is not wider than the window (no sideways scrolling). */
export const overflowsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** The text of everything a control's aria-describedby points at (its hint and its error). */
export const describedText = (control: Locator): Promise<string> =>
  control.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

/**
 * The checks every page gets: no serious axe violation at desktop and at a phone's width (390 px), no sideways
 * scrolling on the phone (naming the first elements that stick out), and a screenshot at both widths.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, name);
  const desktop = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName}.${el.className}`),
  );
  expect(await overflowsSideways(page), wide.join(', ')).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(desktop);
}
