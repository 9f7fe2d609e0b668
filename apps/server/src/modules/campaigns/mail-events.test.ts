import { randomUUID } from 'node:crypto';
import type { Campaign, Contact, Segment } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows, transaction } from '../../platform/db/database.js';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { type ReceivedMail, startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';
import { buildSubjectPackage } from '../../workflows/export-subject.js';
import { findContactRow } from '../contacts/index.js';
import { subjectKeysFor } from '../subjects/index.js';

let smtp: TestSmtpServer;
let t: TestContext;
let admin: Caller;
let marketing: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config, mailEvents: true });
  admin = await t.login(await t.createUser('admin'));
  marketing = await t.login(await t.createUser('marketing'));
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}@people.test`;

async function call<T>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  body?: unknown,
  as: Caller = marketing,
) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

/** What a remote mail server sends back: a DSN (RFC 3464) for a returned message. */
function dsnFor(mail: ReceivedMail, status: string, action = 'failed'): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.people.test>',
    `To: ${mail.from}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.people.test',
    '',
    `Final-Recipient: rfc822; ${mail.to[0]}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} mailbox unavailable`,
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    mail.data.split(/\r?\n\r?\n/)[0],
    '--b1--',
    '',
  ].join('\r\n');
}

/** A mailbox provider's feedback-loop report (RFC 5965): the person pressed "this is spam". */
function complaintFor(mail: ReceivedMail): string {
  return [
    'From: Feedback Loop <fbl@isp.people.test>',
    'To: fbl@custodian.test',
    'Subject: Abuse report',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain',
    '',
    'This is an e-mail abuse report.',
    '--b2',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: FBL/1.0',
    'Version: 1',
    '--b2',
    'Content-Type: message/rfc822',
    '',
    mail.data.split(/\r?\n\r?\n/)[0],
    '',
    '[body removed]',
    '--b2--',
    '',
  ].join('\r\n');
}

async function deliverToReceiver(raw: string, to: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.mailEventsPort!,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await transport.sendMail({ envelope: { from: '', to: [to] }, raw });
  } finally {
    transport.close();
  }
}

const postReport = (raw: string, as: Caller = marketing, contentType = 'message/rfc822') =>
  t.request({
    method: 'POST',
    url: '/api/v1/mail-events',
    as,
    headers: { 'content-type': contentType },
    payload: raw,
  });

async function sendCampaign(tag: string, extra: Record<string, unknown> = {}): Promise<Campaign> {
  const [tagRow] = await queryRows<{ id: string }>(
    t.database.db,
    sql`select id from tags where name = ${tag}`,
  );
  const segment = await call<Segment>('POST', '/api/v1/segments', {
    name: `Segment ${tag} ${randomUUID().slice(0, 8).replace(/\d/g, 'x')}`,
    filter: { tagIds: [tagRow!.id] },
  });
  const campaign = await call<Campaign>('POST', '/api/v1/campaigns', {
    name: 'Bounce test',
    purpose: 'newsletter',
    segmentId: segment.id,
    subject: 'News',
    text: 'Hello {{firstName}}',
    ...extra,
  });
  await call('POST', `/api/v1/campaigns/${campaign.id}/send`, {});
  await expect
    .poll(async () => (await call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`)).status, {
      timeout: 60_000,
    })
    .toBe('sent');
  return call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`);
}

const emailsOf = async (id: string) =>
  (await call<Contact>('GET', `/api/v1/contacts/${id}`, undefined, admin)).emails;

describe('bounces and complaints', () => {
  it('mark addresses undeliverable and stop mail, from SMTP refusals, DSNs and feedback reports by SMTP and HTTP', async () => {
    const notice = await publishTestNotice(t, admin);
    const tag = 'bounces';
    const people: Record<string, { contact: Contact; email: string }> = {};
    for (const name of ['fine', 'refused', 'dsn', 'spam', 'spamHttp', 'soft']) {
      const email = unique(name);
      const contact = await call<Contact>(
        'POST',
        '/api/v1/contacts',
        { firstName: name, tags: [tag], emails: [{ value: email }] },
        admin,
      );
      await giveConsent(t, admin, contact.id, 'newsletter', notice);
      people[name] = { contact, email };
    }
    smtp.rejectRecipient(people.refused!.email);

    const first = await sendCampaign(tag);
    expect(first.counts).toMatchObject({ sent: 5, bounced: 1, complaints: 0, failed: 0 });
    // Refused by the server at once: no retries, the address is marked.
    expect((await emailsOf(people.refused!.contact.id))[0]!.undeliverableSince).toBeTypeOf('string');
    expect((await emailsOf(people.fine!.contact.id))[0]!.undeliverableSince).toBeUndefined();

    const mailOf = (name: string) => smtp.mailTo(people[name]!.email);
    const dsnMail = await mailOf('dsn');
    // VERP: the return path names the message, under a MAC.
    expect(dsnMail.from).toMatch(/^bounces\+[0-9a-f-]{36}\.[0-9a-f]{16}@bounces\.custodian\.test$/);
    expect(dsnMail.data).toMatch(/^X-Custodian-Message: [0-9a-f-]{36}\.[0-9a-f]{16}/m);

    // A later DSN, through the in-process SMTP receiver, addressed to the return path.
    await deliverToReceiver(dsnFor(dsnMail, '5.1.1'), dsnMail.from!);
    await expect
      .poll(async () => (await emailsOf(people.dsn!.contact.id))[0]!.undeliverableSince)
      .toBeTypeOf('string');

    // A temporary failure changes nothing: the remote server retries.
    const softMail = await mailOf('soft');
    const soft = await postReport(dsnFor(softMail, '4.2.2'));
    expect(soft.json()).toEqual({ outcome: 'soft_bounce' });
    expect((await emailsOf(people.soft!.contact.id))[0]!.undeliverableSince).toBeUndefined();

    // Complaints: by SMTP (the feedback-loop address) and by the HTTP endpoint.
    await deliverToReceiver(complaintFor(await mailOf('spam')), 'fbl@custodian.test');
    await expect
      .poll(async () => (await emailsOf(people.spam!.contact.id))[0]!.undeliverableSince)
      .toBeTypeOf('string');
    const complaint = complaintFor(await mailOf('spamHttp'));
    const viaHttp = await postReport(complaint);
    expect(viaHttp.statusCode).toBe(202);
    expect(viaHttp.json()).toEqual({ outcome: 'complaint' });
    expect((await postReport(complaint)).json()).toEqual({ outcome: 'complaint' }); // repeated: nothing more
    const withdrawals = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from consent_events e join contacts c on c.subject_id = e.subject_id
          where c.id = ${people.spamHttp!.contact.id} and e.kind = 'withdrawn' and e.method = 'spam_complaint'`,
    );
    expect(Number(withdrawals[0]!.n)).toBe(1);

    const after = await call<Campaign>('GET', `/api/v1/campaigns/${first.id}`);
    expect(after.counts).toMatchObject({ bounced: 2, complaints: 2 });

    // The next campaign: bounced addresses are skipped, complainers are refused by the guard.
    const second = await sendCampaign(tag);
    expect(second.counts.sent).toBe(2);
    expect(second.counts.refused).toEqual(
      expect.arrayContaining([
        { reason: 'undeliverable', count: 2 },
        { reason: 'consent_withdrawn', count: 2 },
      ]),
    );

    // A corrected address is deliverable again; an unchanged one keeps its mark.
    const fresh = unique('dsn-new');
    await call('PATCH', `/api/v1/contacts/${people.dsn!.contact.id}`, { emails: [{ value: fresh }] }, admin);
    expect((await emailsOf(people.dsn!.contact.id))[0]).toMatchObject({ value: fresh });
    expect((await emailsOf(people.dsn!.contact.id))[0]!.undeliverableSince).toBeUndefined();
    await call(
      'PATCH',
      `/api/v1/contacts/${people.refused!.contact.id}`,
      { jobTitle: 'Editor', emails: [{ value: people.refused!.email }] },
      admin,
    );
    expect((await emailsOf(people.refused!.contact.id))[0]!.undeliverableSince).toBeTypeOf('string');

    const audited = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'contact.email.undeliverable'`,
    );
    expect(Number(audited[0]!.n)).toBe(4);
    // Nothing personal in the log: not the addresses, not the report text.
    for (const p of Object.values(people)) expect(t.logLines.join('\n')).not.toContain(p.email);
  });

  it('ignores reports it cannot tie to a genuine message and refuses what is not a mail', async () => {
    const mail: ReceivedMail = {
      from: 'bounces+00000000-0000-4000-8000-000000000000.0123456789abcdef@bounces.custodian.test',
      to: ['someone@people.test'],
      data: 'Subject: hello\r\n\r\nbody',
    };
    expect((await postReport(dsnFor(mail, '5.1.1'))).json()).toEqual({ outcome: 'ignored' });
    expect((await postReport('Subject: out of office\r\n\r\nI am away.')).json()).toEqual({
      outcome: 'ignored',
    });
    expectFieldProblem(await postReport(''), 'body');
    expect((await postReport('x', marketing, 'text/plain')).statusCode).toBe(415);
    const sales = await t.login(await t.createUser('sales'));
    expect((await postReport(dsnFor(mail, '5.1.1'), sales)).statusCode).toBe(403);
  });
});

describe('the suppression list', () => {
  it('keeps an address on it from any campaign, whatever the consent on the record says', async () => {
    const notice = await publishTestNotice(t, admin);
    const tag = 'suppressed';
    const people: { contact: Contact; email: string }[] = [];
    for (const name of ['kept', 'listed']) {
      const email = unique(name);
      const contact = await call<Contact>(
        'POST',
        '/api/v1/contacts',
        { firstName: name, tags: [tag], emails: [{ value: email }] },
        admin,
      );
      await giveConsent(t, admin, contact.id, 'newsletter', notice);
      people.push({ contact, email });
    }
    await call(
      'POST',
      '/api/v1/suppressions',
      { emails: [people[1]!.email], reason: 'do_not_contact' },
      admin,
    );
    const campaign = await sendCampaign(tag);
    expect(campaign.counts.sent).toBe(1);
    expect(campaign.counts.refused).toEqual([{ reason: 'suppressed', count: 1 }]);
    expect(smtp.received.some((m) => m.to.includes(people[1]!.email))).toBe(false);
  });
});

describe('open and click tracking', () => {
  it('is off by default, and when on covers only people who consented to it, while their consent stands', async () => {
    const notice = await publishTestNotice(t, admin);
    const tag = 'tracking';
    const person = async (name: string, tracking: boolean) => {
      const email = unique(name);
      const contact = await call<Contact>(
        'POST',
        '/api/v1/contacts',
        { firstName: name, tags: [tag], emails: [{ value: email }] },
        admin,
      );
      await giveConsent(t, admin, contact.id, 'newsletter', notice);
      if (tracking) await giveConsent(t, admin, contact.id, 'email_tracking', notice);
      return { contact, email };
    };
    const consenting = await person('consenting', true);
    const other = await person('other', false);
    const html = '<p>Hello {{firstName}}</p><a href="https://shop.example/offer?a=1&amp;b=2">Offer</a>';

    const plain = await sendCampaign(tag, { html });
    expect(plain.tracking).toBe(false);
    expect(plain.counts.tracked).toBe(0);
    const mailsOf = (email: string) => smtp.received.filter((m) => m.to.includes(email)).map(textOf);
    expect(mailsOf(consenting.email)[0]).not.toContain('/api/v1/public/t/');

    const tracked = await sendCampaign(tag, { html, tracking: true });
    expect(tracked).toMatchObject({ tracking: true, counts: { sent: 2, tracked: 1, opened: 0, clicked: 0 } });
    const otherMail = mailsOf(other.email)[1]!;
    expect(otherMail).not.toContain('/api/v1/public/t/');
    expect(otherMail).toContain('href="https://shop.example/offer?a=1&amp;b=2"');
    const mail = mailsOf(consenting.email)[1]!;
    const pixel = /src="https?:\/\/[^/"]+(\/api\/v1\/public\/t\/open\?token=[^"]+)"/.exec(mail)![1]!;
    const click = /href="https?:\/\/[^/"]+(\/api\/v1\/public\/t\/click\?[^"]+)"/
      .exec(mail)![1]!
      .replaceAll('&amp;', '&');

    const image = await t.request({ url: pixel });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toContain('image/gif');
    const counts = async () => (await call<Campaign>('GET', `/api/v1/campaigns/${tracked.id}`)).counts;
    expect(await counts()).toMatchObject({ opened: 1, clicked: 0 });

    // The MAC covers the link: another destination is refused, so it is no open redirect.
    const forged = click.replace(/u=[^&]+/, `u=${encodeURIComponent('https://evil.example/')}`);
    expect((await t.request({ url: forged })).statusCode).toBe(404);

    // Consent withdrawn since the mail went out: the link still works, nothing is recorded.
    await recordEvent(t, admin, consenting.contact.id, {
      kind: 'withdrawn',
      purpose: 'email_tracking',
      method: 'staff',
    });
    const followed = await t.request({ url: click });
    expect(followed.statusCode).toBe(302);
    expect(followed.headers.location).toBe('https://shop.example/offer?a=1&b=2');
    expect(await counts()).toMatchObject({ opened: 1, clicked: 0 });

    // What was recorded is in the person's access package.
    const pkg = await transaction(t.database.db, async (tx) =>
      buildSubjectPackage(
        tx,
        {
          db: t.database.db,
          keys: t.keys,
          subjects: subjectKeysFor(t.keys),
          indexer: indexerFor(t.keys),
          settings: { ...testAppConfig, smtp: smtp.config },
        },
        { id: randomUUID(), type: 'access', regime: 'gdpr', receivedAt: new Date() },
        (await findContactRow(tx, consenting.contact.id))!,
      ),
    );
    expect(pkg.content.campaignMail).toHaveLength(2);
    expect(pkg.content.campaignMail[1]).toMatchObject({ tracked: true, status: 'sent', clickedAt: null });
    expect(pkg.content.campaignMail[1]!.openedAt).toBeTypeOf('string');
  });

  it('cannot be turned on while the email_tracking purpose is not on consent', async () => {
    const dpo = await t.login(await t.createUser('dpo'));
    await call('PATCH', '/api/v1/purposes/email_tracking', { lawfulBasis: 'legitimate_interests' }, dpo);
    try {
      const segment = await call<Segment>('POST', '/api/v1/segments', { name: 'Everyone', filter: {} });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/campaigns',
        as: marketing,
        body: {
          name: 'Tracked',
          purpose: 'newsletter',
          segmentId: segment.id,
          subject: 'S',
          text: 'T',
          tracking: true,
        },
      });
      expectFieldProblem(res, 'body.tracking');
    } finally {
      await call('PATCH', '/api/v1/purposes/email_tracking', { lawfulBasis: 'consent' }, dpo);
    }
  });
});
