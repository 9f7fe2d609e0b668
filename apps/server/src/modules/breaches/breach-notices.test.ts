import { randomUUID } from 'node:crypto';
import type { Breach, BreachDrafts, Contact } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows, transaction } from '../../platform/db/database.js';
import { createMailer } from '../../platform/mail.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';
import { buildSubjectPackage } from '../../workflows/export-subject.js';
import { findContactRow } from '../contacts/index.js';
import { subjectKeysFor } from '../subjects/index.js';
import { sendBreachNotices } from './notices.js';

let t: TestContext;
let smtp: TestSmtpServer;
let dpo: Caller;
let sales: Caller;
let tokenId: string;
let token: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config });
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  const created = await t.request({
    method: 'POST',
    url: '/api/v1/tokens',
    as: sales,
    body: { name: 'leaked script', scopes: ['contacts:read', 'reveal:identity', 'reveal:contact'] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const body = created.json<{ token: { id: string }; secret: string }>();
  tokenId = body.token.id;
  token = { token: body.secret };
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const crypto = () => ({
  db: t.database.db,
  keys: t.keys,
  subjects: subjectKeysFor(t.keys),
  indexer: indexerFor(t.keys),
});

async function call<T>(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<T> {
  const res = await t.request({ method, url, as: dpo, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const contact = (body: Record<string, unknown>) => call<Contact>('POST', '/api/v1/contacts', body);
const address = (label: string) => `${label}-${Date.now()}@people.test`;

describe('telling the people about a breach (Art. 34)', () => {
  it('assesses the breach from the trail, drafts both notifications, and mails exactly the people found', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const ana = address('ana');
    const ben = address('ben');
    const read = [
      await contact({ firstName: 'Ana', lastName: 'Leak', emails: [{ value: ana }] }),
      await contact({ firstName: 'Ben', lastName: 'Leak', emails: [{ value: ben }] }),
      await contact({ firstName: 'Cleo', lastName: 'Nomail' }),
    ];
    const untouched = await contact({
      firstName: 'Dan',
      lastName: 'Safe',
      emails: [{ value: address('dan') }],
    });
    for (const c of read)
      expect((await t.request({ url: `/api/v1/contacts/${c.id}`, as: token })).statusCode).toBe(200);
    const to = new Date(Date.now() + 1000).toISOString();

    const breach = await call<Breach>('POST', '/api/v1/breaches', {
      title: 'API token leaked in a public repository',
      nature: 'An API token of a sales integration was published and used by an unknown party',
      detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
      awareAt: new Date(Date.now() - 1_800_000).toISOString(),
      consequences: 'Phishing mails that look like ours',
      measures: 'The token was revoked and every other token rotated',
      risk: 'high',
    });
    // Nobody to tell before the assessment found them.
    const early = await t.request({
      method: 'POST',
      url: `/api/v1/breaches/${breach.id}/notify-people`,
      as: dpo,
      body: {},
    });
    expect(early.statusCode).toBe(409);

    const assessed = await call<Breach>('POST', `/api/v1/breaches/${breach.id}/impact-assessment`, {
      actor: { type: 'token', id: tokenId },
      from,
      to,
    });
    expect(assessed.impact).toMatchObject({ people: 3, entries: { read: 3, change: 0 } });
    // Empty facts are filled in from the assessment.
    expect(assessed.peopleApprox).toBe(3);
    expect(assessed.recordsApprox).toBe(3);
    expect(assessed.categories).toEqual(['identity', 'contact']);

    const drafts = await call<BreachDrafts>('GET', `/api/v1/breaches/${breach.id}/drafts`);
    for (const item of [
      testAppConfig.controller.name,
      testAppConfig.controller.address,
      'published and used by an unknown party',
      'identification data and contact details',
      'Approximate number of people concerned: 3',
      'Phishing mails',
      'The token was revoked',
      'compromised API token',
      'planned: the risk to them is assessed as high',
    ])
      expect(drafts.authority.text).toContain(item);
    expect(drafts.people.text).toContain('your name and your contact details');
    expect(drafts.people.text).toContain('we never ask for them');
    expect(drafts.people.text).toContain('lodge a complaint');
    // Drafts say what happened, never to whom.
    for (const c of [...read, untouched]) expect(JSON.stringify(drafts)).not.toContain(c.firstName!);

    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/breaches/${breach.id}/notify-people`,
        as: dpo,
        body: { text: `Write to ${ana} for details` },
      }),
      'body.text',
    );
    const notified = await t.request({
      method: 'POST',
      url: `/api/v1/breaches/${breach.id}/notify-people`,
      as: dpo,
      body: { subject: 'About the security incident of this week' },
    });
    expect(notified.statusCode, notified.body).toBe(202);
    expect(notified.json()).toMatchObject({
      queued: 3,
      alreadyQueued: 0,
      breach: { peopleDecision: 'notified', peopleDecisionDue: false },
    });

    // The job sends them: the two with an address get the mail, the third is counted as unreachable.
    const toAna = await smtp.mailTo(ana, 20_000);
    const toBen = await smtp.mailTo(ben, 20_000);
    expect(toAna.data).toContain('About the security incident of this week');
    expect(textOf(toBen)).toContain('published and used by an unknown party');
    const done = async () => (await call<Breach>('GET', `/api/v1/breaches/${breach.id}`)).notices;
    await expect.poll(done, { timeout: 20_000 }).toEqual({ queued: 0, sent: 2, noAddress: 1, erased: 0 });
    expect(smtp.received.filter((m) => m.data.includes('Safe'))).toHaveLength(0);

    // Each sent notice is in the trail, naming the person it went to.
    const entries = await queryRows<{ subject_ids: string[] }>(
      t.database.db,
      sql`select subject_ids from audit_entries where action = 'breach.notice.sent' and entity_id = ${breach.id}`,
    );
    expect(entries).toHaveLength(2);

    // Her access package names the mail server among the recipients of her data (Art. 15(1)(c)).
    const anaContact = read[0]!;
    const pkg = await transaction(t.database.db, async (tx) =>
      buildSubjectPackage(
        tx,
        { ...crypto(), settings: { ...testAppConfig, smtp: smtp.config } },
        { id: randomUUID(), type: 'access', regime: 'gdpr', receivedAt: new Date() },
        (await findContactRow(tx, anaContact.id))!,
      ),
    );
    expect(pkg.content.recipients).toContainEqual({
      recipient: `the mail server ${smtp.config.host}`,
      role: 'processor delivering our e-mails',
      what: expect.stringContaining('1 message(s)'),
    });

    // Again: nothing new to queue, nothing sent twice.
    const again = await t.request({
      method: 'POST',
      url: `/api/v1/breaches/${breach.id}/notify-people`,
      as: dpo,
      body: {},
    });
    expect(again.json()).toMatchObject({ queued: 0, alreadyQueued: 3 });
    const mailer = createMailer(smtp.config)!;
    const deps = {
      db: t.database.db,
      keys: t.keys,
      subjects: subjectKeysFor(t.keys),
      indexer: indexerFor(t.keys),
      controller: testAppConfig.controller,
      mailer,
    };
    expect(await sendBreachNotices(deps, breach.id)).toBe(0);
    expect(smtp.received.filter((m) => m.to.includes(ana))).toHaveLength(1);
  });

  it('marks a person erased after the notice was queued as erased, and keeps no link to them', async () => {
    // A server without a queue: the notices wait, as they would for a server with mail.
    const q = await createTestContext();
    try {
      const qdpoUser = await q.createUser('dpo');
      const qdpo = await q.login(qdpoUser);
      const qcall = async <T>(method: 'GET' | 'POST', url: string, body?: unknown) => {
        const res = await q.request({ method, url, as: qdpo, body });
        expect(res.statusCode, res.body).toBeLessThan(300);
        return res.json<T>();
      };
      const from = new Date(Date.now() - 1000).toISOString();
      const eveAddress = address('eve');
      const eve = await qcall<Contact>('POST', '/api/v1/contacts', {
        firstName: 'Eve',
        emails: [{ value: eveAddress }],
      });
      const fay = await qcall<Contact>('POST', '/api/v1/contacts', {
        firstName: 'Fay',
        emails: [{ value: address('fay') }],
      });
      const breach = await qcall<Breach>('POST', '/api/v1/breaches', {
        title: 'Account of a colleague used from abroad',
        nature: 'A staff account was signed in from an unknown device',
        detectedAt: new Date(Date.now() - 600_000).toISOString(),
        awareAt: new Date(Date.now() - 300_000).toISOString(),
        risk: 'high',
      });
      // The compromised account is the DPO's own: it created both people.
      await qcall('POST', `/api/v1/breaches/${breach.id}/impact-assessment`, {
        actor: { type: 'user', id: qdpoUser.id },
        from,
        to: new Date(Date.now() + 1000).toISOString(),
      });
      expect(await qcall('POST', `/api/v1/breaches/${breach.id}/notify-people`, {})).toMatchObject({
        queued: 2,
      });
      await qcall('POST', `/api/v1/contacts/${eve.id}/erasure`, { reason: 'Asked to be forgotten' });
      const mailer = createMailer(smtp.config)!;
      const deps = {
        db: q.database.db,
        keys: q.keys,
        subjects: subjectKeysFor(q.keys),
        indexer: indexerFor(q.keys),
        controller: testAppConfig.controller,
        mailer,
      };
      expect(await sendBreachNotices(deps, breach.id)).toBe(1);
      expect((await qcall<Breach>('GET', `/api/v1/breaches/${breach.id}`)).notices).toEqual({
        queued: 0,
        sent: 1,
        noAddress: 0,
        erased: 1,
      });
      expect(smtp.received.filter((m) => m.to.includes(eveAddress))).toHaveLength(0);
      const links = await queryRows<{ contact_id: string | null }>(
        q.database.db,
        sql`select contact_id from breach_notices where breach_id = ${breach.id} order by status`,
      );
      expect(links.map((l) => l.contact_id)).toEqual([null, fay.id]);
    } finally {
      await q.close();
    }
  });

  it('answers bad input with problem+json and refuses sales', async () => {
    const breach = await call<Breach>('POST', '/api/v1/breaches', {
      title: 'Bad input',
      nature: 'For validation',
      detectedAt: new Date(Date.now() - 600_000).toISOString(),
      awareAt: new Date(Date.now() - 300_000).toISOString(),
      risk: 'risk',
    });
    const url = `/api/v1/breaches/${breach.id}/impact-assessment`;
    const now = new Date().toISOString();
    const before = new Date(Date.now() - 60_000).toISOString();
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url,
        as: dpo,
        body: { actor: { type: 'token', id: tokenId }, from: now, to: before },
      }),
      'body.to',
    );
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url,
        as: dpo,
        body: { actor: { type: 'key', id: tokenId }, from: before, to: now },
      }),
      'body.actor.type',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url,
          as: sales,
          body: { actor: { type: 'token', id: tokenId }, from: before, to: now },
        })
      ).statusCode,
    ).toBe(403);
    const missing = await t.request({
      method: 'POST',
      url: '/api/v1/breaches/00000000-0000-4000-8000-000000000000/impact-assessment',
      as: dpo,
      body: { actor: { type: 'token', id: tokenId }, from: before, to: now },
    });
    expect(missing.statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/breaches/${breach.id}/drafts`, as: sales })).statusCode).toBe(
      403,
    );
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/breaches/${breach.id}/notify-people`,
        as: dpo,
        body: { subject: '' },
      }),
      'body.subject',
    );
  });
});
