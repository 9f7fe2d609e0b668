import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import {
  type ApiCall,
  apiSession,
  createFirstAdmin,
  describedText,
  overflowsSideways,
  password,
  signIn,
} from './session.js';

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

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();

/**
 * Three open requests, one per column of the due-date chart (CCPA deadlines are 45 calendar days, so the
 * days are exact): an objection overdue, an access request due within 7 days, an erasure due in a month.
 * One breach whose 72-hour clock runs; newsletter consent given by one person and withdrawn by another.
 */
async function seed(admin: ApiCall, dpo: ApiCall) {
  const contact = (firstName: string, lastName: string, email: string) =>
    admin<{ id: string }>('POST', '/api/v1/contacts', {
      firstName,
      lastName,
      emails: [{ value: email, primary: true }],
    });
  const grace = await contact('Grace', 'Hopper', 'grace.hopper@example.test');
  const alan = await contact('Alan', 'Turing', 'alan.turing@example.test');
  const notice = await admin<{ id: string }>('POST', '/api/v1/notices', {
    key: 'newsletter',
    name: 'Newsletter',
    purposes: ['newsletter'],
    texts: [{ language: 'en', text: 'We send a monthly newsletter about our products and events.' }],
  });
  for (const c of [grace, alan])
    await admin('POST', `/api/v1/contacts/${c.id}/consents/events`, {
      kind: 'given',
      purpose: 'newsletter',
      noticeId: notice.id,
      language: 'en',
      method: 'web_form',
    });
  await admin('POST', `/api/v1/contacts/${alan.id}/consents/events`, {
    kind: 'withdrawn',
    purpose: 'newsletter',
    method: 'staff',
  });

  const erasure = await dpo<{ id: string }>('POST', '/api/v1/requests', {
    type: 'erasure',
    contactId: grace.id,
    requester: { email: 'grace.hopper@example.test', name: 'Grace Hopper' },
    details: 'Please delete everything you hold about me.',
  });
  await dpo('POST', '/api/v1/requests', {
    type: 'access',
    regime: 'ccpa',
    contactId: alan.id,
    requester: { email: 'alan.turing@example.test', name: 'Alan Turing' },
    receivedAt: daysAgo(41),
  });
  await dpo('POST', '/api/v1/requests', {
    type: 'objection',
    regime: 'ccpa',
    channel: 'letter',
    requester: { email: 'someone@elsewhere.test', name: 'Unknown Person' },
    receivedAt: daysAgo(50),
  });
  await dpo('POST', '/api/v1/breaches', {
    title: 'Laptop lost on a train',
    nature: 'An unencrypted laptop with a CRM export was left on a train.',
    detectedAt: hoursAgo(11),
    awareAt: hoursAgo(10),
    categories: ['contact'],
    risk: 'risk',
  });
  return { erasureId: erasure.id };
}

/** The figure a dashboard tile shows, by its label. */
const tile = (page: Page, label: string) =>
  page.locator('.tile', { has: page.getByText(label, { exact: true }) }).locator('.tile-value');

it('a privacy officer reads the dashboard, works the request queue, extends a request and fulfils an erasure', async () => {
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  const admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'dora@example.test',
    name: 'Dora Dpo',
    role: 'dpo',
    password,
  });
  const dpo = await apiSession(env, 'dora@example.test');
  const { erasureId } = await seed(admin, dpo);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(env, page, 'dora@example.test');

  // A dpo may export but not import: the navigation leads to the export alone, and it downloads.
  const nav = page.getByRole('navigation', { name: 'Main' });
  expect(await nav.getByRole('link', { name: 'Import' }).count()).toBe(0);
  await nav.getByRole('link', { name: 'Export' }).click();
  await page.getByText('Your role does not allow importing contacts.').waitFor();
  const exportLink = page.getByRole('link', { name: 'Export contacts (CSV)' });
  const csv = await page.evaluate(
    async (href) => (await fetch(href, { credentials: 'same-origin' })).text(),
    (await exportLink.getAttribute('href'))!,
  );
  expect(csv.split('\n').length).toBeGreaterThan(2);

  // The dashboard, from the main navigation: the figures set up above.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Privacy' }).click();
  await page.getByRole('heading', { name: 'Compliance dashboard', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/privacy-desk');
  await tile(page, 'Open requests').getByText('3').waitFor();
  expect(await tile(page, 'Overdue requests').textContent()).toBe('1');
  expect(await tile(page, 'Due within 7 days').textContent()).toBe('1');
  expect(await tile(page, 'Breach clocks running').textContent()).toBe('1');
  const due = page.getByRole('table', { name: 'Open requests by due date' });
  expect(await due.getByRole('row', { name: /^Overdue/ }).textContent()).toContain('1');
  expect(await due.getByRole('row', { name: /^Later/ }).textContent()).toContain('1');
  const clocks = page.getByRole('region', { name: 'Breach clocks' });
  expect(await clocks.getByRole('listitem').textContent()).toMatch(
    /Laptop lost on a train(6[12]) of 72 hours left/,
  );
  const newsletter = page.getByRole('table', { name: /Consent state per purpose/ }).getByRole('row', {
    name: /^Newsletter/,
  });
  expect(await newsletter.textContent()).toMatch(/50% given · given 1 · withdrawn 1/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-dashboard');

  // The queue: soonest due first, the overdue one marked; a type filter narrows it.
  await page.getByRole('link', { name: 'Open the request queue' }).click();
  await page.getByRole('heading', { name: 'Data-subject requests', level: 1 }).waitFor();
  const rows = page.getByRole('table').getByRole('row');
  await expect.poll(() => rows.count()).toBe(4); // the header and three requests
  expect(await rows.nth(1).textContent()).toMatch(/^Objection.*Overdue by [45] days$/);
  expect(await rows.nth(2).textContent()).toMatch(/^Access.*[3-4] days left$/);
  expect(await rows.nth(3).textContent()).toMatch(/^Erasure.*Grace Hopper.*Received/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-requests');
  await page.getByRole('combobox', { name: 'Type' }).selectOption('erasure');
  await expect.poll(() => rows.count()).toBe(2);

  // One request: verify the requester, then extend — an empty reason is refused next to its field.
  await page.getByRole('link', { name: 'Erasure' }).click();
  await page.getByRole('heading', { name: 'Erasure request', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/privacy-desk/requests/${erasureId}`);
  expect(await page.title()).toBe('Request – Custodian');
  await page.getByText('not verified yet').waitFor();
  await page.getByRole('combobox', { name: 'How it was checked' }).selectOption('known_email_reply');
  await page.getByRole('button', { name: 'Record verification' }).click();
  await page.getByText(/verified .* \(known email reply\)/).waitFor();

  const reason = page.getByRole('textbox', { name: 'Reason for the extension' });
  await page.getByRole('button', { name: 'Extend the deadline' }).click();
  await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(reason)).toMatch(/10 characters/);
  expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-request-extend-error');

  await reason.fill('Collecting years of correspondence from the archive takes longer.');
  await page.getByRole('button', { name: 'Extend the deadline' }).click();
  const deadline = page.getByRole('region', { name: 'Deadline' });
  await deadline.getByText(/Collecting years of correspondence/).waitFor();
  await page.locator('.subtitle').getByText('Extended', { exact: true }).waitFor();
  expect(await page.getByRole('textbox', { name: 'Reason for the extension' }).count()).toBe(0);

  // Fulfil the erasure: a confirmation first, then the certificate.
  await page.getByRole('button', { name: 'Erase the person…' }).click();
  await page.getByText('It cannot be undone.', { exact: false }).waitFor();
  await screenshot(page, 'privacy-request-erase-confirm');
  await page.getByRole('button', { name: 'Erase now' }).click();
  await page.locator('.subtitle').getByText('Fulfilled', { exact: true }).waitFor();
  const certificate = page.getByRole('region', { name: 'Erasure certificate' });
  await certificate.getByText('0 found').waitFor();
  expect(await certificate.textContent()).toMatch(/keys destroyed/);
  const history = page.getByRole('region', { name: 'History' });
  await history.getByText('Fulfil', { exact: true }).waitFor();
  expect(await history.getByRole('listitem').count()).toBe(4); // received, verify, extend, fulfil
  await history.getByText(/Extend → extended · by Dora Dpo/).waitFor();
  await page.getByRole('button', { name: 'Close the request' }).waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-request-erased');

  // An access request: verified, its package prepared, reviewed and released; the link is shown once.
  await page
    .getByRole('navigation', { name: 'Privacy desk' })
    .getByRole('link', { name: 'Requests' })
    .click();
  await page.getByRole('link', { name: 'Access' }).click();
  await page.getByRole('heading', { name: 'Access request', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Record verification' }).click();
  await page.getByRole('button', { name: 'Prepare the package' }).click();
  const pkg = page.getByRole('region', { name: 'Access package' });
  await pkg.getByText('Review', { exact: true }).waitFor();
  await pkg.getByRole('button', { name: 'Show what the package holds' }).click();
  await pkg.getByText(/^\d+ personal fields$/).waitFor();
  const release = pkg.getByRole('button', { name: 'Release and fulfil' });
  expect(await release.isDisabled()).toBe(true);
  await pkg.getByRole('checkbox', { name: /I reviewed the package/ }).check();
  await release.click();
  const link = pkg.getByRole('textbox', { name: 'Download link for the requester' });
  expect(await link.inputValue()).toMatch(/\/api\/v1\/public\/packages\/[\w-]{20,}$/);
  await page.locator('.subtitle').getByText('Fulfilled', { exact: true }).waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-request-package');

  // The dashboard counts them no more.
  await page
    .getByRole('navigation', { name: 'Privacy desk' })
    .getByRole('link', { name: 'Dashboard' })
    .click();
  await tile(page, 'Open requests').getByText('1').waitFor();

  // A phone: the three pages fit the width.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-dashboard-phone');
  await page
    .getByRole('navigation', { name: 'Privacy desk' })
    .getByRole('link', { name: 'Requests' })
    .click();
  await page.getByRole('link', { name: 'Objection' }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-requests-phone', { fullPage: false });
  await page.getByRole('link', { name: 'Objection' }).click();
  await page.getByRole('heading', { name: 'Objection request', level: 1 }).waitFor();
  await page.getByRole('region', { name: 'History' }).getByText('Received', { exact: true }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-request-phone');
  await context.close();
});

it('fulfils a rectification in the desk with the corrections the requester asked for', async () => {
  const admin = await apiSession(env, 'ada@example.test');
  const dpo = await apiSession(env, 'dora@example.test');
  const person = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Margaret',
    lastName: 'Hamiltn',
    emails: [{ value: 'margaret.h@example.test', primary: true }],
  });
  const request = await dpo<{ id: string }>('POST', '/api/v1/requests', {
    type: 'rectification',
    contactId: person.id,
    requester: { email: 'margaret.h@example.test', name: 'Margaret Hamilton' },
    details: 'My last name is misspelt, and please use my new address margaret@apollo.example.test.',
  });
  await dpo('POST', `/api/v1/requests/${request.id}/verify`, { method: 'known_email_reply' });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(env, page, 'dora@example.test');
  await page.goto(`${env.server.url}/privacy-desk/requests/${request.id}`);
  await page.getByRole('button', { name: 'Correct the data…' }).click();
  const form = page.getByRole('form', { name: 'Corrections' });
  await form.getByLabel('Last name').fill('Hamilton');
  const email = form.getByLabel('E-mail 1', { exact: true });
  await email.fill('not an address');
  await form.getByRole('button', { name: 'Fulfil with these corrections' }).click();
  // The server's issue on body.corrections.emails.0.value appears at the e-mail field, and nothing changed.
  await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(email)).not.toBe('');
  expect((await dpo<{ lastName: string }>('GET', `/api/v1/contacts/${person.id}`)).lastName).toBe('Hamiltn');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'privacy-request-rectify-error');

  await email.fill('margaret@apollo.example.test');
  await form.getByRole('button', { name: 'Fulfil with these corrections' }).click();
  await page.getByText('Fulfilled', { exact: true }).first().waitFor();
  const corrected = await dpo<{ lastName: string; emails: { value: string }[] }>(
    'GET',
    `/api/v1/contacts/${person.id}`,
  );
  expect(corrected.lastName).toBe('Hamilton');
  expect(corrected.emails.map((e) => e.value)).toEqual(['margaret@apollo.example.test']);
  await context.close();
});

it('offers the privacy desk only to roles that may use it', async () => {
  const admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'sam@example.test',
    name: 'Sam Sales',
    role: 'sales',
    password,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(env, page, 'sam@example.test');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Contacts' }).waitFor();
  expect(await nav.getByRole('link', { name: 'Privacy' }).count()).toBe(0);
  await page.goto(`${env.server.url}/privacy-desk/requests`);
  await page.getByText('Your role does not give access to the privacy desk.').waitFor();
  await context.close();
});
