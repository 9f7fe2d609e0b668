import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, startTestServer } from './browser.js';
import { type ApiCall, apiSession, checkPage, createFirstAdmin, describedText, signIn } from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: ApiCall;

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signIn(env, page, 'ada@example.test');
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.close();
});

it('edits a contact (a bad e-mail is refused next to its field) and records a consent choice', async () => {
  const contact = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Grace',
    lastName: 'Hopper',
    emails: [{ value: 'grace@example.test', primary: true }],
  });
  await admin('POST', '/api/v1/notices', {
    key: 'newsletter',
    name: 'Newsletter',
    purposes: ['newsletter'],
    texts: [{ language: 'en', text: 'We send a monthly newsletter about our products and events.' }],
  });
  await page.goto(`${env.server.url}/contacts/${contact.id}`);
  await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit contact' });
  await form.getByLabel('Job title').fill('Rear admiral');
  const email = form.getByLabel('E-mail 1', { exact: true });
  await email.fill('not an address');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(email)).toMatch(/e-?mail/i);
  await checkPage(page, 'contact-edit');

  await email.fill('grace.hopper@example.test');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await form.waitFor({ state: 'detached' });
  const details = page.getByRole('region', { name: 'Details' });
  await details.getByText('Rear admiral').waitFor();
  await details.getByText('grace.hopper@example.test').waitFor();

  // Record consent to the newsletter, given on the phone, with a proof note.
  const consent = page.getByRole('region', { name: 'Consent and choices' });
  const record = consent.getByRole('form', { name: 'Record a choice' });
  await record.getByLabel('Purpose').selectOption('newsletter');
  await record.getByLabel('Notice shown').selectOption({ index: 0 });
  await record.getByLabel('How it was collected').selectOption('verbal');
  await record.getByLabel('Proof note').fill('Call on Monday, recording 42');
  await record.getByRole('button', { name: 'Record choice' }).click();
  await record.getByText('Consent given recorded.').waitFor();
  const newsletterRow = consent.getByRole('row', { name: /Newsletter/ });
  await newsletterRow.getByText('Given', { exact: true }).waitFor();
  await consent.getByRole('listitem').filter({ hasText: 'Call on Monday, recording 42' }).waitFor();
  await checkPage(page, 'contact-consent-recorded');

  // Withdrawn: the state changes again.
  await record.getByLabel('Choice').selectOption('withdrawn');
  await record.getByLabel('Purpose').selectOption('newsletter');
  await record.getByRole('button', { name: 'Record choice' }).click();
  await newsletterRow.getByText('Withdrawn', { exact: true }).waitFor();
});

it('opens a deal from its card on the board, moves it to another stage, edits it and deletes it', async () => {
  const pipeline = await admin<{ id: string; stages: { id: string; name: string }[] }>(
    'POST',
    '/api/v1/pipelines',
    {
      name: 'Sales',
      stages: [
        { name: 'Qualify', probability: 20 },
        { name: 'Propose', probability: 60 },
        { name: 'Won', probability: 100, kind: 'won' },
      ],
    },
  );
  const contact = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Katherine',
    lastName: 'Johnson',
  });
  await admin('POST', '/api/v1/deals', {
    title: 'Orbit software',
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0]!.id,
    amountMinor: 1_200_000,
    currency: 'EUR',
    contactIds: [contact.id],
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
  await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
  await page.goto(`${env.server.url}/pipelines/${pipeline.id}`);
  await page.getByRole('link', { name: 'Orbit software' }).click();
  await page.getByRole('heading', { name: 'Orbit software', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toMatch(/^\/deals\/[0-9a-f-]{36}$/);
  await page
    .getByRole('region', { name: 'Contacts' })
    .getByRole('link', { name: 'Katherine Johnson' })
    .waitFor();
  await checkPage(page, 'deal');

  const stage = page.getByRole('form', { name: 'Change the stage' });
  await stage.getByLabel('Move to stage').selectOption({ label: 'Propose' });
  await stage.getByRole('button', { name: 'Move' }).click();
  await page.getByText('Moved to Propose.').waitFor();
  await expect
    .poll(() => page.locator('ol.stage-path li[aria-current="step"]').textContent())
    .toMatch(/^Propose/);

  // Edit: a currency the server refuses is named next to its field; a good one is saved.
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit deal' });
  await edit.getByLabel('Title').fill('Orbit software, phase 2');
  const currency = edit.getByLabel('Currency');
  await currency.fill('E1');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => currency.getAttribute('aria-invalid')).toBe('true');
  await currency.fill('USD');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { name: 'Orbit software, phase 2', level: 1 }).waitFor();

  await page.getByRole('button', { name: 'Delete this deal' }).click();
  await page.getByRole('button', { name: 'Yes, delete the deal' }).click();
  await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
  expect(await page.getByRole('link', { name: 'Orbit software, phase 2' }).count()).toBe(0);
});

it('creates a user with a role, changes the role and disables the user; lists the roles with their permissions', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('heading', { name: 'Users and roles', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Name').fill('Barbara Liskov');
  await form.getByLabel('E-mail').fill('barbara@example.test');
  await form.getByLabel('Role').selectOption('support');
  const passwordField = form.getByLabel('Initial password');
  await passwordField.fill('short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect.poll(() => passwordField.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(passwordField)).toContain('at least 12 characters');
  await passwordField.fill('a long enough passphrase for Barbara');
  await form.getByRole('button', { name: 'Create user' }).click();
  await form.getByText('Barbara Liskov can now sign in as support.').waitFor();
  const row = page.getByRole('row', { name: /Barbara Liskov/ });
  await row.getByRole('cell', { name: 'barbara@example.test' }).waitFor();
  await page.getByText('support (', { exact: false }).first().click();
  await page
    .getByRole('list', { name: 'Permissions of the support role' })
    .getByText('consents:record')
    .waitFor();
  await checkPage(page, 'admin-users');

  await row.getByRole('combobox', { name: 'Role of Barbara Liskov' }).selectOption('sales');
  await row.getByRole('button', { name: 'Change role of Barbara Liskov' }).click();
  await expect
    .poll(() => row.getByRole('combobox', { name: 'Role of Barbara Liskov' }).inputValue())
    .toBe('sales');
  await row.getByRole('button', { name: 'Disable Barbara Liskov' }).click();
  await row.getByRole('button', { name: 'Enable Barbara Liskov' }).waitFor();
  const users = await admin<{ items: { email: string; role: string; status: string }[] }>(
    'GET',
    '/api/v1/users',
  );
  expect(users.items.find((u) => u.email === 'barbara@example.test')).toMatchObject({
    role: 'sales',
    status: 'disabled',
  });
});

it('creates a custom field only with its classification (a missing category is refused by the field)', async () => {
  await page
    .getByRole('navigation', { name: 'Administration' })
    .getByRole('link', { name: 'Custom fields' })
    .click();
  await page.getByRole('heading', { name: 'Custom fields', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'New custom field' });
  await form.getByLabel('Label').fill('Allergies');
  await form.getByLabel('Key').fill('allergies');
  // Not classified at all: refused before it is sent.
  await form.getByRole('button', { name: 'Add the field' }).click();
  await form.getByText('say whether the field holds personal data').waitFor();
  // Personal, but no category: the server's own issue shows by the category.
  await form.getByLabel('Yes, personal data').check();
  await form.getByRole('button', { name: 'Add the field' }).click();
  const category = form.getByLabel('Category');
  await expect.poll(() => category.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(category)).toContain('a personal field names its category');
  await checkPage(page, 'admin-fields-error');
  // Special category: its Art. 9 kind is asked for.
  await category.selectOption('special');
  await form.getByLabel('Special category kind').selectOption('health');
  await form.getByLabel('Customer support').check();
  await form.getByRole('button', { name: 'Add the field' }).click();
  await form.getByText('The field Allergies was added to contacts.').waitFor();
  const row = page.getByRole('row', { name: /Allergies/ });
  await row.getByText('Special category (GDPR Art. 9)').waitFor();
  await row.getByText('Health').waitFor();
  await checkPage(page, 'admin-fields');
});

it('creates a pipeline with stages, then renames and reorders a stage', async () => {
  await page
    .getByRole('navigation', { name: 'Administration' })
    .getByRole('link', { name: 'Pipelines' })
    .click();
  await page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'New pipeline' });
  await form.getByLabel('Pipeline name').fill('Partnerships');
  await form.getByRole('button', { name: 'Add a stage' }).click();
  await form.getByLabel('Stage 4 name').fill('Contract');
  await form.getByLabel('Stage 4 probability (%)').fill('70');
  await form.getByRole('button', { name: 'Up stage 4' }).click();
  await form.getByRole('button', { name: 'Up stage 3' }).click();
  await form.getByRole('button', { name: 'Create pipeline' }).click();
  await form.getByText('The pipeline Partnerships was created.').waitFor();
  const stages = page.getByRole('list', { name: 'Stages of Partnerships' }).getByRole('listitem');
  await expect
    .poll(() => stages.allTextContents())
    .toEqual(['Qualify (20%)', 'Contract (70%)', 'Won (100%, won)', 'Lost (0%, lost)']);
  await checkPage(page, 'admin-pipelines');

  await page.getByRole('button', { name: 'Edit Partnerships' }).click();
  const edit = page.getByRole('form', { name: 'Edit Partnerships' });
  await edit.getByLabel('Stage 2 name').fill('Contract signed');
  await edit.getByRole('button', { name: 'Up stage 2' }).click();
  await edit.getByRole('button', { name: 'Save pipeline' }).click();
  await expect
    .poll(() => stages.allTextContents())
    .toEqual(['Contract signed (70%)', 'Qualify (20%)', 'Won (100%, won)', 'Lost (0%, lost)']);
});

it('saves the filters and chosen columns as a view, gets it back after a reload, and deletes it', async () => {
  await admin('POST', '/api/v1/contacts', {
    firstName: 'Mary',
    lastName: 'Jackson',
    phones: [{ value: '+49 30 901820', primary: true }],
    jobTitle: 'Engineer',
    lifecycleStage: 'customer',
    tags: ['nasa'],
  });
  await page.goto(`${env.server.url}/contacts`);
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  const headers = () => page.locator('table.contacts thead th').allTextContents();
  await expect.poll(headers).toEqual(['Name', 'E-mail', 'Stage', 'Tags', 'Last activity']);
  await page.getByRole('combobox', { name: 'Stage' }).selectOption('customer');
  await page.getByLabel('Tag', { exact: true }).fill('nasa');
  await page.getByText('Columns', { exact: true }).click();
  await page.getByLabel('Phone', { exact: true }).check();
  await page.getByLabel('Job title', { exact: true }).check();
  await page.getByLabel('E-mail', { exact: true }).uncheck();
  await page.getByLabel('Last activity', { exact: true }).uncheck();
  await expect.poll(headers).toEqual(['Name', 'Phone', 'Stage', 'Tags', 'Job title']);
  await page
    .getByRole('row', { name: /Mary Jackson/ })
    .getByText(/^\+49/)
    .waitFor();
  await page.getByText('Columns', { exact: true }).click();

  const save = page.getByRole('form', { name: 'Save as a view' });
  await save.getByLabel('Save as a view named').fill('NASA customers');
  await save.getByRole('button', { name: 'Save view' }).click();
  await page.getByText('Saved as the view NASA customers.').waitFor();
  await checkPage(page, 'contacts-views');
  // Nothing of it in browser storage: the view lives on the server, the unsaved choice in memory.
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

  await page.reload();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  await expect.poll(headers).toEqual(['Name', 'E-mail', 'Stage', 'Tags', 'Last activity']);
  await page.getByLabel('View', { exact: true }).selectOption({ label: 'NASA customers' });
  await expect.poll(headers).toEqual(['Name', 'Phone', 'Stage', 'Tags', 'Job title']);
  expect(await page.getByRole('combobox', { name: 'Stage' }).inputValue()).toBe('customer');
  expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('nasa');
  await page.getByRole('row', { name: /Mary Jackson/ }).waitFor();

  // Columns changed while the view is open are kept in it.
  await page.getByText('Columns', { exact: true }).click();
  await page.getByLabel('Source', { exact: true }).check();
  await page.getByText('The view NASA customers was updated.').waitFor();
  const views = await admin<{ items: { name: string; columns: string[] }[] }>('GET', '/api/v1/views');
  expect(views.items.find((v) => v.name === 'NASA customers')?.columns).toContain('source');
  await page.getByText('Columns', { exact: true }).click();

  await page.getByRole('button', { name: 'Delete the view' }).click();
  await page.getByRole('button', { name: 'Yes, delete NASA customers' }).click();
  await page.getByText('The view NASA customers was deleted.').waitFor();
  await expect
    .poll(() => page.getByLabel('View', { exact: true }).locator('option').allTextContents())
    .toEqual(['Unsaved view']);
});
