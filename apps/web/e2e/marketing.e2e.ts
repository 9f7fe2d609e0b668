import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../../server/src/test/smtp.js';
import { launchChromium, startTestServer } from './browser.js';
import {
  type ApiCall,
  apiSession,
  checkPage,
  createFirstAdmin,
  describedText,
  password,
  signIn,
} from './session.js';

let smtp: TestSmtpServer;
let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: ApiCall;
const people: Record<string, { id: string }> = {};

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  env = await startTestServer({ smtp: smtp.config });
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Admin', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'mia@example.test',
    name: 'Mia Marketing',
    role: 'marketing',
    password,
  });
  const notice = await admin<{ id: string }>('POST', '/api/v1/notices', {
    key: 'newsletter',
    name: 'Newsletter',
    purposes: ['newsletter'],
    texts: [{ language: 'en', text: 'We send a monthly newsletter about our products and events.' }],
  });
  // Two leads with an address, one who consented to the newsletter and one who did not; a customer besides.
  for (const [key, firstName, stage] of [
    ['ann', 'Ann', 'lead'],
    ['ben', 'Ben', 'lead'],
    ['cal', 'Cal', 'customer'],
  ] as const)
    people[key] = await admin('POST', '/api/v1/contacts', {
      firstName,
      lastName: 'Example',
      lifecycleStage: stage,
      emails: [{ value: `${key}@example.test`, primary: true }],
      tags: key === 'ben' ? ['vip'] : [],
    });
  await admin('POST', `/api/v1/contacts/${people.ann!.id}/consents/events`, {
    kind: 'given',
    purpose: 'newsletter',
    noticeId: notice.id,
    language: 'en',
    method: 'paper',
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.close();
  await smtp?.close();
});

const tileValue = (name: string) =>
  page
    .locator('.tile')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) })
    .locator('.tile-value');

it('marketing builds a segment with its live count, sends a campaign and sees who was refused', async () => {
  await signIn(env, page, 'mia@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketing' }).click();
  await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();

  // A segment: the leads. The count follows the rules as they are ticked.
  await page.getByRole('navigation', { name: 'Marketing' }).getByRole('link', { name: 'Segments' }).click();
  await page.getByRole('heading', { name: 'Segments', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'New segment' });
  await form.getByText('Matches 3 contacts').waitFor();
  await form.getByRole('group', { name: 'Lifecycle stage (any of)' }).getByLabel('Lead').check();
  await form.getByText('Matches 2 contacts').waitFor();
  // Tags are chosen by name (GET /api/v1/tags); excluding Ben's leaves one lead, and untagging brings him back.
  const noneOf = form.getByRole('group', { name: 'Tagged with none of' }).getByLabel('vip');
  await noneOf.check();
  await form.getByText(/Matches 1 contact\b/).waitFor();
  await noneOf.uncheck();
  await form.getByText('Matches 2 contacts').waitFor();
  // A number the contract refuses is named at its field, from the preview already.
  const active = form.getByLabel('Active within the last … days');
  await active.fill('0');
  await expect.poll(() => active.getAttribute('aria-invalid')).toBe('true');
  await active.fill('');
  await form.getByText('Matches 2 contacts').waitFor();
  await form.getByLabel('Segment name').fill('Leads');
  await form.getByRole('button', { name: 'Create segment' }).click();
  await page.getByRole('status').getByText('The segment Leads was created.').waitFor();
  await page.getByRole('list', { name: 'Saved segments' }).getByText('2 contacts').waitFor();
  await checkPage(page, 'marketing-segments');

  // A campaign to it. Tracking is refused at its field while e-mail tracking does not rest on consent.
  await admin('PATCH', '/api/v1/purposes/email_tracking', { lawfulBasis: 'legitimate_interests' });
  await page.getByRole('navigation', { name: 'Marketing' }).getByRole('link', { name: 'Campaigns' }).click();
  const draft = page.getByRole('form', { name: 'New campaign' });
  await draft.getByLabel('Campaign name').fill('Spring newsletter');
  await draft.getByLabel('Segment').selectOption({ label: 'Leads (2)' });
  await draft.getByLabel('Purpose').selectOption('newsletter');
  await draft.getByLabel('Subject').fill('Spring news for {{firstName}}');
  await draft.getByLabel('Text body').fill('Hello {{firstName}},\n\nthe spring news.');
  const tracking = draft.getByLabel('Track opens and clicks');
  await tracking.check();
  await draft.getByRole('button', { name: 'Create draft' }).click();
  await expect.poll(() => tracking.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(tracking)).toContain('email_tracking');
  await checkPage(page, 'marketing-campaign-new');
  await tracking.uncheck();
  await draft.getByRole('button', { name: 'Create draft' }).click();
  await page.getByRole('heading', { name: 'Spring newsletter', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toMatch(/^\/campaigns\/[0-9a-f-]{36}$/);

  // Send asks first; then the counts move: one sent, one refused for want of consent.
  await page.getByRole('button', { name: 'Send…' }).click();
  await page.getByRole('button', { name: 'Yes, send now' }).click();
  await expect.poll(() => tileValue('Sent').textContent(), { timeout: 30_000 }).toBe('1');
  await expect.poll(() => tileValue('Refused').textContent(), { timeout: 30_000 }).toBe('1');
  await page
    .getByRole('table', { name: 'Refused, by reason' })
    .getByRole('row', { name: 'No consent 1' })
    .waitFor();
  await page.locator('.badge', { hasText: /^Sent$/ }).waitFor({ timeout: 30_000 });
  const mail = await smtp.mailTo('ann@example.test');
  expect(mail.data).toContain('Spring news for Ann');
  expect(smtp.received.some((m) => m.to.includes('ben@example.test'))).toBe(false);
  await checkPage(page, 'marketing-campaign');

  await page.getByRole('link', { name: 'All campaigns' }).click();
  const row = page.getByRole('row', { name: /Spring newsletter/ });
  await row.getByText('Sent', { exact: true }).waitFor();
  await checkPage(page, 'marketing-campaigns');
});

it('marketing adds a scoring rule, runs it and sees the scores with links to the contacts', async () => {
  await page
    .getByRole('navigation', { name: 'Marketing' })
    .getByRole('link', { name: 'Lead scoring' })
    .click();
  await page.getByRole('heading', { name: 'Lead scoring', level: 1 }).waitFor();
  await page.getByText('No scores yet').waitFor();
  const form = page.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Rule name').fill('Is a lead');
  const points = form.getByLabel('Points');
  await points.fill('0');
  await form.getByLabel('Condition').selectOption({ label: 'Lifecycle stage' });
  await form.getByRole('group', { name: 'Lifecycle stages (any of)' }).getByLabel('Lead').check();
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect.poll(() => points.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(points)).toMatch(/zero/);
  await points.fill('15');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await page.getByRole('list', { name: 'Scoring rules' }).getByText('+15 points').waitFor();

  await page.getByRole('button', { name: 'Score everyone now' }).click();
  const scores = page.getByRole('region', { name: 'Top scores' });
  await scores.getByRole('link', { name: 'Ann Example' }).waitFor({ timeout: 30_000 });
  await scores.getByRole('link', { name: 'Ben Example' }).waitFor();
  const scoreOf = (name: string) =>
    scores.getByRole('listitem').filter({ hasText: name }).locator('.score').textContent();
  expect(await scoreOf('Ann Example')).toBe('15');
  expect(await scoreOf('Ben Example')).toBe('15');
  expect(await scoreOf('Cal Example')).toBe('0');
  await page.getByRole('region', { name: 'Runs' }).getByText('Finished').first().waitFor();
  await checkPage(page, 'marketing-scoring');
  await scores.getByRole('link', { name: 'Ann Example' }).click();
  await page.waitForURL(`**/contacts/${people.ann!.id}`);
});

it('an administrator subscribes a webhook: a loopback address is refused at its field, the secret is shown once and rotated', async () => {
  await admin('POST', '/api/v1/recipients', {
    name: 'Partner Shop',
    role: 'third_party',
    countries: ['DE'],
    purposes: ['contract_fulfilment'],
    categories: ['identity'],
  });
  await context.clearCookies();
  await signIn(env, page, 'ada@example.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await page
    .getByRole('navigation', { name: 'Administration' })
    .getByRole('link', { name: 'Webhooks' })
    .click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  await page.getByText('No webhooks yet.').waitFor();

  const form = page.getByRole('form', { name: 'New webhook' });
  await form.getByLabel('Recipient').selectOption({ label: 'Partner Shop' });
  await form.getByLabel('Purpose').selectOption('contract_fulfilment');
  const url = form.getByLabel('Address (URL)');
  await url.fill('https://127.0.0.1/hooks/custodian');
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(url)).toContain('private or loopback');
  await checkPage(page, 'admin-webhooks-refused');

  await url.fill('https://hooks.partner-shop.example/custodian');
  await form.getByRole('button', { name: 'Create webhook' }).click();
  const notice = page.getByRole('region', { name: 'The signing secret, shown this once' });
  const secret = (await notice.locator('code.secret').textContent()) ?? '';
  expect(secret.length).toBeGreaterThan(20);
  const list = page.getByRole('list', { name: 'Webhook subscriptions' });
  await list.getByRole('heading', { name: 'https://hooks.partner-shop.example/custodian' }).waitFor();
  // Never in browser storage.
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  expect(stored).not.toContain(secret);
  await checkPage(page, 'admin-webhooks');
  await notice.getByRole('button', { name: 'I have stored it' }).click();
  await notice.waitFor({ state: 'detached' });

  await list.getByRole('button', { name: /^Rotate the secret/ }).click();
  await list.getByRole('button', { name: 'Rotate now' }).click();
  const rotated = (await notice.locator('code.secret').textContent()) ?? '';
  expect(rotated.length).toBeGreaterThan(20);
  expect(rotated).not.toBe(secret);

  await list.getByRole('button', { name: /^Deliveries/ }).click();
  await list.getByText('No deliveries.').waitFor();
  await list.getByLabel('Show').selectOption('dead');
  await list.getByText('No deliveries with this status.').waitFor();
  await checkPage(page, 'admin-webhooks-deliveries');
});
