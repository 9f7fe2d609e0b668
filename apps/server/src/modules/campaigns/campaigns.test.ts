import { randomUUID } from 'node:crypto';
import type { Campaign, Contact, Notice, Segment } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows, transaction } from '../../platform/db/database.js';
import { createMailer, type Mailer } from '../../platform/mail.js';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';
import { buildSubjectPackage } from '../../workflows/export-subject.js';
import { findContactRow } from '../contacts/index.js';
import { subjectKeysFor } from '../subjects/index.js';
import { sendCampaignMessages } from './send.js';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}@people.test`;
const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

interface World {
  t: TestContext;
  admin: Caller;
  marketing: Caller;
  notice: Notice;
  call: <T>(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, as?: Caller) => Promise<T>;
  person: (tag: string, firstName: string, email: string | null) => Promise<Contact>;
}

async function world(options: { jobs: boolean }): Promise<World> {
  const t = await createTestContext(options.jobs ? { jobs: true, smtp: smtp.config } : {});
  const admin = await t.login(await t.createUser('admin'));
  const marketing = await t.login(await t.createUser('marketing'));
  const notice = await publishTestNotice(t, admin);
  const call = async <T>(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    body?: unknown,
    as: Caller = marketing,
  ) => {
    const res = await t.request({ method, url, as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<T>();
  };
  const person = async (tag: string, firstName: string, email: string | null) => {
    const c = await call<Contact>(
      'POST',
      '/api/v1/contacts',
      { firstName, tags: [tag], ...(email ? { emails: [{ value: email }] } : {}) },
      admin,
    );
    await giveConsent(t, admin, c.id, 'newsletter', notice);
    return c;
  };
  return { t, admin, marketing, notice, call, person };
}

async function campaignFor(w: World, tag: string, body: Record<string, unknown> = {}): Promise<Campaign> {
  const [tagRow] = await queryRows<{ id: string }>(
    w.t.database.db,
    sql`select id from tags where name = ${tag}`,
  );
  const segment = await w.call<Segment>('POST', '/api/v1/segments', {
    name: `Segment ${tag}`,
    filter: { tagIds: [tagRow!.id] },
  });
  return w.call<Campaign>('POST', '/api/v1/campaigns', {
    name: 'November newsletter',
    purpose: 'newsletter',
    segmentId: segment.id,
    subject: 'News for {{firstName}}',
    text: 'Hello {{firstName}},\n\nthe November news.',
    html: '<p>Hello {{firstName}},</p><p>the November news.</p>',
    ...body,
  });
}

const unsubscribeUrlOf = (data: string): string => {
  const unfolded = data.replace(/\r?\n[ \t]+/g, ' ');
  const match = unfolded.match(/^List-Unsubscribe: <([^>]+)>/im);
  if (!match) throw new Error('no List-Unsubscribe header');
  return match[1]!;
};

describe('a campaign to a segment', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ jobs: true });
  });
  afterAll(() => w.t.close());

  it('mails exactly the people the guard allows at send time, each once, with one-click unsubscribe', async () => {
    const tag = 'november';
    const ann = unique('ann');
    const ben = unique('ben');
    const others = {
      withdrawn: unique('withdrawn'),
      objected: unique('objected'),
      restricted: unique('restricted'),
      minor: unique('minor'),
      erased: unique('erased'),
    };
    await w.person(tag, 'Ann', ann);
    await w.person(tag, 'Ben <b>', ben);
    const withdrawn = await w.person(tag, 'Wil', others.withdrawn);
    await recordEvent(w.t, w.admin, withdrawn.id, {
      kind: 'withdrawn',
      purpose: 'newsletter',
      method: 'paper',
    });
    const objected = await w.person(tag, 'Obi', others.objected);
    await recordEvent(w.t, w.admin, objected.id, {
      kind: 'objected',
      purpose: 'newsletter',
      method: 'paper',
    });
    const restricted = await w.person(tag, 'Res', others.restricted);
    await recordEvent(w.t, w.admin, restricted.id, {
      kind: 'restricted',
      purpose: 'newsletter',
      method: 'paper',
    });
    const minor = await w.call<Contact>(
      'POST',
      '/api/v1/contacts',
      { firstName: 'Min', tags: [tag], emails: [{ value: others.minor }] },
      w.admin,
    );
    await recordEvent(w.t, w.admin, minor.id, {
      kind: 'given',
      purpose: 'newsletter',
      noticeId: w.notice.id,
      language: 'en',
      method: 'paper',
      jurisdiction: 'DE',
      ageCheck: { method: 'self_declared', age: 13 },
    });
    const erased = await w.person(tag, 'Era', others.erased);
    await w.call(
      'POST',
      `/api/v1/contacts/${erased.id}/erasure`,
      { reason: 'Asked to be forgotten' },
      w.admin,
    );
    await w.person(tag, 'Noe', null);

    const campaign = await campaignFor(w, tag);
    const queued = await w.t.request({
      method: 'POST',
      url: `/api/v1/campaigns/${campaign.id}/send`,
      as: w.marketing,
      body: {},
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const done = async () => (await w.call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`)).status;
    await expect.poll(done, { timeout: 30_000, interval: 200 }).toBe('sent');
    const sent = await w.call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`);
    expect(sent.counts).toMatchObject({ recipients: 7, sent: 2, pending: 0, failed: 0, uncertain: 0 });
    expect(sent.counts.refused.sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { reason: 'consent_withdrawn', count: 1 },
      { reason: 'no_address', count: 1 },
      { reason: 'objection', count: 1 },
      { reason: 'restriction', count: 1 },
      { reason: 'under_age', count: 1 },
    ]);
    expect(mailsTo(ann)).toHaveLength(1);
    expect(mailsTo(ben)).toHaveLength(1);
    for (const address of Object.values(others)) expect(mailsTo(address), address).toHaveLength(0);

    // Merge fields filled, escaped in HTML; the headers of RFC 8058.
    const toBen = mailsTo(ben)[0]!;
    expect(textOf(toBen)).toContain('Hello Ben <b>,');
    expect(toBen.data).toContain('Ben &lt;b&gt;');
    expect(toBen.data).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    expect(textOf(toBen)).toContain(`${testAppConfig.publicUrl}/privacy/preferences?token=p1.`);
    // Ben's access package names the mail server that received his address (Art. 15(1)(c)).
    const benContact = await queryRows<{ id: string }>(
      w.t.database.db,
      sql`select contact_id as id from campaign_messages where campaign_id = ${campaign.id} and status = 'sent'`,
    );
    const packages = await Promise.all(
      benContact.map(({ id }) =>
        transaction(w.t.database.db, async (tx) =>
          buildSubjectPackage(
            tx,
            {
              db: w.t.database.db,
              keys: w.t.keys,
              subjects: subjectKeysFor(w.t.keys),
              indexer: indexerFor(w.t.keys),
              settings: { ...testAppConfig, smtp: smtp.config },
            },
            { id: randomUUID(), type: 'access', regime: 'gdpr', receivedAt: new Date() },
            (await findContactRow(tx, id))!,
          ),
        ),
      ),
    );
    for (const p of packages)
      expect(p.content.recipients).toContainEqual(
        expect.objectContaining({ recipient: `the mail server ${smtp.config.host}` }),
      );
    const annUrl = unsubscribeUrlOf(mailsTo(ann)[0]!.data);
    const benUrl = unsubscribeUrlOf(toBen.data);
    const path = (url: string) => url.replace(testAppConfig.publicUrl, '');

    // Opening the link changes nothing (mail scanners open links); the one-click POST unsubscribes, no sign-in.
    const opened = await w.t.request({ url: path(benUrl) });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('<button type="submit">Unsubscribe</button>');
    const oneClick = await w.t.request({
      method: 'POST',
      url: path(annUrl),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.body).toContain('You are unsubscribed');
    // Again, and without a body as some clients post: the same answer, nothing recorded twice.
    const again = await w.t.request({ method: 'POST', url: path(annUrl) });
    expect(again.statusCode).toBe(200);
    const forged = await w.t.request({
      method: 'POST',
      url: `${path(annUrl).slice(0, -4)}${annUrl.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(forged.statusCode).toBe(404);

    const states = await queryRows<{ consent: string }>(
      w.t.database.db,
      sql`select cs.consent from campaign_messages m
          join contacts c on c.id = m.contact_id join consent_states cs on cs.subject_id = c.subject_id and cs.purpose = 'newsletter'
          where m.campaign_id = ${campaign.id} and m.status = 'sent' order by cs.consent`,
    );
    expect(states.map((s) => s.consent)).toEqual(['given', 'withdrawn']);
    const events = await queryRows<{ n: number }>(
      w.t.database.db,
      sql`select count(*)::int as n from consent_events where method = 'unsubscribe_link'`,
    );
    expect(events[0]!.n).toBe(1);
    expect((await w.call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`)).counts.unsubscribed).toBe(1);

    // The next campaign to the same segment leaves Ann out: the guard refuses her now.
    const second = await campaignFor(w, tag, { name: 'December newsletter' });
    await w.call('POST', `/api/v1/campaigns/${second.id}/send`, {});
    await expect
      .poll(async () => (await w.call<Campaign>('GET', `/api/v1/campaigns/${second.id}`)).status, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe('sent');
    expect(mailsTo(ann)).toHaveLength(1);
    expect(mailsTo(ben)).toHaveLength(2);
  });

  it('answers bad input with problem+json naming the field, and refuses roles without the right', async () => {
    const [segment] = await queryRows<{ id: string }>(w.t.database.db, sql`select id from segments limit 1`);
    const create = (body: Record<string, unknown>, as: Caller = w.marketing) =>
      w.t.request({
        method: 'POST',
        url: '/api/v1/campaigns',
        as,
        body: { name: 'X', purpose: 'newsletter', segmentId: segment!.id, subject: 'S', text: 'T', ...body },
      });
    expectFieldProblem(await create({ text: 'Hello {{email}}' }), 'body.text');
    expectFieldProblem(await create({ purpose: 'spam' }), 'body.purpose');
    expectFieldProblem(await create({ segmentId: '00000000-0000-4000-8000-000000000000' }), 'body.segmentId');
    expectFieldProblem(await create({ subject: 'For ann.other@example.test' }), 'body.subject');
    const sales = await w.t.login(await w.t.createUser('sales'));
    expect((await create({}, sales)).statusCode).toBe(403);
    const draft = (await create({})).json<Campaign>();
    await w.call('POST', `/api/v1/campaigns/${draft.id}/cancel`, undefined);
    const resend = await w.t.request({
      method: 'POST',
      url: `/api/v1/campaigns/${draft.id}/send`,
      as: w.marketing,
      body: {},
    });
    expect(resend.statusCode).toBe(409);
  });
});

describe('sending survives crashes and mail server failures', () => {
  it('never sends a message twice: a crash mid-send leaves that one uncertain, a restart sends the rest once', async () => {
    const w = await world({ jobs: false });
    try {
      const tag = 'crash';
      const addresses = [unique('c1'), unique('c2'), unique('c3'), unique('c4')];
      for (const [i, a] of addresses.entries()) await w.person(tag, `P${i}`, a);
      const campaign = await campaignFor(w, tag);
      await w.call('POST', `/api/v1/campaigns/${campaign.id}/send`, {});
      const real = createMailer(smtp.config)!;
      const base = {
        db: w.t.database.db,
        keys: w.t.keys,
        subjects: subjectKeysFor(w.t.keys),
        indexer: indexerFor(w.t.keys),
        publicUrl: testAppConfig.publicUrl,
        controller: testAppConfig.controller,
        minIntervalMs: 0,
        bounceDomain: null,
      };
      // The process "dies" while the mail server takes the second message: that call never returns.
      let calls = 0;
      const dying: Mailer = {
        send: async (mail) => {
          calls += 1;
          const result = await real.send(mail);
          if (calls === 2) return new Promise(() => {});
          return result;
        },
        close: () => {},
      };
      void sendCampaignMessages({ ...base, mailer: dying }, campaign.id);
      await expect.poll(() => calls, { timeout: 10_000 }).toBe(2);
      await expect
        .poll(() => smtp.received.filter((m) => addresses.some((a) => m.to.includes(a))).length)
        .toBe(2);

      // A transient refusal on restart: the message goes back to pending and the job would retry.
      smtp.refuseNext(1);
      await expect(sendCampaignMessages({ ...base, mailer: real }, campaign.id)).rejects.toThrow();
      expect(await sendCampaignMessages({ ...base, mailer: real }, campaign.id)).toBe(2);
      expect(await sendCampaignMessages({ ...base, mailer: real }, campaign.id)).toBe(0);
      for (const a of addresses) expect(mailsTo(a), a).toHaveLength(1);
      const c = await w.call<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`);
      expect(c).toMatchObject({ status: 'sent', counts: { sent: 3, uncertain: 1, pending: 0 } });
      real.close();
    } finally {
      await w.t.close();
    }
  });
});
