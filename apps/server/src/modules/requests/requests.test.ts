import type { ConsentOverview, Contact, DsrRequest, Problem, ProcessingAnswer } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { createMailer } from '../../platform/mail.js';
import {
  type Caller,
  createTestContext,
  type TestContext,
  type TestUser,
  testAppConfig,
  uniqueEmail,
} from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { startTestSmtpServer, textOf } from '../../test/smtp.js';
import { subjectKeysFor } from '../subjects/index.js';
import { sendDeadlineReminders } from './deadline-reminders.js';
import { sendRequesterNotice } from './requester-notices.js';

let t: TestContext;
let dpoUser: TestUser;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext();
  dpoUser = await t.createUser('dpo');
  dpo = await t.login(dpoUser);
  sales = await t.login(await t.createUser('sales'));
});
afterAll(() => t.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function newRequest(body: Record<string, unknown>): Promise<DsrRequest> {
  const res = await t.request({ method: 'POST', url: '/api/v1/requests', as: dpo, body });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json<DsrRequest>();
}

async function step(id: string, name: string, body: unknown = {}, as = dpo) {
  return t.request({ method: 'POST', url: `/api/v1/requests/${id}/${name}`, as, body });
}

async function newContact(body: Record<string, unknown> = {}): Promise<Contact> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as: sales,
    body: { firstName: 'Requester', emails: [{ value: uniqueEmail('contact') }], ...body },
  });
  return res.json<Contact>();
}

const guard = async (contactId: string, purpose: string) =>
  (
    await t.request({ url: `/api/v1/contacts/${contactId}/may-process?purpose=${purpose}`, as: dpo })
  ).json<ProcessingAnswer>();

describe('intake', () => {
  it('records a request from someone unknown to the CRM, with its deadline fixed from receipt', async () => {
    const email = uniqueEmail('stranger');
    const request = await newRequest({
      type: 'access',
      requester: { email, name: 'Stella Stranger' },
      details: 'Please tell me what you hold about me.',
      channel: 'email',
      receivedAt: '2026-01-31T10:00:00Z',
    });
    expect(request).toMatchObject({
      type: 'access',
      regime: 'gdpr',
      status: 'received',
      channel: 'email',
      contactId: null,
      requester: { email, name: 'Stella Stranger' },
      // One month from 31 January is 28 February 2026, a Saturday: Monday 2 March, end of day in Berlin.
      dueAt: '2026-03-02T22:59:59.999Z',
      originalDueAt: '2026-03-02T22:59:59.999Z',
      acknowledgeBy: null,
      overdue: true,
    });
    // Sales staff neither see nor record requests.
    expect((await t.request({ url: `/api/v1/requests/${request.id}`, as: sales })).statusCode).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/requests', as: sales, body: { type: 'access' } }))
        .statusCode,
    ).toBe(403);
  });

  it('links the request to the contact holding the address, and a second one to the first as a duplicate', async () => {
    const contact = await newContact();
    const email = contact.emails[0]!.value;
    const first = await newRequest({ type: 'erasure', requester: { email } });
    expect(first.contactId).toBe(contact.id);
    const second = await newRequest({ type: 'erasure', requester: { email: email.toUpperCase() } });
    expect(second.duplicateOf).toBe(first.id);
    const other = await newRequest({ type: 'access', requester: { email } });
    expect(other.duplicateOf).toBeNull();
  });

  it('gives CCPA requests 45 days and an acknowledgement deadline of 10 business days', async () => {
    const request = await newRequest({
      type: 'opt_out_sale_sharing',
      regime: 'ccpa',
      requester: { email: uniqueEmail('ca') },
      receivedAt: '2026-01-09T17:00:00Z',
    });
    // Computed in the controller's zone (Europe/Berlin in tests): received 9 January, 18:00.
    expect(request.dueAt).toBe('2026-02-23T22:59:59.999Z');
    expect(request.acknowledgeBy).toBe('2026-01-23T22:59:59.999Z');
    const acked = await step(request.id, 'acknowledge');
    expect(acked.json<DsrRequest>().acknowledgedAt).not.toBeNull();
    expect((await step(request.id, 'acknowledge')).statusCode).toBe(409);
  });

  it('answers bad requests with problem+json naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'gossip', requester: { email: uniqueEmail('x') } }, 'body.type'],
      [{ type: 'access' }, 'body.requester.email'],
      [{ type: 'access', requester: { email: 'nope' } }, 'body.requester.email'],
      [{ type: 'limit_sensitive', requester: { email: uniqueEmail('x') } }, 'body.regime'],
      [
        { type: 'access', requester: { email: uniqueEmail('x') }, receivedAt: '2999-01-01T00:00:00Z' },
        'body.receivedAt',
      ],
      [{ type: 'access', contactId: '00000000-0000-4000-8000-000000000999' }, 'body.contactId'],
      [
        { type: 'objection', requester: { email: uniqueEmail('x') }, purposes: ['gossip'] },
        'body.purposes.0',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await t.request({ method: 'POST', url: '/api/v1/requests', as: dpo, body });
      expectFieldProblem(res, field, JSON.stringify(body));
    }
    expect((await t.request({ url: '/api/v1/requests/nope', as: dpo })).statusCode).toBe(400);
    expect((await t.request({ url: '/api/v1/requests?status=lost', as: dpo })).statusCode).toBe(400);
  });
});

describe('the request list', () => {
  it('sorts by due date and flags overdue and due-soon requests', async () => {
    const contact = await newContact();
    const make = (days: number) =>
      newRequest({ type: 'access', contactId: contact.id, receivedAt: daysAgo(days) });
    const late = await make(40);
    const soon = await make(27);
    const fresh = await make(1);
    const res = await t.request({ url: `/api/v1/requests?contactId=${contact.id}&status=open`, as: dpo });
    const items = res.json<{ items: DsrRequest[] }>().items;
    expect(items.map((r) => r.id)).toEqual([late.id, soon.id, fresh.id]);
    expect(items.map((r) => [r.overdue, r.dueSoon])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
    const paged = await t.request({ url: `/api/v1/requests?contactId=${contact.id}&limit=2`, as: dpo });
    const { nextCursor } = paged.json<{ nextCursor: string }>();
    const rest = await t.request({
      url: `/api/v1/requests?contactId=${contact.id}&limit=2&cursor=${nextCursor}`,
      as: dpo,
    });
    expect(rest.json<{ items: DsrRequest[] }>().items.map((r) => r.id)).toEqual([fresh.id]);
  });
});

describe('the workflow', () => {
  it('verifies, extends once within the first month, fulfils a restriction the guard then honours, and closes', async () => {
    const contact = await newContact({ lifecycleStage: 'customer' });
    const request = await newRequest({
      type: 'restriction',
      contactId: contact.id,
      purposes: ['sales_follow_up'],
    });
    // Nothing is fulfilled before the requester is verified.
    expect((await step(request.id, 'fulfil')).statusCode).toBe(409);
    const verified = await step(request.id, 'verify', {
      method: 'known_email_reply',
      note: 'replied from the known address',
    });
    expect(verified.json<DsrRequest>()).toMatchObject({
      status: 'in_progress',
      verificationMethod: 'known_email_reply',
    });
    expect((await step(request.id, 'extend', { reason: 'short' })).statusCode).toBe(400);
    const extended = (
      await step(request.id, 'extend', { reason: 'Many requests at once this month.' })
    ).json<DsrRequest>();
    expect(extended.status).toBe('extended');
    expect(new Date(extended.dueAt).getTime()).toBeGreaterThan(
      new Date(extended.originalDueAt).getTime() + 55 * 86_400_000,
    );
    expect(
      (await step(request.id, 'extend', { reason: 'Many requests at once this month.' })).statusCode,
    ).toBe(409);
    expect((await step(request.id, 'assign', { userId: dpoUser.id })).json<DsrRequest>().assignedTo).toBe(
      dpoUser.id,
    );

    expect((await guard(contact.id, 'sales_follow_up')).allowed).toBe(true);
    const done = await step(request.id, 'fulfil', { note: 'restricted' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<DsrRequest>().status).toBe('fulfilled');
    expect(await guard(contact.id, 'sales_follow_up')).toMatchObject({ reasons: ['restriction'] });
    expect((await guard(contact.id, 'contract_fulfilment')).allowed).toBe(true);
    const closed = await step(request.id, 'close', { note: 'answer sent' });
    expect(closed.json<DsrRequest>()).toMatchObject({ status: 'closed', overdue: false });
    expect((await step(request.id, 'fulfil')).statusCode).toBe(409);

    const history = await t.request({ url: `/api/v1/requests/${request.id}/history`, as: dpo });
    const steps = history.json<{
      items: { action: string; toStatus: string; actor: { id: string }; note: string | null }[];
    }>().items;
    expect(steps.map((s) => [s.action, s.toStatus])).toEqual([
      ['received', 'received'],
      ['verify', 'in_progress'],
      ['extend', 'extended'],
      ['assign', 'extended'],
      ['fulfil', 'fulfilled'],
      ['close', 'closed'],
    ]);
    expect(steps.every((s) => s.actor.id === dpoUser.id)).toBe(true);
    expect(steps[1]!.note).toBe('replied from the known address');
    const [audited] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where entity_id = ${request.id} and action like 'request.%'`,
    );
    expect(audited!.n).toBeGreaterThanOrEqual(6);
  });

  it('cannot extend once the first deadline has passed', async () => {
    const request = await newRequest({
      type: 'access',
      requester: { email: uniqueEmail('late') },
      receivedAt: daysAgo(40),
    });
    await step(request.id, 'verify', { method: 'id_document' });
    const res = await step(request.id, 'extend', { reason: 'Many requests at once this month.' });
    expect(res.statusCode).toBe(409);
    expect(res.json<Problem>().code).toBe('conflict');
  });

  it('fulfils objections, the CCPA opt-outs and rectifications through the ledger and the repositories', async () => {
    const contact = await newContact({ firstName: 'Wrnog', lastName: 'Nmae' });
    const run = async (body: Record<string, unknown>, fulfil: Record<string, unknown> = {}) => {
      const request = await newRequest({ contactId: contact.id, ...body });
      await step(request.id, 'verify', { method: 'account_login' });
      const res = await step(request.id, 'fulfil', fulfil);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<DsrRequest>();
    };
    await run({ type: 'objection', purposes: ['profiling'] });
    expect(await guard(contact.id, 'profiling')).toMatchObject({ reasons: ['objection'] });
    await run({ type: 'opt_out_sale_sharing', regime: 'ccpa' });
    await run({ type: 'limit_sensitive', regime: 'ccpa' });
    const overview = (
      await t.request({ url: `/api/v1/contacts/${contact.id}/consents`, as: dpo })
    ).json<ConsentOverview>();
    expect(overview.choices).toEqual({ optedOutOfSaleOrSharing: true, limitedSensitiveUse: true });

    const rect = await newRequest({ type: 'rectification', contactId: contact.id });
    await step(rect.id, 'verify', { method: 'account_login' });
    const missing = await step(rect.id, 'fulfil', {});
    expect(missing.json<Problem>().errors?.[0]?.field).toBe('body.corrections');
    const bad = await step(rect.id, 'fulfil', { corrections: { emails: [{ value: 'nope' }] } });
    expect(bad.json<Problem>().errors?.[0]?.field).toBe('body.corrections.emails.0.value');
    await step(rect.id, 'fulfil', { corrections: { firstName: 'Wrong', lastName: 'Name' } });
    const corrected = (await t.request({ url: `/api/v1/contacts/${contact.id}`, as: dpo })).json<Contact>();
    expect([corrected.firstName, corrected.lastName]).toEqual(['Wrong', 'Name']);
    // The rename is findable by the new name, not the old one: the blind index was rebuilt.
    const found = await t.request({ url: '/api/v1/contacts?q=Nmae', as: dpo });
    expect(found.json<{ items: Contact[] }>().items.map((c) => c.id)).not.toContain(contact.id);
  });

  it('prepares an access package for review first; requests about no one are rejected with a reason', async () => {
    const contact = await newContact();
    const access = await newRequest({ type: 'access', contactId: contact.id });
    await step(access.id, 'verify', { method: 'in_person' });
    const res = await step(access.id, 'fulfil');
    // The package waits for the DPO's review and release (workflows/export-subject.test.ts).
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<DsrRequest>().status).toBe('in_progress');
    const stranger = await newRequest({ type: 'erasure', requester: { email: uniqueEmail('nobody') } });
    await step(stranger.id, 'verify', { method: 'email_code' });
    expect((await step(stranger.id, 'fulfil')).statusCode).toBe(409);
    expect(
      (await step(stranger.id, 'reject', { reason: 'because' })).json<Problem>().errors?.[0]?.field,
    ).toBe('body.reason');
    const rejected = await step(stranger.id, 'reject', { reason: 'no_data_held', note: 'nothing held' });
    expect(rejected.json<DsrRequest>()).toMatchObject({
      status: 'rejected',
      rejectionReason: 'no_data_held',
    });
    expect((await step(stranger.id, 'close')).json<DsrRequest>().status).toBe('closed');
  });
});

describe('deadline reminders', () => {
  it('mails the DPO about requests due within three days or overdue, once, without the requester’s details', async () => {
    const smtp = await startTestSmtpServer();
    const mailer = createMailer(smtp.config)!;
    try {
      const deps = { db: t.database.db, keys: t.keys, mailer, settings: testAppConfig };
      // Earlier tests left overdue requests behind: remind about those first.
      await sendDeadlineReminders(deps);
      const before = smtp.received.length;
      const secret = uniqueEmail('secret-requester');
      const overdue = await newRequest({
        type: 'access',
        requester: { email: secret },
        receivedAt: daysAgo(35),
      });
      const soon = await newRequest({
        type: 'erasure',
        requester: { email: uniqueEmail('x') },
        receivedAt: daysAgo(29),
      });
      await newRequest({ type: 'access', requester: { email: uniqueEmail('x') }, receivedAt: daysAgo(2) });
      expect(await sendDeadlineReminders(deps)).toBe(2);
      const mails = smtp.received.slice(before);
      expect(mails.map((m) => m.to)).toEqual([[dpoUser.email], [dpoUser.email]]);
      expect(textOf(mails[0]!)).toContain('Subject: Overdue: a access request');
      expect(textOf(mails[0]!)).toContain(`/requests/${overdue.id}`);
      expect(textOf(mails[1]!)).toContain('Subject: Due soon: a erasure request');
      expect(mails.map(textOf).join('')).not.toContain(secret);
      expect(await sendDeadlineReminders(deps)).toBe(0);
      // An extension sets a new deadline and re-arms the reminder for it.
      await step(soon.id, 'verify', { method: 'id_document' });
      await step(soon.id, 'extend', { reason: 'Many requests at once this month.' });
      expect(await sendDeadlineReminders(deps)).toBe(0);
      const later = smtp.received.length;
      await sendDeadlineReminders(deps, new Date(Date.now() + 65 * 86_400_000));
      expect(smtp.received.slice(later).some((m) => textOf(m).includes(`/requests/${soon.id}`))).toBe(true);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe('notices to the requester', () => {
  it('mails the receipt and an extension with its reason and new deadline, once each', async () => {
    // An extension is refused once the first deadline has passed, so the test's dates must stay ahead of the
    // clock: only Date is pinned (to a week after receipt), timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-09T12:00:00Z'));
    const smtp = await startTestSmtpServer();
    const mailer = createMailer(smtp.config)!;
    try {
      const deps = {
        db: t.database.db,
        keys: t.keys,
        subjects: subjectKeysFor(t.keys),
        indexer: indexerFor(t.keys),
        settings: testAppConfig,
        mailer,
      };
      const email = uniqueEmail('notice');
      const request = await newRequest({
        type: 'erasure',
        requester: { email },
        receivedAt: '2026-11-02T09:00:00Z',
      });
      await step(request.id, 'acknowledge');
      expect(await sendRequesterNotice(deps, { requestId: request.id, kind: 'acknowledged' })).toBe(true);
      expect(await sendRequesterNotice(deps, { requestId: request.id, kind: 'acknowledged' })).toBe(false);
      const receipt = textOf(await smtp.mailTo(email));
      expect(receipt).toContain('Subject: We received your request');
      expect(receipt).toContain('received your request for erasure of your data on 2 November 2026');
      // One month from 2 November: 2 December 2026, in Berlin.
      expect(receipt).toContain('We will answer by 2 December 2026');
      expect(receipt).toContain(request.id);

      await step(request.id, 'verify', { method: 'email_code' });
      await step(request.id, 'extend', { reason: 'Many requests at once this month.' });
      expect(await sendRequesterNotice(deps, { requestId: request.id, kind: 'extended' })).toBe(true);
      const extension = textOf(smtp.received.filter((m) => m.to.includes(email))[1]!);
      expect(extension).toContain('Subject: Your request: we need more time');
      expect(extension).toContain(
        'The new deadline is 2 February 2027. The reason: Many requests at once this month.',
      );
    } finally {
      vi.useRealTimers();
      await smtp.close();
    }
  });
});
