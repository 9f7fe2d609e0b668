import type {
  Contact,
  DsrRequest,
  IssuedCertificate,
  PackageStatus,
  Pipeline,
  SubjectPackage,
} from '@custodian/contracts';
import { subjectPackageSchema } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/database.js';
import { giveConsent, publishTestNotice } from '../test/consent.js';
import { type Caller, createTestContext, type TestContext, uniqueEmail } from '../test/context.js';
import { expectFieldProblem } from '../test/problem.js';
import { startTestSmtpServer, type TestSmtpServer, textOf } from '../test/smtp.js';

let smtp: TestSmtpServer;
let t: TestContext;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config });
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function call<T>(method: 'POST' | 'GET', url: string, as: Caller, body?: unknown): Promise<T> {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}

/** A verified request of this type from the contact's address, fulfilled: the package is prepared. */
async function prepared(type: 'access' | 'portability', email: string): Promise<DsrRequest> {
  const request = await call<DsrRequest>('POST', '/api/v1/requests', dpo, { type, requester: { email } });
  await call('POST', `/api/v1/requests/${request.id}/verify`, dpo, { method: 'email_code' });
  return call<DsrRequest>('POST', `/api/v1/requests/${request.id}/fulfil`, dpo, {});
}

const pathOf = (url: string) => new URL(url).pathname;

describe('access and portability packages', () => {
  it('holds everything about the person, flags others’ data for review, and is downloaded once', async () => {
    const email = uniqueEmail('ada');
    const ada = await call<Contact>('POST', '/api/v1/contacts', sales, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: email }],
      phones: [{ value: '+44 20 7946 0001' }],
      jobTitle: '<script>alert(1)</script>',
      tags: ['vip'],
    });
    const bob = await call<Contact>('POST', '/api/v1/contacts', sales, {
      firstName: 'Bob',
      emails: [{ value: uniqueEmail('bob') }],
    });
    await call('POST', '/api/v1/activities', sales, {
      type: 'call',
      body: `Ada called from ${email}`,
      contactIds: [ada.id],
    });
    const mention = await call<{ id: string }>('POST', '/api/v1/activities', sales, {
      type: 'note',
      body: 'Ada says her colleague is at carol@example.test',
      contactIds: [ada.id],
    });
    const meeting = await call<{ id: string }>('POST', '/api/v1/activities', sales, {
      type: 'meeting',
      subject: 'Workshop',
      body: 'Ada and Bob planned the launch',
      contactIds: [ada.id, bob.id],
    });
    await call('POST', '/api/v1/tasks', sales, { title: 'Send Ada the slides', contactId: ada.id });
    const pipeline = (await call<{ items: Pipeline[] }>('GET', '/api/v1/pipelines', sales)).items[0]!;
    await call('POST', '/api/v1/deals', sales, {
      title: 'Analytical engine',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      contactIds: [ada.id],
    });
    const notice = await publishTestNotice(t, dpo);
    await giveConsent(t, sales, ada.id, 'newsletter', notice);
    // A read by sales staff, which the package must report.
    await call('GET', `/api/v1/contacts/${ada.id}`, sales);

    // A processor for a purpose Ada's data serves, and a pseudonymised export that carried her data.
    await call('POST', '/api/v1/recipients', dpo, {
      name: 'Newsletter ESP',
      role: 'processor',
      purposes: ['newsletter'],
      categories: ['contact'],
      countries: ['DE'],
      dpaSignedAt: '2025-01-01',
    });
    await call('POST', '/api/v1/recipients', dpo, {
      name: 'Campaign agency',
      role: 'processor',
      purposes: ['marketing_email'],
      countries: ['DE'],
      dpaSignedAt: '2025-01-01',
    });
    const lab = await call<{ id: string }>('POST', '/api/v1/pseudonym-recipients', dpo, {
      name: 'Sales study',
      purpose: 'sales_follow_up',
    });
    await call('GET', `/api/v1/pseudonym-recipients/${lab.id}/export`, sales);

    const request = await prepared('access', email);
    // Prepared, not yet released: the request is still in progress.
    expect(request.status).toBe('in_progress');
    const status = await call<PackageStatus>('GET', `/api/v1/requests/${request.id}/package`, dpo);
    expect(status).toMatchObject({ status: 'review', releasedAt: null, downloadedAt: null });
    expect(status.flagged).toEqual(
      expect.arrayContaining([
        { entity: 'activity', id: meeting.id, field: 'body', reason: 'shared_with_other_people' },
        { entity: 'activity', id: meeting.id, field: 'subject', reason: 'shared_with_other_people' },
        { entity: 'activity', id: mention.id, field: 'body', reason: 'other_email_address' },
      ]),
    );
    // The person's own address in a note is not a flag.
    expect(status.flagged, JSON.stringify(status.flagged)).toHaveLength(3);

    expect(
      (await t.request({ url: `/api/v1/requests/${request.id}/package/preview`, as: sales })).statusCode,
    ).toBe(403);
    const preview = await call<SubjectPackage>('GET', `/api/v1/requests/${request.id}/package/preview`, dpo);
    expect(subjectPackageSchema.parse(preview)).toBeTruthy();
    const field = (name: string) => preview.person.fields.find((f) => f.field === name)?.value;
    expect(field('firstName')).toBe('Ada');
    expect(field('emails')).toEqual([{ value: email, label: null, primary: true }]);
    // Every catalogued field is there, empty ones too.
    expect(preview.person.fields.map((f) => f.field)).toEqual([
      'firstName',
      'lastName',
      'emails',
      'phones',
      'addresses',
      'jobTitle',
      'dateOfBirth',
      'customFields',
    ]);
    expect(preview.person.tags).toEqual(['vip']);
    // Art. 15(1)(c): the recipients, as far as they received her data.
    expect(preview.recipients.map((r) => [r.recipient, r.role])).toEqual([
      ['Newsletter ESP', 'processor'],
      ['Sales study', 'recipient of pseudonymised data'],
    ]);
    expect(preview.recipients[0]!.what).toBe('contact data, for Newsletter');
    expect(preview.activities).toHaveLength(3);
    expect(preview.tasks.map((x) => x.title)).toEqual(['Send Ada the slides']);
    expect(preview.deals.map((d) => d.title)).toEqual(['Analytical engine']);
    expect(preview.consent.events.map((e) => [e.kind, e.purpose])).toEqual([['given', 'newsletter']]);
    expect(preview.consent.receipts).toHaveLength(1);
    expect(preview.consent.receipts[0]!.privacy_notice.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(preview.purposes.find((p) => p.key === 'newsletter')).toMatchObject({
      lawfulBasis: 'consent',
      allowedNow: true,
    });
    expect(preview.retention).toContainEqual({ field: 'emails', retention: 'relationship' });
    expect(preview.source.how).toBe('manual');
    expect(preview.accessLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'contact.read', by: 'a member of staff (sales)' }),
        expect.objectContaining({ action: 'contact.create', by: 'a member of staff (sales)' }),
      ]),
    );

    // Release needs the review confirmed.
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/requests/${request.id}/package/release`,
        as: dpo,
        body: {},
      }),
      'body.reviewed',
    );
    const released = await call<PackageStatus & { downloadUrl: string }>(
      'POST',
      `/api/v1/requests/${request.id}/package/release`,
      dpo,
      { reviewed: true },
    );
    expect(released).toMatchObject({ status: 'released', downloadedAt: null });
    expect((await call<DsrRequest>('GET', `/api/v1/requests/${request.id}`, dpo)).status).toBe('fulfilled');
    const [stored] = await queryRows<{ token_hash: string }>(
      t.database.db,
      sql`select token_hash from subject_packages where request_id = ${request.id}`,
    );
    const token = pathOf(released.downloadUrl).split('/').pop()!;
    expect(stored!.token_hash).not.toContain(token);
    // The requester gets the same link by mail, from a job that never saw it stored.
    const mail = textOf(await smtp.mailTo(email));
    expect(mail).toContain('Subject: Your data is ready to download');
    expect(mail).toContain(released.downloadUrl);
    expect(JSON.stringify(await queryRows(t.database.db, sql`select data from pgboss.job`))).not.toContain(
      token,
    );

    // The link works once, for anyone holding it.
    const download = await t.request({ url: pathOf(released.downloadUrl) });
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(download.rawPayload));
    expect(Object.keys(files).sort()).toEqual([
      'csv/access-log.csv',
      'csv/activities.csv',
      'csv/campaign-mail.csv',
      'csv/consent-events.csv',
      'csv/deals.csv',
      'csv/lead-score.csv',
      'csv/lead-scoring-logic.csv',
      'csv/personal-data.csv',
      'csv/purposes.csv',
      'csv/recipients.csv',
      'csv/retention.csv',
      'csv/tasks.csv',
      'index.html',
      'package.json',
    ]);
    const json = subjectPackageSchema.parse(JSON.parse(strFromU8(files['package.json']!)));
    expect(json.request.id).toBe(request.id);
    // Profiling: no score is held, but the logic involved is explained (Art. 15(1)(h)).
    expect(json.profiling).toMatchObject({
      purpose: { key: 'profiling' },
      score: null,
      logic: { rules: [] },
    });
    const html = strFromU8(files['index.html']!);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(strFromU8(files['csv/activities.csv']!)).toContain('Ada and Bob planned the launch');
    expect((await t.request({ url: pathOf(released.downloadUrl) })).statusCode).toBe(410);
    expect((await t.request({ url: `/api/v1/public/packages/${'x'.repeat(43)}` })).statusCode).toBe(404);
    const [after] = await queryRows<{ content: unknown }>(
      t.database.db,
      sql`select content from subject_packages where request_id = ${request.id}`,
    );
    expect(after!.content).toBeNull();
    expect(await call<PackageStatus>('GET', `/api/v1/requests/${request.id}/package`, dpo)).toMatchObject({
      status: 'downloaded',
    });

    // An expired link answers 410 too.
    const portability = await prepared('portability', email);
    const second = await call<{ downloadUrl: string }>(
      'POST',
      `/api/v1/requests/${portability.id}/package/release`,
      dpo,
      { reviewed: true },
    );
    await t.database.db.execute(
      sql`update subject_packages set expires_at = now() - interval '1 minute' where request_id = ${portability.id}`,
    );
    expect((await t.request({ url: pathOf(second.downloadUrl) })).statusCode).toBe(410);

    // Erasure takes the packages with the person.
    const issued = await call<IssuedCertificate>('POST', `/api/v1/contacts/${ada.id}/erasure`, dpo, {
      reason: 'Test',
    });
    expect(issued.certificate.tables).toContainEqual({
      table: 'subject_packages',
      action: 'deleted',
      rows: 2,
    });
  });

  it('documents the package format as a JSON Schema', async () => {
    const res = await t.request({ url: '/api/v1/schemas/subject-package.json' });
    expect(res.statusCode).toBe(200);
    const schema = res.json<{ $schema: string; properties: Record<string, unknown> }>();
    expect(schema.$schema).toContain('2020-12');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['person', 'accessLog', 'consent']),
    );
  });
});
