import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, startTestServer } from './browser.js';
import { apiSession, checkPage, createFirstAdmin, describedText, password, signIn } from './session.js';

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

const deskLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Privacy desk' }).getByRole('link', { name, exact: true }).click();

it('a privacy officer works the registers: consent trend and ledger, retention, breaches, processors, records, DPIAs, scanner, audit', async () => {
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  const admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'dora@example.test',
    name: 'Dora Dpo',
    role: 'dpo',
    password,
  });

  // A ledger with history: Alan withdrew two months ago, Grace gave her consent today on a web form.
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
  await admin('POST', `/api/v1/contacts/${alan.id}/consents/events`, {
    kind: 'withdrawn',
    purpose: 'newsletter',
    method: 'paper',
    occurredAt: daysAgo(60),
  });
  await admin('POST', `/api/v1/contacts/${grace.id}/consents/events`, {
    kind: 'given',
    purpose: 'newsletter',
    noticeId: notice.id,
    language: 'en',
    method: 'web_form',
    source: 'https://example.test/newsletter',
    networkAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (test)',
    jurisdiction: 'DE',
  });
  // A note the scanner flags as health data (a special category).
  await admin('POST', '/api/v1/activities', {
    type: 'note',
    body: 'She mentioned her pregnancy',
    contactIds: [grace.id],
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(env, page, 'dora@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Privacy' }).click();

  // The consent trend: a line chart with a title, and its figures as a table.
  const trend = page.getByRole('region', { name: 'Consent rate over time' });
  await trend.getByRole('img', { name: /Share of people asked whose consent stood as given/ }).waitFor();
  expect(await trend.locator('svg [data-series="newsletter"] circle').count()).toBeGreaterThan(1);
  await trend.getByText('The figures as a table').click();
  const figures = trend.getByRole('table', { name: /Consent given of people asked/ });
  expect(await figures.getByRole('row').last().textContent()).toMatch(/50% \(1 of 2\)/);
  expect(await figures.getByRole('row').nth(-3).textContent()).toMatch(/0% \(0 of 1\)/);
  await trend.getByRole('combobox', { name: 'Per' }).selectOption('week');
  await expect.poll(() => figures.getByRole('row').count()).toBeGreaterThan(40);
  await checkPage(page, 'desk-dashboard-trend');

  // The consent ledger: find Grace, read her ledger with its proof and receipt.
  await deskLink(page, 'Consent ledger');
  await page.getByRole('heading', { name: 'Consent ledger', level: 1 }).waitFor();
  await page.getByRole('searchbox', { name: 'Find a person' }).fill('Grace');
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('heading', { name: 'Consent ledger of Grace Hopper', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/privacy-desk/consents/${grace.id}`);
  const ledger = page.getByRole('table', { name: /choices, newest first/ });
  const given = ledger.getByRole('row', { name: /Given · Newsletter/ });
  expect(await given.textContent()).toMatch(/Web form · https:\/\/example\.test\/newsletter/);
  expect(await given.textContent()).toMatch(/Newsletter, version 1/);
  expect(await given.textContent()).toMatch(/JurisdictionDE/);
  expect(await given.getByRole('link', { name: /Receipt/ }).getAttribute('href')).toBe(
    `/api/v1/contacts/${grace.id}/consents/${(await given.getAttribute('id'))!.slice('event-'.length)}/receipt.html`,
  );
  await checkPage(page, 'desk-consent-ledger');

  // Retention: a policy refused without its name, then created; its dry run opens.
  await deskLink(page, 'Retention');
  await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'New policy' }).click();
  const form = page.getByRole('form', { name: 'New retention policy' });
  await form.getByRole('button', { name: 'Create policy' }).click();
  const name = form.getByRole('textbox', { name: 'Name' });
  await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(name)).not.toBe('');
  await name.fill('Leads after a day');
  await form.getByRole('spinbutton', { name: 'Period' }).fill('1');
  await form.getByRole('combobox', { name: 'Unit' }).selectOption('days');
  await form.getByRole('checkbox', { name: 'Lead' }).check();
  await form.getByRole('button', { name: 'Create policy' }).click();
  const preview = page.getByRole('region', { name: 'Dry run: Leads after a day' });
  const row = preview.getByRole('row', { name: /Leads after a day/ });
  await row.waitFor();
  expect(await row.textContent()).toMatch(/crypto shred contacts/);
  await page
    .getByRole('table', { name: 'Retention policies' })
    .getByRole('row', { name: /Leads after a day/ })
    .waitFor();
  await checkPage(page, 'desk-retention');

  // The breach register: a breach recorded, its 72-hour clock running, the authority notified.
  await deskLink(page, 'Breaches');
  await page.getByRole('button', { name: 'Record a breach' }).click();
  await page.getByRole('button', { name: 'Record the breach' }).click();
  const title = page.getByRole('textbox', { name: 'Title' });
  await expect.poll(() => title.getAttribute('aria-invalid')).toBe('true');
  await title.fill('Mailing list sent in open copy');
  await page
    .getByRole('textbox', { name: 'What happened' })
    .fill('A newsletter went out with every address visible.');
  await page.getByRole('button', { name: 'Record the breach' }).click();
  await page.getByRole('heading', { name: 'Mailing list sent in open copy', level: 1 }).waitFor();
  const clock = page.getByRole('region', { name: '72-hour clock' });
  expect(await clock.locator('.clock-big').textContent()).toMatch(/^7[12] of 72 hours left$/);
  await checkPage(page, 'desk-breach');
  const authority = page.getByRole('form', { name: 'Supervisory authority' });
  await authority.getByRole('textbox', { name: 'Authority’s reference' }).fill('DPA-2026-0042');
  await authority.getByRole('button', { name: 'Record the decision' }).click();
  await authority.getByText(/Decision: Notified on .* \(reference DPA-2026-0042\)/).waitFor();
  await clock.getByText(/Authority: notified/).waitFor();
  await page.getByRole('link', { name: 'Breach register' }).click();
  await page
    .getByRole('row', { name: /Mailing list sent in open copy/ })
    .getByText(/Authority: notified/)
    .waitFor();

  // Processors: one without its agreement is refused next to the field, then added with it.
  await deskLink(page, 'Processors');
  await page.getByRole('button', { name: 'Add a processor' }).click();
  const proc = page.getByRole('form', { name: 'Add a processor or recipient' });
  await proc.getByRole('textbox', { name: 'Name' }).fill('Mailer GmbH');
  await proc.getByRole('textbox', { name: 'Countries' }).fill('DE');
  await proc.getByRole('checkbox', { name: 'Newsletter' }).check();
  await proc.getByRole('button', { name: 'Add' }).click();
  const signed = proc.getByLabel('Agreement (DPA) signed');
  await expect.poll(() => signed.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(signed)).toMatch(/signed agreement/);
  await signed.fill('2025-03-01');
  await proc.getByLabel('Review the agreement on').fill('2027-03-01');
  await proc.getByRole('button', { name: 'Add' }).click();
  const mailer = page
    .getByRole('table', { name: 'Processors and recipients' })
    .getByRole('row', { name: /Mailer GmbH/ });
  expect(await mailer.textContent()).toMatch(/Processor.*DE.*2025.*2027/);
  await checkPage(page, 'desk-processors');

  // The records of processing print alone: the app's header and menus are hidden in print.
  await deskLink(page, 'Records of processing');
  const ropa = page.getByRole('table', { name: 'Processing activities' });
  const newsletterRow = ropa.getByRole('row', { name: /^Newsletter/ });
  expect(await newsletterRow.textContent()).toContain('Mailer GmbH (processor)');
  await checkPage(page, 'desk-records');
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('.app-header').isVisible()).toBe(false);
  expect(await page.getByRole('navigation', { name: 'Privacy desk' }).isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
  expect(await ropa.isVisible()).toBe(true);
  expect(await ropa.locator('thead').evaluate((el) => getComputedStyle(el).display)).toBe(
    'table-header-group',
  );
  await screenshot(page, 'desk-records-print');
  await page.emulateMedia({ media: 'screen' });

  // A DPIA: started, advised on by the DPO, signed off with its review date.
  await deskLink(page, 'DPIAs');
  await page.getByRole('button', { name: 'Start an assessment' }).click();
  await page.getByRole('textbox', { name: 'Title' }).fill('Lead scoring');
  await page.getByRole('checkbox', { name: 'Profiling' }).check();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const dpia = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Lead scoring' }) });
  await dpia.getByText(/Draft/).waitFor();
  await dpia.getByRole('button', { name: /Advise and sign off/ }).click();
  // Signing off an assessment without its substance is refused, naming what is missing.
  await dpia.getByLabel('Review on').fill('2027-06-30');
  await dpia.getByRole('button', { name: 'Sign off' }).click();
  await dpia.getByText(/Necessity: assess necessity first/).waitFor();
  await dpia
    .getByRole('textbox', { name: 'Description of the processing' })
    .fill('Scores leads from their activity.');
  await dpia.getByRole('textbox', { name: 'Necessity' }).fill('Sales cannot follow up every lead.');
  await dpia.getByRole('textbox', { name: 'Proportionality' }).fill('Only activity counts; scores expire.');
  await dpia.getByRole('textbox', { name: 'A risk to people' }).fill('A low score denies someone a callback');
  await dpia.getByRole('button', { name: 'Save the assessment' }).click();
  await dpia.getByText(/A low score denies someone a callback · medium/).waitFor();
  await dpia.getByRole('textbox', { name: 'Advice' }).fill('Proceed; keep the scores out of exports.');
  await dpia.getByRole('button', { name: 'Record the advice' }).click();
  await dpia.getByText(/DPO advice .*, followed\./).waitFor();
  await dpia.getByRole('button', { name: 'Sign off' }).click();
  await dpia
    .getByText(/Signed off/)
    .first()
    .waitFor();
  await checkPage(page, 'desk-dpias');

  // Scanner: the note's finding, dismissed.
  await deskLink(page, 'Scanner');
  const findings = page.getByRole('table', { name: 'Scanner findings' });
  await findings.getByText('Health').waitFor();
  await checkPage(page, 'desk-scanner');
  await findings.getByRole('button', { name: /^Dismiss/ }).click();
  await page.getByText('No open finding.').waitFor();

  // The audit trail: verified intact, filtered by entity, paged by cursor.
  await deskLink(page, 'Audit trail');
  await page.getByRole('button', { name: 'Verify now' }).click();
  await page.getByRole('region', { name: 'Chain status' }).getByText('The chain is intact.').waitFor();
  const entries = page.getByRole('table', { name: /Audit entries/ }).getByRole('row');
  await expect.poll(() => entries.count()).toBe(26); // the header and a first page of 25
  await page.getByRole('button', { name: 'Show older entries' }).click();
  await expect.poll(() => entries.count()).toBeGreaterThan(26);
  await page.getByRole('textbox', { name: 'Entity' }).fill('breach');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect
    .poll(async () => (await entries.allTextContents()).slice(1).every((t) => /breach/.test(t)))
    .toBe(true);
  expect(await entries.count()).toBeGreaterThan(1);
  await checkPage(page, 'desk-audit');
  await context.close();
});
