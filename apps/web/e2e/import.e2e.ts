import type { Contact } from '@custodian/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import { type ApiCall, apiSession, createFirstAdmin, overflowsSideways, signIn } from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let admin: ApiCall;

// Row 2 has an e-mail that is not one; the other two are fine.
const csv = [
  'Vorname,Nachname,E-Mail,Stadt',
  'Grace,Hopper,grace@example.test,Arlington',
  'Bad,Row,not-an-email,Nowhere',
  'Alan,Turing,alan@example.test,Wilmslow',
  '',
].join('\n');

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const contactEmails = async (): Promise<string[]> => {
  const page = await admin<{ items: Contact[] }>('GET', '/api/v1/contacts?limit=100');
  return page.items.flatMap((c) => c.emails.map((e) => e.value)).sort();
};

async function chooseFileAndMap(page: Page): Promise<void> {
  await page.getByLabel('CSV file').setInputFiles({
    name: 'fair-leads.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  // The header row is read in the browser; German column names are mapped by hand.
  await page.getByRole('group', { name: 'Columns → contact fields' }).waitFor();
  await page.getByLabel('Vorname').selectOption('firstName');
  await page.getByLabel('Nachname').selectOption('lastName');
  expect(await page.getByLabel('E-Mail', { exact: true }).inputValue()).toBe('email'); // guessed
  await page.getByLabel('Stadt').selectOption('city');
}

it('imports a CSV with a bad row: dry run first, then the import, errors by row and column', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await signIn(env, page, 'ada@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Import and export', level: 1 }).waitFor();
  expect(await page.getByRole('link', { name: 'Export contacts (CSV)' }).getAttribute('href')).toBe(
    '/api/v1/exports?entity=contacts',
  );

  // Without a source the server refuses, and says so next to the field.
  await chooseFileAndMap(page);
  await page.getByRole('button', { name: 'Dry run' }).click();
  const sourceField = page.getByLabel('Source');
  await expect.poll(() => sourceField.getAttribute('aria-invalid')).toBe('true');

  await sourceField.fill('Trade fair 2031');
  await page.getByLabel('Lawful basis').selectOption('legitimate_interests');
  await page.getByRole('button', { name: 'Dry run' }).click();
  const status = page.getByRole('status').filter({ hasText: /finished|failed/ });
  await status.waitFor();
  expect(await status.textContent()).toBe('Dry run finished: 3 of 3 rows checked.');
  expect(await page.getByRole('progressbar').getAttribute('value')).toBe('3');
  await page.getByText('Nothing was changed.').waitFor();
  const errors = page.getByRole('table', { name: /Rows with errors/ });
  const errorRows = await errors.locator('tbody tr').allTextContents();
  expect(errorRows).toHaveLength(1);
  const cells = await errors.locator('tbody tr').first().locator('td').allTextContents();
  expect(cells.slice(0, 2)).toEqual(['2', 'E-Mail']);
  expect(errorRows[0]).not.toContain('not-an-email'); // the column, never the value
  expect(await contactEmails()).toEqual([]);
  await screenshot(page, 'import-dry-run');
  expect(await seriousA11yViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const imported = page.getByRole('status').filter({ hasText: /^Import (finished|failed)/ });
  await imported.waitFor();
  expect(await imported.textContent()).toBe('Import finished: 3 of 3 rows imported.');
  const counts = await page.locator('.counts div').allTextContents();
  expect(counts).toEqual(['created2', 'updated0', 'skipped0', 'Rows with errors1']);
  expect(await errors.locator('tbody td').first().textContent()).toBe('2');
  expect(await contactEmails()).toEqual(['alan@example.test', 'grace@example.test']);
  await screenshot(page, 'import-done');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // On a phone, nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await overflowsSideways(page)).toBe(false);
  await screenshot(page, 'import-phone', { fullPage: false });
  await context.close();
}, 90_000);
