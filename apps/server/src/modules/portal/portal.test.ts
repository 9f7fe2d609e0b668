import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Contact, PortalInfo, Preferences, Problem, PublicRequestStatus } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import {
  type Caller,
  createTestContext,
  type TestContext,
  testAppConfig,
  uniqueEmail,
} from '../../test/context.js';
import { type ReceivedMail, startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';

let smtp: TestSmtpServer;
let t: TestContext;
let dpo: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config });
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function knownPerson(firstName = 'Petra'): Promise<{ contact: Contact; email: string }> {
  const email = uniqueEmail('portal');
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as: dpo,
    body: { firstName, lastName: 'Portalova', emails: [{ value: email }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { contact: res.json<Contact>(), email };
}

/** Every mail to an address with this subject, waiting until one arrives (jobs mail in the background). */
async function mailWith(address: string, subject: string): Promise<ReceivedMail> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mail = smtp.received.find(
      (m) => m.to.includes(address) && textOf(m).includes(`Subject: ${subject}`),
    );
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" arrived`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusPathIn = (mail: ReceivedMail): string => {
  const match = textOf(mail).match(
    /http:\/\/localhost:3000(\/privacy\/requests\/[0-9a-f-]{36}\?token=[\w-]+)/,
  );
  if (!match) throw new Error('no status link in the mail');
  return match[1]!;
};
const apiPathOf = (statusPath: string) => {
  const url = new URL(`http://x${statusPath}`);
  return `/api/v1${url.pathname.replace('/privacy', '/public')}/status?token=${url.searchParams.get('token')}`;
};

async function fileAndVerify(
  type: string,
  email: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  const filed = await t.request({
    method: 'POST',
    url: '/api/v1/public/requests',
    body: { type, email, name: 'Petra Portalova', details: 'My secret story', ...extra },
  });
  expect(filed.statusCode, filed.body).toBe(202);
  const { requestId } = filed.json<{ requestId: string }>();
  const codeMail = await mailWith(email, 'Your code');
  const code = textOf(codeMail).match(/enter this code: ([0-9]{6})/)![1]!;
  const verified = await t.request({
    method: 'POST',
    url: `/api/v1/public/requests/${requestId}/verify`,
    body: { code },
    headers,
  });
  expect(verified.statusCode, verified.body).toBe(200);
  return {
    requestId,
    codeMail,
    verified: verified.json<{
      status: string;
      statusUrl: string;
      gpc: { signal: boolean; recorded: boolean };
    }>(),
  };
}

const ledgerOf = async (contactId: string) =>
  (await t.request({ url: `/api/v1/contacts/${contactId}/consents/events`, as: dpo })).json<{
    items: { kind: string; method: string }[];
  }>().items;

describe('following a request in the portal', () => {
  it('answers the status to the signed link only, with dates and states and nothing personal', async () => {
    const { email } = await knownPerson();
    const { requestId, codeMail, verified } = await fileAndVerify('access', email);
    const mailed = statusPathIn(codeMail);
    expect(mailed).toContain(`/privacy/requests/${requestId}?token=`);
    expect(verified.statusUrl).toBe(`${testAppConfig.publicUrl}${mailed}`);
    expect(verified.gpc).toEqual({ signal: false, recorded: false });

    const res = await t.request({ url: apiPathOf(mailed) });
    expect(res.statusCode, res.body).toBe(200);
    const status = res.json<PublicRequestStatus>();
    expect(status).toMatchObject({
      id: requestId,
      type: 'access',
      regime: 'gdpr',
      status: 'in_progress',
      extended: false,
      extensionReason: null,
      fulfilledAt: null,
    });
    expect(status.verifiedAt).not.toBeNull();
    expect(status.timeline.map((s) => s.status)).toEqual(['verifying', 'in_progress']);
    // Nothing the requester wrote, nothing about staff.
    for (const secret of [email, 'Petra', 'Portalova', 'My secret story', 'note', 'actor', 'assignedTo'])
      expect(res.body).not.toContain(secret);
    const [audit] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'request.status-read' and entity_id = ${requestId}`,
    );
    expect(audit!.n).toBe(1);

    // A wrong token, the token of another request and a missing request answer alike.
    const missing = await t.request({
      url: `/api/v1/public/requests/00000000-0000-4000-8000-000000000000/status?token=${new URL(`http://x${mailed}`).searchParams.get('token')}`,
    });
    const token = new URL(`http://x${mailed}`).searchParams.get('token')!;
    const forged = await t.request({
      url: `/api/v1/public/requests/${requestId}/status?token=${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
    });
    const other = await knownPerson();
    const second = await fileAndVerify('erasure', other.email);
    const crossed = await t.request({
      url: `/api/v1/public/requests/${second.requestId}/status?token=${token}`,
    });
    for (const wrong of [missing, forged, crossed]) {
      expect(wrong.statusCode).toBe(404);
      expect(wrong.json<Problem>()).toMatchObject({
        code: 'not_found',
        detail: missing.json<Problem>().detail,
      });
    }
    const bad = await t.request({ url: `/api/v1/public/requests/${requestId}/status` });
    expect(bad.statusCode).toBe(400);
  });

  it('mails the status link with the receipt, the extension and the download link, and shows the extension', async () => {
    const { email } = await knownPerson();
    const { requestId, verified } = await fileAndVerify('access', email);
    const post = (url: string, body: unknown = {}) => t.request({ method: 'POST', url, as: dpo, body });
    expect((await post(`/api/v1/requests/${requestId}/acknowledge`)).statusCode).toBe(200);
    const reason = 'Your data sits in an archive we need to search by hand.';
    expect((await post(`/api/v1/requests/${requestId}/extend`, { reason })).statusCode).toBe(200);
    const statusPath = verified.statusUrl.replace(testAppConfig.publicUrl, '');
    expect(statusPathIn(await mailWith(email, 'We received your request'))).toBe(statusPath);
    expect(statusPathIn(await mailWith(email, 'Your request: we need more time'))).toBe(statusPath);

    const extended = (await t.request({ url: apiPathOf(statusPath) })).json<PublicRequestStatus>();
    expect(extended).toMatchObject({ status: 'extended', extended: true, extensionReason: reason });

    // Fulfilling an access request prepares its package for review; the release mails the link.
    expect((await post(`/api/v1/requests/${requestId}/fulfil`)).statusCode).toBe(200);
    const released = await post(`/api/v1/requests/${requestId}/package/release`, { reviewed: true });
    expect(released.statusCode, released.body).toBe(200);
    expect(statusPathIn(await mailWith(email, 'Your data is ready to download'))).toBe(statusPath);
    const fulfilled = (await t.request({ url: apiPathOf(statusPath) })).json<PublicRequestStatus>();
    expect(fulfilled.status).toBe('fulfilled');
    expect(fulfilled.fulfilledAt).not.toBeNull();
    expect(fulfilled.timeline.at(-1)!.status).toBe('fulfilled');
  });

  it('mails a code at once for the next request of someone who just entered theirs', async () => {
    const { email } = await knownPerson();
    const first = await fileAndVerify('access', email);
    const filed = await t.request({
      method: 'POST',
      url: '/api/v1/public/requests',
      body: { type: 'erasure', email },
    });
    const { requestId } = filed.json<{ requestId: string }>();
    const deadline = Date.now() + 30_000;
    let codes: ReceivedMail[] = [];
    while (codes.length < 2 && Date.now() < deadline) {
      codes = smtp.received.filter((m) => m.to.includes(email) && textOf(m).includes('Subject: Your code'));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(codes).toHaveLength(2);
    expect(statusPathIn(codes[1]!)).toContain(requestId);
    expect(requestId).not.toBe(first.requestId);
  });
});

describe('the portal and Global Privacy Control', () => {
  it('tells the portal who the controller is, the rights per regime, and whether Sec-GPC arrived', async () => {
    const plain = await t.request({ url: '/api/v1/public/portal' });
    expect(plain.statusCode, plain.body).toBe(200);
    const info = plain.json<PortalInfo>();
    expect(info).toMatchObject({
      controller: { name: 'Example Ltd', email: 'privacy@example.test' },
      languages: ['en', 'de', 'fr'],
      gpc: false,
    });
    expect(info.requestTypes.gdpr).toContain('portability');
    expect(info.requestTypes.ccpa).toContain('opt_out_sale_sharing');
    const signalled = await t.request({ url: '/api/v1/public/portal', headers: { 'sec-gpc': '1' } });
    expect(signalled.json<PortalInfo>().gpc).toBe(true);
  });

  it('records an opt-out of sale and sharing when a verification carries Sec-GPC', async () => {
    const { contact, email } = await knownPerson();
    const { verified } = await fileAndVerify('objection', email, {
      'sec-gpc': '1',
      'user-agent': 'GpcBrowser/1',
    });
    expect(verified.gpc).toEqual({ signal: true, recorded: true });
    const ledger = await ledgerOf(contact.id);
    expect(ledger.filter((e) => e.method === 'global_privacy_control').map((e) => e.kind)).toEqual([
      'sale_sharing_opted_out',
    ]);
  });

  it('records it once when the preference centre is opened or changed with Sec-GPC', async () => {
    const { contact } = await knownPerson();
    const link = await t.request({ url: `/api/v1/contacts/${contact.id}/preference-link`, as: dpo });
    const token = new URL(link.json<{ url: string }>().url).searchParams.get('token')!;
    const plain = await t.request({ url: `/api/v1/public/preferences?token=${token}` });
    expect(plain.json<Preferences>().gpc).toEqual({ signal: false, recorded: false });
    const gpc = { 'sec-gpc': '1' };
    const first = await t.request({ url: `/api/v1/public/preferences?token=${token}`, headers: gpc });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<Preferences>().gpc).toEqual({ signal: true, recorded: true });
    const changed = await t.request({
      method: 'POST',
      url: `/api/v1/public/preferences?token=${token}`,
      headers: gpc,
      body: { changes: [{ purpose: 'profiling', objected: true }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // Already opted out: nothing new is recorded, and the page can say so.
    expect(changed.json<Preferences>().gpc).toEqual({ signal: true, recorded: false });
    const ledger = await ledgerOf(contact.id);
    expect(ledger.filter((e) => e.method === 'global_privacy_control')).toHaveLength(1);
  });
});

describe('the portal pages', () => {
  let web: TestContext;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>staff app</title>');
    fs.writeFileSync(
      path.join(webRoot, 'portal.html'),
      '<!doctype html><title>privacy portal</title><noscript><a href="/privacy/preferences/basic">basic</a></noscript>',
    );
    web = await createTestContext({ webRoot });
  });
  afterAll(async () => {
    await web?.close();
    if (webRoot) fs.rmSync(webRoot, { recursive: true, force: true });
  });
  const page = (ctx: TestContext, url: string) => ctx.request({ url, headers: { accept: 'text/html' } });

  it('serves the portal page for /privacy and below, and the staff app elsewhere', async () => {
    for (const url of [
      '/privacy',
      '/privacy/request?type=erasure',
      '/privacy/requests/00000000-0000-4000-8000-000000000000?token=abcdefghijkl',
      '/privacy/preferences?token=p1.x',
      '/privacy/confirm?token=abc',
    ]) {
      const res = await page(web, url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('privacy portal');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    // Without script, the preference page's link to the basic page carries the person's token.
    expect((await page(web, '/privacy/preferences?token=p1.x')).body).toContain(
      'href="/privacy/preferences/basic?token=p1.x"',
    );
    expect((await page(web, '/privacy-desk/requests')).body).toContain('staff app');
    expect((await page(web, '/contacts')).body).toContain('staff app');
    // Not a page request: the API's 404.
    expect((await web.request({ url: '/privacy/anything' })).statusCode).toBe(404);
  });

  it('keeps the page without script at /privacy/preferences/basic, and sends links there without the portal', async () => {
    const admin = await web.login(await web.createUser('admin'));
    const created = await web.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: admin,
      body: { firstName: 'Basil', emails: [{ value: uniqueEmail('basic') }] },
    });
    const link = await web.request({
      url: `/api/v1/contacts/${created.json<Contact>().id}/preference-link`,
      as: admin,
    });
    const token = new URL(link.json<{ url: string }>().url).searchParams.get('token')!;
    const basic = await page(web, `/privacy/preferences/basic?token=${token}`);
    expect(basic.statusCode).toBe(200);
    expect(basic.body).toContain('<form method="post" action="/privacy/preferences/basic?token=');
    // A server without the built portal (this one of the first describe) redirects the mailed links.
    const redirected = await page(t, `/privacy/preferences?token=${token}`);
    expect(redirected.statusCode).toBe(302);
    expect(redirected.headers.location).toBe(`/privacy/preferences/basic?token=${token}`);
    const confirm = await page(t, '/privacy/confirm?token=abc');
    expect(confirm.headers.location).toBe('/api/v1/public/consent/confirm?token=abc');
  });
});
