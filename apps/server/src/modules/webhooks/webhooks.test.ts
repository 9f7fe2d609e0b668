import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Contact,
  type DsrRequest,
  type IssuedCertificate,
  type Notice,
  type Recipient,
  verifyWebhookSignature,
  type Webhook,
  type WebhookDelivery,
  type WebhookWithSecret,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows, transaction } from '../../platform/db/database.js';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { buildSubjectPackage } from '../../workflows/export-subject.js';
import { findContactRow } from '../contacts/index.js';
import { subjectKeysFor } from '../subjects/index.js';
import { deliverWebhook } from './deliver.js';
import { destinationIssue } from './destination.js';
import { keepDeliveriesMoving } from './dispatch.js';
import { postWebhook } from './post.js';

/** What a real receiver gets: the raw body and headers, when. */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; purpose: string; data: Record<string, unknown> };
  at: Date;
}

let receiver: http.Server;
let base: string;
const received: Received[] = [];
/** The status each path answers with (200 unless set). */
const statusOf = new Map<string, number>();

let t: TestContext;
let admin: Caller;
let dpo: Caller;
let marketingCaller: Caller;
let notice: Notice;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, raw, body: JSON.parse(raw), at: new Date() });
      res.statusCode = statusOf.get(path) ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await createTestContext({ jobs: true, webhooks: true });
  admin = await t.login(await t.createUser('admin'));
  dpo = await t.login(await t.createUser('dpo'));
  marketingCaller = await t.login(await t.createUser('marketing'));
  notice = await publishTestNotice(t, admin);
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function call<T>(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, as = admin) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

/** Polls until `find` returns something: never a fixed sleep, so slow machines only take longer. */
async function waitFor<T>(what: string, find: () => T | undefined | Promise<T | undefined>, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const receivedAt = (path: string, type: string, contactId?: string) =>
  received.filter(
    (r) =>
      r.path === path &&
      r.body.type === type &&
      (!contactId || (r.body.data.contact as { id: string } | undefined)?.id === contactId),
  );

const recipient = (name: string, purposes: string[], categories: string[]) =>
  call<Recipient>('POST', '/api/v1/recipients', {
    name,
    role: 'third_party',
    countries: ['DE'],
    purposes,
    categories,
  });

const subscribe = (body: Record<string, unknown>) =>
  call<WebhookWithSecret>('POST', '/api/v1/webhooks', body, dpo);

const deliveriesOf = (id: string, status?: string) =>
  call<{ items: WebhookDelivery[] }>(
    'GET',
    `/api/v1/webhooks/${id}/deliveries${status ? `?status=${status}` : ''}`,
  ).then((r) => r.items);

describe('signed webhooks', () => {
  it('delivers signed, minimised events of contacts, consent, requests and erasure, each a recorded disclosure', async () => {
    const sync = await recipient(`Sync ${randomUUID()}`, ['sales_follow_up'], ['identity', 'contact']);
    const mailer = await recipient(`Mailer ${randomUUID()}`, ['marketing_email'], ['identity', 'contact']);
    const a = await subscribe({
      url: `${base}/a`,
      events: [
        'contact.created',
        'contact.updated',
        'contact.erased',
        'consent.changed',
        'request.fulfilled',
      ],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    });
    const b = await subscribe({
      url: `${base}/b`,
      events: ['contact.created', 'contact.updated', 'consent.changed'],
      recipientId: mailer.id,
      purpose: 'marketing_email',
    });
    // Subscribed to the id-only events alone, so it is never sent a person: it must not learn their ids.
    const archive = await recipient(`Archive ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const c = await subscribe({
      url: `${base}/c`,
      events: ['contact.erased', 'consent.changed'],
      recipientId: archive.id,
      purpose: 'sales_follow_up',
    });
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);

    const email = `ada-${randomUUID()}@example.test`;
    const ada = await call<Contact>('POST', '/api/v1/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: email }],
      phones: [{ value: '+44 20 7946 0001' }],
      addresses: [{ city: 'Marylebone-ZQX' }],
      jobTitle: 'Analyst-ZQX',
      dateOfBirth: '1971-02-03',
    });

    // Signed, and only the fields the purpose and the recipient's categories allow.
    const [created] = await waitFor('contact.created at a', () => {
      const found = receivedAt('/a', 'contact.created', ada.id);
      return found.length > 0 ? found : undefined;
    });
    expect(created!.headers['content-type']).toBe('application/json');
    expect(created!.headers['custodian-event-id']).toBe(created!.body.id);
    expect(created!.headers['custodian-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    const header = created!.headers['custodian-signature'] as string;
    expect(verifyWebhookSignature({ secret: a.secret, header, body: created!.raw })).toEqual({
      ok: true,
      timestamp: expect.any(Number),
    });
    expect(verifyWebhookSignature({ secret: b.secret, header, body: created!.raw }).ok).toBe(false);
    expect(created!.body).toMatchObject({ type: 'contact.created', purpose: 'sales_follow_up' });
    const fields = (created!.body.data.contact as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(fields).sort()).toEqual(['emails', 'firstName', 'lastName', 'phones']);
    expect(fields.firstName).toBe('Ada');
    // Location, professional (not the recipient's categories) and the date of birth (not the purpose's) stay home.
    for (const secret of ['Marylebone-ZQX', 'Analyst-ZQX', '1971-02-03'])
      expect(created!.raw).not.toContain(secret);

    // Replays: the same body and header after the window are refused, and so is any change to the body.
    const later = new Date(created!.at.getTime() + 301_000);
    expect(verifyWebhookSignature({ secret: a.secret, header, body: created!.raw, now: later })).toEqual({
      ok: false,
      reason: 'too_old',
    });
    expect(
      verifyWebhookSignature({
        secret: a.secret,
        header,
        body: created!.raw.replace('Lovelace', 'Byron'),
      }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    // Within the window a receiver refuses a delivery id it has seen (as the README shows).
    const seen = new Set<string>();
    const accept = (r: Received) => {
      const check = verifyWebhookSignature({
        secret: a.secret,
        header: r.headers['custodian-signature'] as string,
        body: r.raw,
      });
      const id = r.headers['custodian-delivery-id'] as string;
      if (!check.ok || seen.has(id)) return false;
      seen.add(id);
      return true;
    };
    expect(accept(created!)).toBe(true);
    expect(accept(created!)).toBe(false);

    // Marketing e-mail without consent: the guard refuses, so the mailer gets nothing about Ada.
    const skipped = await waitFor('the skipped delivery at b', async () =>
      (await deliveriesOf(b.id, 'skipped')).find((d) => d.eventType === 'contact.created'),
    );
    expect(skipped).toMatchObject({ status: 'skipped', lastError: 'not_allowed', lastStatus: null });

    // Consent changes go only to recipients of their purpose that were sent the person: the mailer never got
    // Ada, so it does not learn her id from her consent either.
    await giveConsent(t, admin, ada.id, 'marketing_email', notice);
    const unsent = await waitFor('the consent not disclosed at b', async () =>
      (await deliveriesOf(b.id, 'skipped')).find((d) => d.eventType === 'consent.changed'),
    );
    expect(unsent.lastError).toBe('not_disclosed');
    expect(receivedAt('/b', 'consent.changed')).toEqual([]);

    // Now allowed: the mailer gets the reach fields of its purpose (no phones: not a marketing field).
    await call('PATCH', `/api/v1/contacts/${ada.id}`, { lastName: 'King' });
    const [updatedAtB] = await waitFor('contact.updated at b', () => {
      const found = receivedAt('/b', 'contact.updated', ada.id);
      return found.length > 0 ? found : undefined;
    });
    const fieldsB = (updatedAtB!.body.data.contact as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(fieldsB).sort()).toEqual(['emails', 'firstName', 'lastName']);
    expect(fieldsB.lastName).toBe('King');
    await waitFor('contact.updated at a', () => receivedAt('/a', 'contact.updated', ada.id)[0]);

    // Once sent the person, the mailer hears of their consent changes, as ids and statuses.
    await recordEvent(t, admin, ada.id, { kind: 'objected', purpose: 'marketing_email', method: 'staff' });
    const consent = await waitFor(
      'consent.changed at b',
      () => receivedAt('/b', 'consent.changed', ada.id)[0],
    );
    expect(consent.body.data).toEqual({
      contact: { id: ada.id },
      purpose: 'marketing_email',
      kind: 'objected',
      consent: 'given',
      objected: true,
      restricted: false,
    });
    expect(consent.raw).not.toContain(email);

    // A person who objected to sales follow-up: the objection is announced, their data is not.
    const bob = await call<Contact>('POST', '/api/v1/contacts', {
      firstName: 'Bobbie-QQW',
      lastName: 'Tables',
    });
    await waitFor('bob created at a', () => receivedAt('/a', 'contact.created', bob.id)[0]);
    await recordEvent(t, admin, bob.id, { kind: 'objected', purpose: 'sales_follow_up', method: 'staff' });
    await call('PATCH', `/api/v1/contacts/${bob.id}`, { lastName: 'Droptables-QQW' });
    const objection = await waitFor(
      'bob’s objection at a',
      () => receivedAt('/a', 'consent.changed', bob.id)[0],
    );
    expect(objection.body.data).toMatchObject({
      purpose: 'sales_follow_up',
      kind: 'objected',
      objected: true,
    });
    await waitFor('bob’s update skipped at a', async () =>
      (await deliveriesOf(a.id, 'skipped')).find((d) => d.lastError === 'not_allowed'),
    );
    expect(received.filter((r) => r.raw.includes('Droptables-QQW'))).toEqual([]);

    // A fulfilled request: its id and type, nothing of the requester.
    const request = await call<DsrRequest>(
      'POST',
      '/api/v1/requests',
      { type: 'rectification', requester: { email } },
      dpo,
    );
    await call('POST', `/api/v1/requests/${request.id}/verify`, { method: 'email_code' }, dpo);
    await call('POST', `/api/v1/requests/${request.id}/fulfil`, { corrections: { lastName: 'Byron' } }, dpo);
    const fulfilled = await waitFor('request.fulfilled at a', () =>
      received.find((r) => r.path === '/a' && r.body.type === 'request.fulfilled'),
    );
    expect(fulfilled.body.data).toEqual({ request: { id: request.id, type: 'rectification' } });
    expect(fulfilled.raw).not.toContain(email);

    // Every delivery about Ada is a disclosure in her access package: recipient, count and dates.
    const row = (await findContactRow(t.database.db, ada.id))!;
    const disclosures = await queryRows<{ subject_ids: string[]; categories: string[]; entity_id: string }>(
      t.database.db,
      sql`select subject_ids, categories, entity_id from audit_entries
          where action = 'webhook.delivered' and ${row.subjectId}::uuid = any(subject_ids)`,
    );
    expect(disclosures.length).toBeGreaterThanOrEqual(4);
    expect(disclosures.find((d) => d.entity_id === sync.id)?.categories).toEqual(['identity', 'contact']);
    const { content } = await transaction(t.database.db, async (tx) =>
      buildSubjectPackage(
        tx,
        {
          db: t.database.db,
          keys: t.keys,
          subjects: subjectKeysFor(t.keys),
          indexer: indexerFor(t.keys),
          settings: testAppConfig,
        },
        { id: randomUUID(), type: 'access', regime: 'gdpr', receivedAt: new Date() },
        (await findContactRow(tx, ada.id))!,
      ),
    );
    const listed = content.recipients.filter((r) => r.role === 'recipient of our webhook events');
    expect(listed.map((r) => r.recipient).sort()).toEqual([mailer.name, sync.name].sort());
    expect(listed.find((r) => r.recipient === sync.name)?.what).toMatch(
      /^identity, contact data, for Sales follow-up: \d+ event\(s\) from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/,
    );

    // Erasure: the subscribers to erasures that were sent Ada are named in the certificate as the ones the
    // notice is queued for, and told, with the id alone.
    const certificate = await call<IssuedCertificate>(
      'POST',
      `/api/v1/contacts/${ada.id}/erasure`,
      { reason: 'ticket 42' },
      dpo,
    );
    const queued = certificate.certificate.recipientsQueued.map((r) => r.recipient);
    expect(queued).toEqual([sync.name]);
    expect(certificate.certificate.recipientsNotified).toBeUndefined();
    const erased = await waitFor('contact.erased at a', () => receivedAt('/a', 'contact.erased', ada.id)[0]);
    expect(erased.body.data).toEqual({ contact: { id: ada.id } });
    expect(receivedAt('/b', 'contact.erased')).toEqual([]);
    // Once delivered, the notice goes too: no table keeps the former id but the audit trail. The housekeeping
    // may remove it (and its deliveries) at any moment once they are done, so wait for "done or gone".
    await waitFor('the erasure notices done or gone', async () => {
      const [open] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from webhook_deliveries d join domain_events e on e.id = d.event_id
            where e.type = 'contact.erased' and e.contact_id = ${ada.id} and d.status in ('pending', 'sending')`,
      );
      return open!.n === 0 ? true : undefined;
    });
    // The archive was sent nobody: neither Bob's objection nor Ada's erasure reaches it.
    const objectionAtC = await waitFor('bob’s objection settled at c', async () =>
      (await deliveriesOf(c.id)).find((d) => d.eventType === 'consent.changed' && d.status !== 'pending'),
    );
    expect(objectionAtC).toMatchObject({ status: 'skipped', lastError: 'not_disclosed' });
    for (const d of (await deliveriesOf(c.id)).filter((d) => d.eventType === 'contact.erased'))
      expect(d).toMatchObject({ status: 'skipped', lastError: 'not_disclosed' });
    expect(received.filter((r) => r.path === '/c')).toEqual([]);
    await keepDeliveriesMoving(t.database.db, 60_000);
    const left = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from domain_events where contact_id = ${ada.id} or subject_id = ${row.subjectId}`,
    );
    expect(left[0]!.n).toBe(0);

    // The secrets appear nowhere but in the answers that created them.
    const listedHooks = await t.request({ url: '/api/v1/webhooks', as: dpo });
    const one = await t.request({ url: `/api/v1/webhooks/${a.id}`, as: dpo });
    for (const text of [listedHooks.body, one.body, t.logLines.join('\n')]) {
      expect(text).not.toContain(a.secret);
      expect(text).not.toContain(b.secret);
      expect(text).not.toContain('"secret"');
    }
    const stored = await queryRows<{ secret: string }>(
      t.database.db,
      sql`select encode(secret, 'escape') as secret from webhook_subscriptions where id = ${a.id}`,
    );
    expect(stored[0]!.secret).not.toContain(a.secret.slice(6, 20));
  });

  it('tells recipients that were sent a person of their deletion or merge, with ids alone, and no one else', async () => {
    const crm = await recipient(`Crm ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const stranger = await recipient(`Stranger ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const d = await subscribe({
      url: `${base}/d`,
      events: ['contact.created', 'contact.deleted', 'contact.merged'],
      recipientId: crm.id,
      purpose: 'sales_follow_up',
    });
    const e = await subscribe({
      url: `${base}/e`,
      events: ['contact.deleted', 'contact.merged'],
      recipientId: stranger.id,
      purpose: 'sales_follow_up',
    });
    const [gone, kept, twin] = await Promise.all(
      ['Gone-XQV', 'Kept', 'Twin'].map((firstName) =>
        call<Contact>('POST', '/api/v1/contacts', { firstName }),
      ),
    );
    for (const person of [gone!, kept!, twin!])
      await waitFor('created at d', () => receivedAt('/d', 'contact.created', person.id)[0]);

    // A deletion: the person's pending events go in its transaction; only `contact.deleted` is left to send.
    await call('PATCH', `/api/v1/contacts/${gone!.id}`, { lastName: 'Pending-XQV' });
    const res = await t.request({ method: 'DELETE', url: `/api/v1/contacts/${gone!.id}`, as: admin });
    expect(res.statusCode, res.body).toBe(204);
    const left = await queryRows<{ type: string }>(
      t.database.db,
      sql`select type from domain_events where contact_id = ${gone!.id}`,
    );
    expect(left.every((r) => r.type === 'contact.deleted')).toBe(true);
    const deleted = await waitFor(
      'contact.deleted at d',
      () => receivedAt('/d', 'contact.deleted', gone!.id)[0],
    );
    expect(deleted.body.data).toEqual({ contact: { id: gone!.id } });
    expect(received.filter((r) => r.raw.includes('Pending-XQV'))).toEqual([]);

    // A merge: the other's id and the survivor's.
    await call('POST', `/api/v1/contacts/${kept!.id}/merge`, { otherId: twin!.id });
    const merged = await waitFor(
      'contact.merged at d',
      () => receivedAt('/d', 'contact.merged', twin!.id)[0],
    );
    expect(merged.body.data).toEqual({ contact: { id: twin!.id }, survivorId: kept!.id });

    // The stranger was never sent these people: it learns nothing of them.
    await waitFor('both skipped at e', async () => {
      const done = (await deliveriesOf(e.id)).filter((x) => x.status !== 'pending' && x.status !== 'sending');
      return done.length >= 2 ? done : undefined;
    });
    for (const x of await deliveriesOf(e.id))
      expect(x).toMatchObject({ status: 'skipped', lastError: 'not_disclosed' });
    expect(received.filter((r) => r.path === '/e')).toEqual([]);
    expect(await deliveriesOf(d.id, 'dead')).toEqual([]);
  });

  it('does not attempt a delivery before its backoff is over', async () => {
    const sync = await recipient(`Patient ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const hook = await subscribe({
      url: `${base}/patient`,
      events: ['request.fulfilled'],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    });
    const later = new Date(Date.now() + 3_600_000);
    const [row] = await queryRows<{ id: string }>(
      t.database.db,
      sql`with e as (insert into domain_events (type, data, dispatched_at)
                     values ('request.fulfilled', '{}'::jsonb, now()) returning id)
          insert into webhook_deliveries (event_id, subscription_id, status, attempts, next_attempt_at)
          select e.id, ${hook.id}, 'pending', 1, ${later.toISOString()}::timestamptz from e returning id`,
    );
    const deps = {
      db: t.database.db,
      keys: t.keys,
      settings: testAppConfig.webhooks,
      subjects: subjectKeysFor(t.keys),
      indexer: indexerFor(t.keys),
    };
    const result = await deliverWebhook(deps, row!.id);
    expect(result).toEqual({ outcome: 'early', at: later });
    const [after] = await deliveriesOf(hook.id);
    expect(after).toMatchObject({ status: 'pending', attempts: 1 });
    expect(received.filter((r) => r.path === '/patient')).toEqual([]);
  });

  it('retries a failing receiver with backoff, then dead-letters it; a redelivery goes through', async () => {
    const sync = await recipient(`Flaky ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    statusOf.set('/flaky', 500);
    const hook = await subscribe({
      url: `${base}/flaky`,
      events: ['contact.created'],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    });
    const person = await call<Contact>('POST', '/api/v1/contacts', { firstName: 'Grace' });
    const [dead] = await waitFor('the dead letter', async () => {
      const found = await deliveriesOf(hook.id, 'dead');
      return found.length > 0 ? found : undefined;
    });
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: testAppConfig.webhooks.maxAttempts,
      lastStatus: 500,
      lastError: 'http_status',
      nextAttemptAt: null,
    });
    const attempts = receivedAt('/flaky', 'contact.created', person.id);
    expect(attempts).toHaveLength(testAppConfig.webhooks.maxAttempts);
    // The same delivery each time, and the waits grew.
    expect(new Set(attempts.map((r) => r.headers['custodian-delivery-id']))).toEqual(new Set([dead!.id]));
    const gaps = attempts.slice(1).map((r, i) => r.at.getTime() - attempts[i]!.at.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(testAppConfig.webhooks.retryBaseMs - 50);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * testAppConfig.webhooks.retryBaseMs - 50);
    // Nothing was disclosed, so nothing is recorded as a disclosure.
    const disclosures = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'webhook.delivered' and entity_id = ${sync.id}`,
    );
    expect(disclosures[0]!.n).toBe(0);

    const pendingOne = await t.request({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/deliveries/${randomUUID()}/redeliver`,
      as: dpo,
    });
    expect(pendingOne.statusCode).toBe(404);
    statusOf.set('/flaky', 204);
    const res = await t.request({
      method: 'POST',
      url: `/api/v1/webhooks/${hook.id}/deliveries/${dead!.id}/redeliver`,
      as: dpo,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json<WebhookDelivery>()).toMatchObject({ status: 'pending', attempts: 0 });
    const delivered = await waitFor('the redelivery', async () =>
      (await deliveriesOf(hook.id, 'delivered')).find((d) => d.id === dead!.id),
    );
    expect(delivered).toMatchObject({ attempts: 1, lastStatus: 204, lastError: null });
    const last = receivedAt('/flaky', 'contact.created', person.id).at(-1)!;
    expect(
      verifyWebhookSignature({
        secret: hook.secret,
        header: last.headers['custodian-signature'] as string,
        body: last.raw,
      }).ok,
    ).toBe(true);
    expect(await deliveriesOf(hook.id, 'dead')).toEqual([]);
    // Only admins and the DPO manage webhooks.
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/webhooks/${hook.id}/deliveries/${dead!.id}/redeliver`,
          as: marketingCaller,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('rotates the secret: the next deliveries are signed with the new one only', async () => {
    const sync = await recipient(`Rotating ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const hook = await subscribe({
      url: `${base}/rotating`,
      events: ['contact.created'],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    });
    const rotated = await call<WebhookWithSecret>(
      'POST',
      `/api/v1/webhooks/${hook.id}/rotate-secret`,
      {},
      dpo,
    );
    expect(rotated.secret).not.toBe(hook.secret);
    const person = await call<Contact>('POST', '/api/v1/contacts', { firstName: 'Katherine' });
    const got = await waitFor('the delivery', () => receivedAt('/rotating', 'contact.created', person.id)[0]);
    const check = (secret: string) =>
      verifyWebhookSignature({ secret, header: got.headers['custodian-signature'] as string, body: got.raw });
    expect(check(rotated.secret).ok).toBe(true);
    expect(check(hook.secret)).toEqual({ ok: false, reason: 'bad_signature' });
    // A paused subscription gets no new deliveries: a witness subscription shows the event was dispatched.
    const paused = await call<Webhook>('PATCH', `/api/v1/webhooks/${hook.id}`, { active: false }, dpo);
    expect(paused.active).toBe(false);
    await subscribe({
      url: `${base}/witness`,
      events: ['contact.created'],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    });
    const later = await call<Contact>('POST', '/api/v1/contacts', { firstName: 'Dorothy' });
    await waitFor('the witness', () => receivedAt('/witness', 'contact.created', later.id)[0]);
    expect(receivedAt('/rotating', 'contact.created', later.id)).toEqual([]);
    expect(await deliveriesOf(hook.id)).toHaveLength(1);
  });

  it('refuses bad subscriptions with 400 problem+json naming the field', async () => {
    const sync = await recipient(`Checked ${randomUUID()}`, ['sales_follow_up'], ['identity']);
    const good = {
      url: `${base}/checked`,
      events: ['contact.created'],
      recipientId: sync.id,
      purpose: 'sales_follow_up',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'not a url' }, 'body.url'],
      [{ url: 'ftp://hooks.example.test/x' }, 'body.url'],
      [{ url: `http://user:pw@127.0.0.1:1/x` }, 'body.url'],
      [{ events: ['contact.exploded'] }, 'body.events.0'],
      [{ events: [] }, 'body.events'],
      [{ events: ['contact.created', 'contact.created'] }, 'body.events'],
      [{ recipientId: randomUUID() }, 'body.recipientId'],
      [{ recipientId: 'nope' }, 'body.recipientId'],
      [{ purpose: 'marketing_email' }, 'body.purpose'],
      [{ purpose: 'world_domination' }, 'body.purpose'],
    ];
    for (const [change, field] of cases) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/webhooks',
        as: dpo,
        body: { ...good, ...change },
      });
      expectFieldProblem(res, field, JSON.stringify(change));
      expect(res.body).not.toContain('user:pw');
    }
    const hook = await subscribe(good);
    expectFieldProblem(
      await t.request({
        method: 'PATCH',
        url: `/api/v1/webhooks/${hook.id}`,
        as: dpo,
        body: { purpose: 'newsletter' },
      }),
      'body.purpose',
    );
    expect((await t.request({ url: `/api/v1/webhooks/${randomUUID()}`, as: dpo })).statusCode).toBe(404);
    expect((await t.request({ url: '/api/v1/webhooks', as: marketingCaller })).statusCode).toBe(403);
  });

  it('refuses private and loopback destinations unless allowed, also when a name resolves to one', async () => {
    const strict = { allowHttp: false, allowPrivate: false };
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://192.168.0.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:10.0.0.1]/x',
      'https://localhost/x',
    ])
      expect(destinationIssue(url, strict), url).not.toBeNull();
    expect(destinationIssue('https://hooks.example.com/x', strict)).toBeNull();
    expect(destinationIssue('https://93.184.215.14/x', strict)).toBeNull();
    expect(destinationIssue('http://127.0.0.1:8080/x', { allowHttp: true, allowPrivate: true })).toBeNull();
    // A name is judged again by what it resolves to when connecting (a public name may point inside).
    const port = (receiver.address() as AddressInfo).port;
    const before = received.length;
    const answer = await postWebhook({
      url: `http://localhost:${port}/ssrf`,
      body: '{}',
      headers: {},
      policy: { allowHttp: true, allowPrivate: false },
      timeoutMs: 5000,
    });
    expect(answer).toEqual({ error: 'address_refused' });
    expect(received.length).toBe(before);
  });
});
