import type { Deal, Pipeline, Task } from '@custodian/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import { type ApiCall, apiSession, createFirstAdmin, overflowsSideways, signIn } from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let admin: ApiCall;
let pipeline: Pipeline;
const deals: Record<string, Deal> = {};
const tasks: Record<string, Task> = {};

const euro = (amount: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(amount);
const dollar = (amount: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
  const globex = await admin<{ id: string }>('POST', '/api/v1/companies', {
    name: 'Globex Corporation',
    domain: 'globex.test',
    industry: 'Energy',
    size: '201-1000',
    city: 'Springfield',
    country: 'US',
  });
  await admin('POST', '/api/v1/companies', { name: 'Initech', domain: 'initech.test' });
  const hank = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Hank',
    lastName: 'Scorpio',
    companyId: globex.id,
    jobTitle: 'Chief executive',
  });
  pipeline = await admin<Pipeline>('POST', '/api/v1/pipelines', {
    name: 'New business',
    stages: [
      { name: 'Lead', probability: 10 },
      { name: 'Proposal', probability: 50 },
      { name: 'Won', probability: 100, kind: 'won' },
      { name: 'Lost', probability: 0, kind: 'lost' },
    ],
  });
  await admin('POST', '/api/v1/pipelines', {
    name: 'Partnerships',
    stages: [{ name: 'Talks', probability: 20 }],
  });
  const [lead, proposal] = pipeline.stages;
  const deal = (title: string, stageId: string, amountMinor: number, currency: string, extra = {}) =>
    admin<Deal>('POST', '/api/v1/deals', {
      title,
      pipelineId: pipeline.id,
      stageId,
      amountMinor,
      currency,
      ...extra,
    });
  deals.globex = await deal('Globex renewal', lead!.id, 120_000, 'EUR', {
    companyId: globex.id,
    contactIds: [hank.id],
    expectedCloseDate: '2031-03-31',
  });
  deals.initech = await deal('Initech pilot', lead!.id, 80_000, 'EUR');
  deals.umbrella = await deal('Umbrella study', proposal!.id, 50_000, 'USD');

  const day = 24 * 60 * 60_000;
  const task = (title: string, dueAt: Date, extra = {}) =>
    admin<Task>('POST', '/api/v1/tasks', { title, dueAt: dueAt.toISOString(), ...extra });
  const startOfToday = new Date();
  startOfToday.setHours(0, 0, 0, 0);
  // Due at the last minute of today, so it is due today whenever the test runs.
  tasks.today = await task('Call Hank back', new Date(startOfToday.getTime() + day - 60_000), {
    contactId: hank.id,
  });
  tasks.overdue = await task('Send the contract', new Date(startOfToday.getTime() - day));
  tasks.later = await task('Plan next quarter', new Date(startOfToday.getTime() + 7 * day));
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const column = (page: Page, stage: string) => page.getByRole('region', { name: stage, exact: true });
const card = (page: Page, title: string) => page.getByRole('listitem', { name: title });
const summary = (stage: Locator) => stage.locator('.stage-summary').innerText();

it('shows a pipeline as a board; a deal moves by drag and drop and by keyboard, with totals, and stays moved', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await signIn(env, page, 'ada@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
  await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
  // The board opens on the first pipeline (the one every install starts with); the picker changes it,
  // and the address names the pipeline by id only.
  const picker = page.getByRole('combobox', { name: 'Pipeline' });
  await picker.selectOption({ label: 'New business' });
  await expect.poll(() => new URL(page.url()).pathname).toBe(`/pipelines/${pipeline.id}`);

  const lead = column(page, 'Lead');
  const proposal = column(page, 'Proposal');
  await lead.getByRole('listitem', { name: 'Globex renewal' }).waitFor();
  expect(await summary(lead)).toContain('2 deals');
  expect(await summary(lead)).toContain(euro(2000));
  expect(await summary(proposal)).toContain(dollar(500));
  // Company and contact names as the API gives them.
  const globex = card(page, 'Globex renewal');
  await globex.getByRole('link', { name: 'Globex Corporation' }).waitFor();
  await globex.getByRole('link', { name: 'Hank Scorpio' }).waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'deals-board');

  // Drag and drop: Globex renewal from Lead to Proposal; the totals follow.
  await globex.dragTo(proposal);
  await proposal.getByRole('listitem', { name: 'Globex renewal' }).waitFor();
  await expect.poll(() => summary(lead)).toContain('1 deal');
  expect(await summary(lead)).toContain(euro(800));
  expect(await summary(proposal)).toContain('2 deals');
  expect(await summary(proposal)).toContain(euro(1200));
  expect(await summary(proposal)).toContain(dollar(500));
  await page.getByText('Moved Globex renewal to Proposal.').waitFor();
  await expect
    .poll(async () => (await admin<Deal>('GET', `/api/v1/deals/${deals.globex!.id}`)).stageId)
    .toBe(pipeline.stages[1]!.id);

  // It stays moved after a reload (the board's address names the pipeline by id only).
  await page.reload();
  await proposal.getByRole('listitem', { name: 'Globex renewal' }).waitFor();
  expect(await summary(proposal)).toContain(euro(1200));
  expect(await lead.getByRole('listitem').count()).toBe(1);

  // The keyboard way: choose the stage under "Move to", then press Move. Focus follows the card.
  const initech = card(page, 'Initech pilot');
  const moveTo = initech.getByRole('combobox', { name: 'Move to' });
  await moveTo.focus();
  await moveTo.selectOption({ label: 'Won' });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const won = column(page, 'Won');
  await won.getByRole('listitem', { name: 'Initech pilot' }).waitFor();
  await expect
    .poll(() =>
      page.evaluate(() => document.activeElement?.closest('section.stage')?.querySelector('h2')?.textContent),
    )
    .toBe('Won');
  await expect.poll(() => summary(won)).toContain(euro(800));
  expect(await summary(lead)).toContain('0 deals');
  await expect
    .poll(async () => (await admin<Deal>('GET', `/api/v1/deals/${deals.initech!.id}`)).status)
    .toBe('won');

  // A move the server refuses goes back, with the reason: the deal was deleted meanwhile.
  await admin('DELETE', `/api/v1/deals/${deals.umbrella!.id}`);
  const umbrella = card(page, 'Umbrella study');
  await umbrella.getByRole('combobox', { name: 'Move to' }).selectOption({ label: 'Lost' });
  await umbrella.getByRole('button', { name: 'Move' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: 'Could not move Umbrella study: it no longer exists' })
    .waitFor();
  await expect.poll(() => column(page, 'Lost').getByRole('listitem').count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'deals-board-moved');

  // Another pipeline through the picker, and back.
  await picker.selectOption({ label: 'Partnerships' });
  await expect.poll(() => summary(column(page, 'Talks'))).toContain('0 deals');
  expect(new URL(page.url()).pathname).not.toBe(`/pipelines/${pipeline.id}`);
  await page.goBack();
  await proposal.getByRole('listitem', { name: 'Globex renewal' }).waitFor();

  // A new deal: the server's field error next to its field, then created into the first stage.
  await page.getByRole('button', { name: 'New deal' }).click();
  const form = page.getByRole('form', { name: 'New deal' });
  await form.getByRole('textbox', { name: 'Amount' }).fill('12.345');
  await form.getByRole('button', { name: 'Create deal' }).click();
  const amount = form.getByRole('textbox', { name: 'Amount' });
  await expect.poll(() => amount.getAttribute('aria-invalid')).toBe('true');
  await amount.fill('2500');
  await form.getByRole('button', { name: 'Create deal' }).click();
  const title = form.getByRole('textbox', { name: 'Title' });
  await expect.poll(() => title.getAttribute('aria-invalid')).toBe('true');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'deals-new-error');
  await title.fill('Hooli expansion');
  await form.getByRole('button', { name: 'Create deal' }).click();
  await lead.getByRole('listitem', { name: 'Hooli expansion' }).waitFor();
  await expect.poll(() => summary(lead)).toContain(euro(2500));

  // A phone: the page does not scroll sideways; the board scrolls inside itself.
  await page.setViewportSize({ width: 390, height: 844 });
  await lead.getByRole('listitem', { name: 'Hooli expansion' }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'deals-board-phone', { fullPage: false });
  await context.close();
});

it('lists companies with search and shows one with its contacts and deals', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await signIn(env, page, 'ada@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Companies' }).click();
  await page.getByRole('heading', { name: 'Companies', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Initech' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search' }).fill('glob');
  await expect.poll(() => page.getByRole('link', { name: 'Initech' }).count()).toBe(0);
  await page.getByText('1 company found').waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'companies');

  await page.getByRole('link', { name: 'Globex Corporation' }).click();
  await page.getByRole('heading', { name: 'Globex Corporation', level: 1 }).waitFor();
  expect(await page.title()).toBe('Company – Custodian');
  await page.getByText('globex.test').waitFor();
  await page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name: 'Hank Scorpio' }).waitFor();
  await page.getByRole('region', { name: 'Deals' }).getByRole('link', { name: 'Globex renewal' }).waitFor();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'company');

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await overflowsSideways(page)).toBe(false);
  await screenshot(page, 'company-phone', { fullPage: false });
  await page.goBack();
  await page.getByRole('heading', { name: 'Companies', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Globex Corporation' }).waitFor();
  expect(await overflowsSideways(page)).toBe(false);
  await screenshot(page, 'companies-phone', { fullPage: false });
  await context.close();
});

it('lists the tasks due today and overdue, and marks one done', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await signIn(env, page, 'ada@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('heading', { name: 'Tasks due today', level: 1 }).waitFor();
  const today = page.getByRole('region', { name: /^Due today/ });
  const overdue = page.getByRole('region', { name: /^Overdue/ });
  await today.getByText('Call Hank back').waitFor();
  await today.getByRole('link', { name: 'Hank Scorpio' }).waitFor();
  await overdue.getByText('Send the contract').waitFor();
  expect(await page.getByText('Plan next quarter').count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'tasks');

  await today.getByRole('button', { name: 'Mark done' }).click();
  await page.getByText('Marked Call Hank back done.').waitFor();
  await expect.poll(() => page.getByText('Call Hank back', { exact: true }).count()).toBe(0);
  const saved = await admin<Task>('GET', `/api/v1/tasks/${tasks.today!.id}`);
  expect(saved.status).toBe('done');
  expect(saved.completedAt).not.toBeNull();
  // Focus moved on to the task still due, not lost with the row that left.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Mark done');

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'tasks-phone', { fullPage: false });
  await context.close();
});
