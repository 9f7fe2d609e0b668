import type { ConsentEvent, ConsentForm, Contact, Problem, ProcessingAnswer } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { createMailer } from '../../platform/mail.js';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
import {
  type Caller,
  createTestContext,
  type TestContext,
  testAppConfig,
  uniqueEmail,
} from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { type ReceivedMail, startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';
import { subjectKeysFor } from '../subjects/index.js';
import { leadingZeroBits, solveChallenge, workHash } from './bot-check.js';
import { sendConfirmationMail, sweepConfirmations } from './confirmation-mail.js';
import { sendRestrictionLiftedMail } from './restriction-lifted-mail.js';

let smtp: TestSmtpServer;
let t: TestContext;
let dpo: Caller;
let form: ConsentForm;
let instantForm: ConsentForm;
let workerDeps: Parameters<typeof sweepConfirmations>[0];

async function createForm(as: Caller, body: Record<string, unknown>) {
  return t.request({ method: 'POST', url: '/api/v1/consent-forms', as, body });
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config });
  dpo = await t.login(await t.createUser('dpo'));
  workerDeps = {
    db: t.database.db,
    keys: t.keys,
    subjects: subjectKeysFor(t.keys),
    indexer: indexerFor(t.keys),
    privacy: testAppConfig,
  };
  await publishTestNotice(t, dpo, {
    key: 'signup',
    purposes: ['newsletter', 'marketing_email', 'analytics'],
    languages: ['en', 'de'],
  });
  form = (
    await createForm(dpo, { name: 'Newsletter sign-up', noticeKey: 'signup', purposes: ['newsletter'] })
  ).json();
  instantForm = (
    await createForm(dpo, {
      name: 'Event sign-up',
      noticeKey: 'signup',
      purposes: ['marketing_email'],
      doubleOptIn: false,
    })
  ).json();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function challengeFor(formId: string) {
  const res = await t.request({ url: `/api/v1/public/consent/challenge?formId=${formId}` });
  expect(res.statusCode, res.body).toBe(200);
  const { challenge, difficulty } = res.json<{ challenge: string; difficulty: number }>();
  return { challenge, solution: solveChallenge(challenge, difficulty) };
}

async function submit(
  body: Record<string, unknown>,
  options: { headers?: Record<string, string>; remoteAddress?: string; formId?: string } = {},
) {
  const formId = options.formId ?? form.id;
  return t.request({
    method: 'POST',
    url: '/api/v1/public/consent',
    body: { formId, language: 'en', ...(await challengeFor(formId)), ...body },
    headers: { 'user-agent': 'FormBrowser/1.0', ...options.headers },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

async function contactByEmail(email: string): Promise<Contact | undefined> {
  const res = await t.request({ url: `/api/v1/contacts?q=${encodeURIComponent(email)}`, as: dpo });
  return res.json<{ items: Contact[] }>().items[0];
}

const guard = async (contactId: string, purpose: string) =>
  (
    await t.request({ url: `/api/v1/contacts/${contactId}/may-process?purpose=${purpose}`, as: dpo })
  ).json<ProcessingAnswer>();

const ledgerOf = async (contactId: string) =>
  (await t.request({ url: `/api/v1/contacts/${contactId}/consents/events`, as: dpo })).json<{
    items: ConsentEvent[];
  }>().items;

/** The confirmation link of a mail, its quoted-printable soft breaks and escapes undone. */
function linkIn(mail: ReceivedMail): string {
  const text = textOf(mail);
  // The link opens the portal's page; the server's own page (for links mailed before it) takes the same token.
  const match = text.match(/http:\/\/localhost:3000\/privacy\/confirm\?token=([A-Za-z0-9_-]+)/);
  if (!match) throw new Error('no confirmation link in the mail');
  return `/api/v1/public/consent/confirm?token=${match[1]!}`;
}

async function followLink(path: string) {
  const page = await t.request({ url: path });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  const action = page.body.match(/<form method="post" action="([^"]+)"/)?.[1];
  const token = page.body.match(/name="token" value="([^"]+)"/)?.[1];
  expect(action).toBe('/api/v1/public/consent/confirm.html');
  return { action: action!, token: token! };
}

const press = (action: string, token: string) =>
  t.request({
    method: 'POST',
    url: action,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailClick/2.0' },
    payload: new URLSearchParams({ token }).toString(),
  });

describe('double opt-in through a real SMTP server', () => {
  it('records a pending consent, mails a link whose button confirms it, and refuses the link a second time', async () => {
    const email = uniqueEmail('doi');
    const res = await submit({ email, firstName: 'Dora', pageUrl: 'https://example.test/news?ref=mail' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'confirmation_sent' });
    const contact = (await contactByEmail(email))!;
    expect(contact).toMatchObject({ firstName: 'Dora', source: 'web_form' });
    expect(await guard(contact.id, 'newsletter')).toMatchObject({
      allowed: false,
      reasons: ['consent_pending'],
    });

    const mail = await smtp.mailTo(email);
    expect(mail.data).toContain('Subject: Please confirm your consent');
    expect(mail.data).toContain('Newsletter');
    const path = linkIn(mail);
    // Opening the link changes nothing (mail scanners follow links); the button does.
    const { action, token } = await followLink(path);
    expect((await guard(contact.id, 'newsletter')).allowed).toBe(false);
    const confirmed = await press(action, token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Thank you: confirmed');
    expect(await guard(contact.id, 'newsletter')).toMatchObject({ allowed: true, reasons: [] });

    const ledger = await ledgerOf(contact.id);
    expect(ledger.map((e) => [e.kind, e.method])).toEqual([
      ['confirmed', 'double_opt_in_email'],
      ['pending', 'web_form'],
    ]);
    expect(ledger[1]).toMatchObject({
      source: 'https://example.test/news',
      proof: { userAgent: 'FormBrowser/1.0' },
    });
    expect(ledger[0]).toMatchObject({ relatesTo: ledger[1]!.id, proof: { userAgent: 'MailClick/2.0' } });

    const again = await press(action, token);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('already used');
    const json = await t.request({ method: 'POST', url: '/api/v1/public/consent/confirm', body: { token } });
    expect(json.statusCode).toBe(410);
    expect(json.json<Problem>().code).toBe('gone');
    const forged = await press(action, `${token.slice(0, -4)}AAAA`);
    expect(forged.statusCode).toBe(404);
  });

  it('refuses an expired link, and the sweep records the pending consents as expired', async () => {
    const email = uniqueEmail('late');
    expect((await submit({ email })).statusCode).toBe(202);
    const { action, token } = await followLink(linkIn(await smtp.mailTo(email)));
    const contact = (await contactByEmail(email))!;
    await t.database.db.execute(
      sql`update consent_confirmations set expires_at = now() - interval '1 hour' where confirmed_at is null`,
    );
    const late = await press(action, token);
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('expired');
    const deps = workerDeps;
    const swept = await sweepConfirmations(deps, async () => {});
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await guard(contact.id, 'newsletter')).toMatchObject({ reasons: ['consent_expired'] });
    expect((await ledgerOf(contact.id))[0]).toMatchObject({ kind: 'expired', method: 'double_opt_in_email' });
    // Idempotent: a second sweep changes nothing.
    const before = (await ledgerOf(contact.id)).length;
    await sweepConfirmations(deps, async () => {});
    expect((await ledgerOf(contact.id)).length).toBe(before);
  });

  it('answers the same for a known address, adding the consent to the existing contact', async () => {
    const email = uniqueEmail('known');
    await submit({ email });
    const again = await submit({ email, firstName: 'Someone Else' });
    expect(again.json()).toEqual({ status: 'confirmation_sent' });
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contacts where source = 'web_form' and id = ${(await contactByEmail(email))!.id}`,
    );
    expect(row?.n).toBe(1);
    const found = await t.request({ url: `/api/v1/contacts?q=${encodeURIComponent(email)}`, as: dpo });
    expect(found.json<{ items: Contact[] }>().items).toHaveLength(1);
  });
});

describe('the public form', () => {
  it('records at once on a form without double opt-in, and needs parental consent for a child', async () => {
    const email = uniqueEmail('child');
    const res = await submit(
      { email, jurisdiction: 'DE', ageCheck: { method: 'self_declared', age: 12 } },
      { formId: instantForm.id },
    );
    expect(res.json()).toEqual({ status: 'recorded' });
    const contact = (await contactByEmail(email))!;
    expect(await guard(contact.id, 'marketing_email')).toMatchObject({ reasons: ['under_age'] });
    const adult = uniqueEmail('adult');
    await submit(
      { email: adult, jurisdiction: 'DE', ageCheck: { method: 'self_declared', age: 30 } },
      { formId: instantForm.id },
    );
    expect((await guard((await contactByEmail(adult))!.id, 'marketing_email')).allowed).toBe(true);
  });

  it('refuses a wrong or replayed bot-check answer, and quietly drops what fills the honeypot', async () => {
    const { challenge } = await challengeFor(form.id);
    // A solution that certainly misses the difficulty.
    let miss = 0;
    while (leadingZeroBits(workHash(challenge, String(miss))) >= 8) miss++;
    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/public/consent',
      body: { formId: form.id, language: 'en', email: uniqueEmail('bot'), challenge, solution: String(miss) },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<Problem>().errors?.[0]?.field).toBe('body.solution');
    const solved = { challenge, solution: solveChallenge(challenge, 8) };
    const body = { formId: form.id, language: 'en', email: uniqueEmail('replay'), ...solved };
    expect((await t.request({ method: 'POST', url: '/api/v1/public/consent', body })).statusCode).toBe(202);
    const replay = await t.request({
      method: 'POST',
      url: '/api/v1/public/consent',
      body: { ...body, email: uniqueEmail('replay') },
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json<Problem>().errors?.[0]?.field).toBe('body.challenge');
    const otherForm = await t.request({
      method: 'POST',
      url: '/api/v1/public/consent',
      body: { ...body, formId: instantForm.id, email: uniqueEmail('other') },
    });
    expect(otherForm.json<Problem>().errors?.[0]?.field).toBe('body.solution');

    const honey = uniqueEmail('honey');
    const trapped = await submit({ email: honey, website: 'http://spam.example' });
    expect(trapped.json()).toEqual({ status: 'confirmation_sent' });
    expect(await contactByEmail(honey)).toBeUndefined();
  });

  it('answers bad input with problem+json naming the field, and limits submissions per address', async () => {
    for (const [body, field] of [
      [{ email: 'not-an-email' }, 'body.email'],
      [{ email: uniqueEmail('x'), language: 'english' }, 'body.language'],
      [{ email: uniqueEmail('x'), jurisdiction: 'Germany' }, 'body.jurisdiction'],
      [{ email: uniqueEmail('x'), formId: 'nope' }, 'body.formId'],
    ] as const) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/public/consent',
        body: { formId: form.id, language: 'en', challenge: 'c', solution: 's', ...body },
      });
      expectFieldProblem(res, field, JSON.stringify(body));
    }
    const unknown = await t.request({
      url: '/api/v1/public/consent/challenge?formId=00000000-0000-4000-8000-000000000999',
    });
    expect(unknown.statusCode).toBe(404);
    const address = '198.51.100.200';
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await submit({ email: uniqueEmail('flood') }, { remoteAddress: address })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses[5]).toBe(429);
  });

  it('lets only the DPO create forms, bound to a notice covering their purposes', async () => {
    const sales = await t.login(await t.createUser('sales'));
    expect(
      (await createForm(sales, { name: 'X', noticeKey: 'signup', purposes: ['newsletter'] })).statusCode,
    ).toBe(403);
    const unknown = await createForm(dpo, { name: 'X', noticeKey: 'nosuch', purposes: ['newsletter'] });
    expect(unknown.json<Problem>().errors?.[0]?.field).toBe('body.noticeKey');
    const uncovered = await createForm(dpo, { name: 'X', noticeKey: 'signup', purposes: ['profiling'] });
    expect(uncovered.json<Problem>().errors?.[0]?.field).toBe('body.purposes');
    const listed = await t.request({ url: '/api/v1/consent-forms', as: sales });
    expect(listed.json<{ items: ConsentForm[] }>().items.map((f) => f.id)).toEqual([form.id, instantForm.id]);
  });
});

describe('Global Privacy Control', () => {
  it('serves /.well-known/gpc.json', async () => {
    const res = await t.request({ url: '/.well-known/gpc.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ gpc: true, lastUpdate: '2026-11-23' });
  });

  it('honours Sec-GPC: 1 as an opt-out of sale and sharing, noting a conflict with an explicit opt-in', async () => {
    await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/analytics',
      as: dpo,
      body: { ccpaSaleOrSharing: true },
    });
    const email = uniqueEmail('gpc');
    await submit({ email }, { headers: { 'sec-gpc': '1' } });
    const contact = (await contactByEmail(email))!;
    expect(await guard(contact.id, 'analytics')).toMatchObject({ reasons: ['opted_out_of_sale_or_sharing'] });
    const optOut = (await ledgerOf(contact.id)).find((e) => e.kind === 'sale_sharing_opted_out')!;
    expect(optOut).toMatchObject({ method: 'global_privacy_control', conflictsWith: null });

    // Someone who explicitly opted in, then comes back with GPC on: the signal wins and the conflict is on record.
    const optedIn = await recordEvent(t, dpo, contact.id, {
      kind: 'sale_sharing_opted_in',
      method: 'portal',
    });
    expect((await guard(contact.id, 'analytics')).allowed).toBe(true);
    await submit({ email }, { headers: { 'sec-gpc': '1' } });
    const second = (await ledgerOf(contact.id)).find((e) => e.kind === 'sale_sharing_opted_out')!;
    expect(second).toMatchObject({ method: 'global_privacy_control', conflictsWith: optedIn.id });
    expect((await guard(contact.id, 'analytics')).allowed).toBe(false);
    // Already opted out: a further signal adds nothing.
    const count = (await ledgerOf(contact.id)).length;
    await submit({ email }, { headers: { 'sec-gpc': '1' } });
    expect((await ledgerOf(contact.id)).filter((e) => e.kind === 'sale_sharing_opted_out')).toHaveLength(2);
    expect((await ledgerOf(contact.id)).length).toBe(count + 1);
  });
});

describe('the confirmation mail job', () => {
  it('fails while the SMTP server refuses, so the job retries, then sends once and only once', async () => {
    const email = uniqueEmail('retry');
    const deps = workerDeps;
    // A confirmation whose mail the queue has not sent: the worker has it, so take one it already did, and reset it.
    await submit({ email });
    await smtp.mailTo(email);
    const [row] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from consent_confirmations where mailed_at is not null order by created_at desc limit 1`,
    );
    await t.database.db.execute(sql`update consent_confirmations set mailed_at = null where id = ${row!.id}`);
    const mailer = createMailer(smtp.config)!;
    try {
      const before = smtp.received.length;
      smtp.refuseNext(1);
      await expect(sendConfirmationMail({ ...deps, mailer }, row!.id)).rejects.toThrow();
      expect(smtp.received.length).toBe(before);
      expect(await sendConfirmationMail({ ...deps, mailer }, row!.id)).toBe(true);
      expect(await sendConfirmationMail({ ...deps, mailer }, row!.id)).toBe(false);
      expect(smtp.received.length).toBe(before + 1);
    } finally {
      mailer.close();
    }
  });
});

describe('bad input on the consent endpoints', () => {
  it('is answered with problem+json naming the field, never a 500', async () => {
    const cases: [string, string, unknown, string][] = [
      ['GET', '/api/v1/public/consent/challenge?formId=nope', undefined, 'querystring.formId'],
      ['POST', '/api/v1/public/consent/confirm', { token: 'short' }, 'body.token'],
      ['POST', '/api/v1/public/consent/confirm', {}, 'body.token'],
      ['GET', '/api/v1/public/notices/Not%20A%20Key', undefined, 'params.key'],
      ['GET', '/api/v1/public/notices/signup?language=xx-yy-zz', undefined, 'querystring.language'],
      [
        'POST',
        '/api/v1/consent-forms',
        { name: '', noticeKey: 'signup', purposes: ['newsletter'] },
        'body.name',
      ],
      ['POST', '/api/v1/consent-forms', { name: 'X', noticeKey: 'signup', purposes: [] }, 'body.purposes'],
      ['GET', '/api/v1/contacts/nope/consents', undefined, 'params.id'],
      ['GET', '/api/v1/contacts/nope/consents/events', undefined, 'params.id'],
      ['GET', '/api/v1/notices/nope', undefined, 'params.id'],
      ['GET', '/api/v1/notices?key=Bad%20Key', undefined, 'querystring.key'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await t.request({
        method: method as 'GET' | 'POST',
        url,
        as: dpo,
        ...(body ? { body } : {}),
      });
      expectFieldProblem(res, field, `${method} ${url}`);
    }
  });
});

describe('lifting a restriction', () => {
  it('tells the person, once, at their primary address (GDPR Art. 18(3))', async () => {
    const email = uniqueEmail('restricted');
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: dpo,
      body: { firstName: 'Rhea', emails: [{ value: email }] },
    });
    const contact = created.json<Contact>();
    await recordEvent(t, dpo, contact.id, {
      kind: 'restricted',
      purpose: 'sales_follow_up',
      method: 'staff',
    });
    const lifted = await recordEvent(t, dpo, contact.id, {
      kind: 'restriction_lifted',
      purpose: 'sales_follow_up',
      method: 'staff',
    });
    const mail = await smtp.mailTo(email);
    const text = textOf(mail);
    expect(text).toContain('Subject: The restriction of your data was lifted');
    expect(text).toContain('restrict the processing of your personal data for: Sales follow-up');
    expect(text).toContain('privacy@example.test');
    // A second delivery of the same job, once the first has finished (its marker recorded), sends nothing.
    for (let i = 0; i < 200; i++) {
      const [marker] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audit_entries
            where action = 'consent.restriction-lifted-notified' and entity_id = ${lifted.id}`,
      );
      if (marker!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const mailer = createMailer(smtp.config)!;
    expect(
      await sendRestrictionLiftedMail(
        { ...workerDeps, mailer },
        { eventId: lifted.id, contactId: contact.id },
      ),
    ).toBe(false);
    expect(smtp.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });
});

describe('a form and the suppression list', () => {
  it('does not bring back someone listed, answering as ever and mailing nothing', async () => {
    const email = uniqueEmail('listed');
    const listed = await t.request({
      method: 'POST',
      url: '/api/v1/suppressions',
      as: dpo,
      body: { emails: [email], reason: 'erasure' },
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const confirmations = async () =>
      (
        await queryRows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from consent_confirmations`,
        )
      )[0]!.n;
    const before = await confirmations();
    const res = await submit({ email, firstName: 'Back' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'confirmation_sent' });
    expect(await contactByEmail(email)).toBeUndefined();
    const denied = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'consent.suppressed' and outcome = 'denied'`,
    );
    expect(denied[0]!.n).toBeGreaterThan(0);
    // No confirmation exists, so no mail can go out.
    expect(await confirmations()).toBe(before);
  });
});
