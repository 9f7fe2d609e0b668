import { strFromU8, unzipSync } from 'fflate';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { solveChallenge } from '../../server/src/modules/consents/bot-check.js';
import {
  type ReceivedMail,
  startTestSmtpServer,
  type TestSmtpServer,
  textOf,
} from '../../server/src/test/smtp.js';
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
let admin: ApiCall;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  env = await startTestServer({
    smtp: smtp.config,
    env: {
      CONTROLLER_NAME: 'Example Shop GmbH',
      CONTROLLER_EMAIL: 'privacy@shop.example.test',
      CONTROLLER_ADDRESS: '1 Market Square, 10115 Berlin, Germany',
      // Every public call of this file comes from 127.0.0.1.
      PUBLIC_FORM_RATE_LIMIT: '200',
    },
  });
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Admin', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
  await admin('POST', '/api/v1/users', {
    email: 'dora@example.test',
    name: 'Dora Dpo',
    role: 'dpo',
    password,
  });
  await admin('POST', '/api/v1/notices', {
    key: 'newsletter',
    name: 'Newsletter',
    purposes: ['newsletter'],
    texts: [{ language: 'en', text: 'We send a monthly newsletter about our products and events.' }],
  });
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
  await smtp?.close();
});

/** Mails to an address with this subject, waiting until there are at least `count` (jobs mail in the background). */
async function mailsWith(address: string, subject: string, count = 1): Promise<ReceivedMail[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mails = smtp.received.filter(
      (m) => m.to.includes(address) && textOf(m).includes(`Subject: ${subject}`),
    );
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" arrived`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The link of a mail that starts with `path`, on the test server (mails name the configured public URL). */
function linkIn(mail: ReceivedMail, path: string): string {
  const match = textOf(mail).match(new RegExp(`https?://[^/\\s]+(${path.replace(/[/?]/g, '\\$&')}[^\\s]*)`));
  if (!match) throw new Error(`no ${path} link in the mail`);
  return `${env.server.url}${match[1]!}`;
}

const codeIn = (mail: ReceivedMail) => textOf(mail).match(/enter this code: ([0-9]{6})/)![1]!;

async function personContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...options });
}

it('a person asks for their data and then for its erasure; the dpo answers both in the desk', async () => {
  const email = 'petra.person@example.test';
  const petra = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Petra',
    lastName: 'Person',
    emails: [{ value: email, primary: true }],
    addresses: [{ city: 'Leipzig' }],
  });
  const context = await personContext();
  const page = await context.newPage();

  // The portal's front page: the controller, the rights, and what the server made of GPC (nothing sent).
  await page.goto(`${env.server.url}/privacy`);
  await page.getByRole('heading', { name: 'Your privacy', level: 1 }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.title()).toBe('Your privacy – Privacy portal');
  await page.getByText('Example Shop GmbH holds some personal data about you').waitFor();
  await page.getByText('did not send a Global Privacy Control signal').waitFor();
  expect(await page.getByRole('link', { name: 'privacy@shop.example.test' }).count()).toBe(1);
  // The portal's own bundle: nothing of the staff app was loaded.
  const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
  expect(scripts.some((s) => /\/assets\/main-/.test(s))).toBe(false);
  await checkPage(page, 'portal-home');

  // Ask for access; an empty address is refused next to its field.
  await page.getByRole('link', { name: 'See your data' }).click();
  await page.getByRole('heading', { name: 'Make a request', level: 1 }).waitFor();
  expect(await page.getByRole('radio', { name: /See your data/ }).isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Send the request' }).click();
  const address = page.getByRole('textbox', { name: 'Your e-mail address' });
  await expect.poll(() => address.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(address)).toContain('Enter an e-mail address such as name@example.com.');
  await checkPage(page, 'portal-request-error');
  await address.fill(email);
  await page.getByRole('button', { name: 'Send the request' }).click();

  // The code step: a wrong code is explained at the field, the right one confirms.
  await page.getByRole('heading', { name: 'Confirm it is you', level: 1 }).waitFor();
  const accessId = /\/privacy\/requests\/([0-9a-f-]{36})\/verify$/.exec(new URL(page.url()).pathname)![1]!;
  const [codeMail] = await mailsWith(email, 'Your code');
  const code = codeIn(codeMail!);
  const codeField = page.getByRole('textbox', { name: 'Code from the e-mail' });
  await codeField.fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect.poll(() => codeField.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(codeField)).toContain('This is not the code we sent.');
  await checkPage(page, 'portal-verify-error');
  await codeField.fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();

  // The status page: the address is the one the mail carries.
  await page.getByRole('heading', { name: 'Your request', level: 1 }).waitFor();
  await page.getByText('Thank you: your request is confirmed.').waitFor();
  await page.getByText('We are working on it', { exact: true }).waitFor();
  const statusLink = linkIn(codeMail!, `/privacy/requests/${accessId}?token=`);
  expect(page.url()).toBe(statusLink);
  expect(
    await page.getByRole('textbox', { name: 'Keep this link to follow your request:' }).inputValue(),
  ).toBe(statusLink);
  expect(await page.locator('body').textContent()).not.toContain(email);
  await checkPage(page, 'portal-status');

  // The dpo releases the package in the desk.
  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await staff.newPage();
  await signIn(env, desk, 'dora@example.test');
  await desk.goto(`${env.server.url}/privacy-desk/requests/${accessId}`);
  await desk.getByRole('heading', { name: 'Access request', level: 1 }).waitFor();
  await desk.getByRole('button', { name: 'Prepare the package' }).click();
  const pkg = desk.getByRole('region', { name: 'Access package' });
  await pkg.getByRole('checkbox', { name: /I reviewed the package/ }).check();
  await pkg.getByRole('button', { name: 'Release and fulfil' }).click();
  await desk.locator('.subtitle').getByText('Fulfilled', { exact: true }).waitFor();

  // The person gets the link by mail; it downloads a ZIP with their data, once.
  const [linkMail] = await mailsWith(email, 'Your data is ready to download');
  expect(linkIn(linkMail!, `/privacy/requests/${accessId}?token=`)).toBe(statusLink);
  const download = linkIn(linkMail!, '/api/v1/public/packages/');
  const fetched = await page.evaluate(async (url) => {
    const res = await fetch(url);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type'), bytes: Array.from(bytes) };
  }, download);
  expect(fetched.status).toBe(200);
  expect(fetched.type).toBe('application/zip');
  const files = unzipSync(new Uint8Array(fetched.bytes));
  const json = strFromU8(files['package.json'] ?? new Uint8Array());
  expect(json).toContain(email);
  expect(json).toContain('Leipzig');
  expect(await page.evaluate(async (url) => (await fetch(url)).status, download)).not.toBe(200);
  await page.reload();
  await page.getByText('We sent you an e-mail with a link to download your data.').waitFor();
  await page.getByText('Done', { exact: true }).waitFor();

  // Then the erasure, through the portal again.
  await page.goto(`${env.server.url}/privacy/request?type=erasure`);
  expect(await page.getByRole('radio', { name: /Delete your data/ }).isChecked()).toBe(true);
  await page.getByRole('textbox', { name: 'Your e-mail address' }).fill(email);
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByRole('heading', { name: 'Confirm it is you', level: 1 }).waitFor();
  const erasureId = /\/privacy\/requests\/([0-9a-f-]{36})\/verify$/.exec(new URL(page.url()).pathname)![1]!;
  const codes = await mailsWith(email, 'Your code', 2);
  await page.getByRole('textbox', { name: 'Code from the e-mail' }).fill(codeIn(codes[1]!));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Your request', level: 1 }).waitFor();
  await page.getByText('Delete your data', { exact: true }).waitFor();
  const erasureStatus = page.url();

  // The dpo erases the person; staff search finds them no more.
  await desk.goto(`${env.server.url}/privacy-desk/requests/${erasureId}`);
  await desk.getByRole('heading', { name: 'Erasure request', level: 1 }).waitFor();
  await desk.getByRole('button', { name: 'Erase the person…' }).click();
  await desk.getByRole('button', { name: 'Erase now' }).click();
  await desk.locator('.subtitle').getByText('Fulfilled', { exact: true }).waitFor();
  await desk.goto(`${env.server.url}/contacts`);
  await desk.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  await desk.getByRole('searchbox', { name: 'Search' }).fill(email);
  await desk.getByText('No contact matches this search and these filters.').waitFor();
  expect(
    (await admin<{ items: unknown[] }>('GET', `/api/v1/contacts?q=${encodeURIComponent(email)}`)).items,
  ).toEqual([]);
  expect(petra.id).toBeTruthy();

  // The person's status page still answers, and says it is done.
  await page.goto(erasureStatus);
  await page.getByText('Done', { exact: true }).waitFor();
  const timeline = page.getByRole('region', { name: 'What happened' });
  expect(await timeline.getByRole('listitem').last().textContent()).toContain('Done');
  await checkPage(page, 'portal-status-erased');
  await staff.close();
  await context.close();
});

it('speaks German and French: from the address, from the browser, and from the switcher', async () => {
  const context = await personContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/privacy?lang=de`);
  await page.getByRole('heading', { name: 'Ihre Privatsphäre', level: 1 }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('de');
  await page.getByRole('link', { name: 'Antrag stellen' }).first().click();
  await page.getByRole('heading', { name: 'Antrag stellen', level: 1 }).waitFor();
  expect(new URL(page.url()).searchParams.get('lang')).toBe('de');
  await page.getByRole('textbox', { name: 'Ihre E-Mail-Adresse' }).waitFor();
  await checkPage(page, 'portal-request-de');

  // The switcher: French, on the same page.
  await page.getByRole('navigation', { name: 'Sprache' }).getByRole('button', { name: 'Français' }).click();
  await page.getByRole('heading', { name: 'Faire une demande', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Votre adresse e-mail' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  expect(new URL(page.url()).searchParams.get('lang')).toBe('fr');
  await checkPage(page, 'portal-request-fr');
  await context.close();

  // A browser set to French gets French without asking.
  const french = await personContext({ locale: 'fr-FR' });
  const frPage = await french.newPage();
  await frPage.goto(`${env.server.url}/privacy`);
  await frPage.getByRole('heading', { name: 'Votre vie privée', level: 1 }).waitFor();
  await frPage.getByRole('link', { name: 'Effacer vos données' }).waitFor();
  await checkPage(frPage, 'home-fr');
  await french.close();
});

it('honours Global Privacy Control and says so; the preference centre changes a subscription', async () => {
  const gina = await admin<{ id: string }>('POST', '/api/v1/contacts', {
    firstName: 'Gina',
    emails: [{ value: 'gina@example.test', primary: true }],
  });
  const { url } = await admin<{ url: string }>('GET', `/api/v1/contacts/${gina.id}/preference-link`);
  const context = await personContext({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/privacy`);
  await page.getByText('Your browser sent a Global Privacy Control signal.').waitFor();
  await checkPage(page, 'portal-home-gpc');

  await page.goto(`${env.server.url}${new URL(url).pathname}${new URL(url).search}`);
  await page.getByRole('heading', { name: 'Your preferences', level: 1 }).waitFor();
  await page.getByText('we recorded an opt-out of sale and sharing for you').waitFor();
  const newsletter = page.getByRole('region', { name: 'Newsletter' });
  await newsletter.getByText('You are not subscribed.').waitFor();
  // The notice is shown before subscribing.
  await newsletter.getByText('We send a monthly newsletter about our products and events.').waitFor();
  await checkPage(page, 'portal-preferences');
  await newsletter.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByText('Saved: you subscribed to “Newsletter”.').waitFor();
  await newsletter.getByText('You are subscribed.').waitFor();
  await newsletter.getByRole('button', { name: 'Unsubscribe' }).waitFor();
  await checkPage(page, 'portal-preferences-saved');

  const ledger = await admin<{ items: { kind: string; method: string; purpose: string | null }[] }>(
    'GET',
    `/api/v1/contacts/${gina.id}/consents/events`,
  );
  expect(ledger.items.map((e) => [e.kind, e.method])).toEqual(
    expect.arrayContaining([
      ['sale_sharing_opted_out', 'global_privacy_control'],
      ['given', 'portal'],
    ]),
  );
  await context.close();
});

it('confirms a double opt-in on the portal page: one button, once', async () => {
  const form = await admin<{ id: string }>('POST', '/api/v1/consent-forms', {
    name: 'Newsletter sign-up',
    noticeKey: 'newsletter',
    purposes: ['newsletter'],
  });
  const challenge = await (
    await fetch(`${env.server.url}/api/v1/public/consent/challenge?formId=${form.id}`)
  ).json();
  const { challenge: text, difficulty } = challenge as { challenge: string; difficulty: number };
  const submitted = await fetch(`${env.server.url}/api/v1/public/consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      formId: form.id,
      language: 'en',
      email: 'otto.optin@example.test',
      challenge: text,
      solution: solveChallenge(text, difficulty),
    }),
  });
  expect(submitted.status).toBe(202);
  const [mail] = await mailsWith('otto.optin@example.test', 'Please confirm your consent');
  const link = linkIn(mail!, '/privacy/confirm?token=');

  const context = await personContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole('heading', { name: 'Confirm your consent', level: 1 }).waitFor();
  await page.getByText('Opening this page changes nothing').waitFor();
  await checkPage(page, 'portal-confirm');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('Thank you: your consent is confirmed for:').waitFor();
  await page.getByRole('listitem').getByText('Newsletter').waitFor();
  await checkPage(page, 'portal-confirmed');

  // The same link again: used.
  await page.reload();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('This link was already used: your consent is confirmed.').waitFor();
  await checkPage(page, 'portal-confirm-used');
  await context.close();
});
