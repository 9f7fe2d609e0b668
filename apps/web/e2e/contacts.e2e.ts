import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import { apiSession, createFirstAdmin, overflowsSideways, password, signIn } from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** What the focused row link or control reads. */
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

/** Every address the tab showed, pushState included. */
function recordAddresses(page: Page): string[] {
  const seen: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) seen.push(frame.url());
  });
  return seen;
}

let context: BrowserContext;
afterAll(async () => {
  await context?.close();
});

it('creates a contact, finds it by search (never in the address), opens it with the keyboard and shows its consent', async () => {
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  const admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/contacts', {
    firstName: 'Alan',
    lastName: 'Turing',
    emails: [{ value: 'alan.turing@example.test', primary: true }],
    lifecycleStage: 'customer',
    tags: ['vip'],
  });
  // More than one page (25), so cursor paging shows.
  for (let i = 1; i <= 26; i++)
    await admin('POST', '/api/v1/contacts', { firstName: 'Filler', lastName: `Number${i}` });
  const notice = await admin<{ id: string }>('POST', '/api/v1/notices', {
    key: 'newsletter',
    name: 'Newsletter',
    purposes: ['newsletter'],
    texts: [{ language: 'en', text: 'We send a monthly newsletter about our products and events.' }],
  });

  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const addresses = recordAddresses(page);
  await signIn(env, page, 'ada@example.test');
  expect(new URL(page.url()).pathname).toBe('/contacts');
  await page.getByText('Signed in as Ada Lovelace (admin)').waitFor();

  // The list pages by cursor.
  await page.getByRole('link', { name: 'Filler Number26' }).waitFor();
  expect(await page.getByRole('link', { name: 'Alan Turing' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Load more' }).click();
  await page.getByRole('link', { name: 'Alan Turing' }).waitFor();
  expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contacts-list');

  // A new contact through the form; the server's field error shows next to its field.
  await page.getByRole('link', { name: 'New contact' }).click();
  await page.getByRole('heading', { name: 'New contact' }).waitFor();
  await page.getByRole('button', { name: 'Create contact' }).click();
  const firstName = page.getByRole('textbox', { name: 'First name' });
  await expect
    .poll(() =>
      firstName.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent)
          .join(' '),
      ),
    )
    .toContain('a contact needs a first name, a last name or an e-mail address');
  expect(await firstName.getAttribute('aria-invalid')).toBe('true');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-new-error');

  await firstName.fill('Grace');
  await page.getByRole('textbox', { name: 'Last name' }).fill('Hopper');
  await page.getByRole('textbox', { name: 'E-mail' }).fill('grace.hopper@example.test');
  await page.getByRole('combobox', { name: 'Lifecycle stage' }).selectOption('prospect');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
  const contactId = new URL(page.url()).pathname.split('/')[2]!;
  expect(contactId).toMatch(/^[0-9a-f-]{36}$/);

  // Her choices, recorded through the API: consent with its proof, and an objection.
  await admin('POST', `/api/v1/contacts/${contactId}/consents/events`, {
    kind: 'given',
    purpose: 'newsletter',
    noticeId: notice.id,
    language: 'en',
    method: 'web_form',
    source: 'https://example.test/newsletter',
  });
  await admin('POST', `/api/v1/contacts/${contactId}/consents/events`, {
    kind: 'objected',
    purpose: 'profiling',
    method: 'staff',
  });

  // Instant search, from the main navigation.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('hopp');
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await expect.poll(() => page.getByRole('link', { name: 'Alan Turing' }).count()).toBe(0);
  await expect.poll(() => page.getByRole('link', { name: /Filler/ }).count()).toBe(0);
  await search.fill('grace.hopper@example.test');
  await page.getByText('1 contact found').waitFor();
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await screenshot(page, 'contacts-search');

  // Keyboard: from the search box down to the row, Enter opens it.
  await search.press('ArrowDown');
  expect(await focusedText(page)).toBe('Grace Hopper');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/contacts/${contactId}`);
  expect(await page.title()).toBe('Contact – Custodian');

  // The consent panel: the current state per purpose with its proof, and the history.
  const consent = page.getByRole('region', { name: 'Consent and choices' });
  const newsletter = consent.getByRole('row', { name: /^Newsletter/ });
  await newsletter.getByText('Given', { exact: true }).waitFor();
  await newsletter.getByRole('link', { name: /receipt/ }).waitFor();
  // Purposes show their name and lawful basis; consent is "not asked" only where the purpose rests on it.
  await consent
    .getByRole('row', { name: /^Lead scoring legitimate interests/ })
    .getByText('objected')
    .waitFor();
  expect(
    await consent
      .getByRole('row', { name: /^Analytics legitimate interests/ })
      .getByText('Not needed')
      .count(),
  ).toBe(1);
  expect(
    await consent
      .getByRole('row', { name: /^Marketing e-mail consent/ })
      .getByText('Not asked')
      .count(),
  ).toBe(1);
  expect(await consent.getByRole('listitem').count()).toBe(2);
  await page.getByRole('region', { name: 'Timeline' }).getByText('No activities yet.').waitFor();
  await page.getByRole('region', { name: 'Deals' }).getByText('No deals with this contact.').waitFor();
  await page.getByRole('region', { name: 'Tasks' }).getByText('No tasks about this contact.').waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact');

  // Back to the list: the search is still there (in memory), and a stage filter narrows the list.
  await page.goBack();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  expect(await search.inputValue()).toBe('grace.hopper@example.test');
  await search.fill('');
  await page.getByRole('combobox', { name: 'Stage' }).selectOption('customer');
  await page.getByRole('link', { name: 'Alan Turing' }).waitFor();
  await expect.poll(() => page.getByRole('link', { name: 'Grace Hopper' }).count()).toBe(0);

  // A phone: the list and the contact page fit the width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('combobox', { name: 'Stage' }).selectOption('');
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contacts-list-phone', { fullPage: false });
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page
    .getByRole('region', { name: 'Consent and choices' })
    .getByRole('row', { name: /^Newsletter/ })
    .getByText('Given', { exact: true })
    .waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  await screenshot(page, 'contact-phone', { fullPage: false });
  await page.getByRole('region', { name: 'Consent and choices' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'contact-phone-consent', { fullPage: false });

  // No personal data in any address the tab showed, nor in browser storage.
  expect(addresses.length).toBeGreaterThan(5);
  for (const address of addresses) expect(address).not.toMatch(/hopp|grace|turing|alan|example\.test/i);
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
});

it('shows fields the role may not see as restricted', async () => {
  const admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'rita@example.test',
    name: 'Rita Reader',
    role: 'readonly',
    password,
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(env, page, 'rita@example.test');
  // A read-only role sees names but not e-mail addresses; it may not create contacts either.
  const grace = page.getByRole('row', { name: /Grace Hopper/ });
  await grace.getByText('restricted').waitFor();
  expect(await page.getByRole('link', { name: 'New contact' }).count()).toBe(0);
  await grace.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
  await page.getByText('restricted for your role').first().waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-restricted');
  await page.context().close();
});
