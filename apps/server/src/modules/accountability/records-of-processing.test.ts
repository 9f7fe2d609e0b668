import type { Recipient, RecordsOfProcessing } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
});
afterAll(() => t.close());

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}
const ropa = () => call<RecordsOfProcessing>('GET', '/api/v1/records-of-processing', dpo);
const activity = (r: RecordsOfProcessing, purpose: string) =>
  r.activities.find((a) => a.purpose === purpose)!;

const mailer = {
  name: 'Mailjet-like ESP',
  role: 'processor',
  services: 'Sends the newsletter',
  purposes: ['newsletter', 'marketing_email'],
  categories: ['identity', 'contact'],
  countries: ['FR', 'US'],
  transferMechanism: 'standard_contractual_clauses',
  sccDate: '2025-03-01',
  dpaSignedAt: '2025-03-01',
  dpaReviewAt: '2026-03-01',
  securityMeasures: 'ISO 27001; encryption in transit and at rest',
  contact: 'Privacy Team, privacy@esp.example',
};

describe('recipients', () => {
  it('are recorded with their transfers and agreements, the contact encrypted', async () => {
    const created = await call<Recipient>('POST', '/api/v1/recipients', dpo, mailer);
    expect(created).toMatchObject({ thirdCountries: ['US'], reviewDue: true, contact: mailer.contact });
    const [row] = await queryRows<{ contact: Buffer }>(
      t.database.db,
      sql`select contact from recipients where id = ${created.id}`,
    );
    expect(Buffer.from(row!.contact).toString('latin1')).not.toContain('privacy@esp.example');
    const renewed = await call<Recipient>('PATCH', `/api/v1/recipients/${created.id}`, dpo, {
      dpaReviewAt: '2099-01-01',
    });
    expect(renewed.reviewDue).toBe(false);
    expect(
      (await call<{ items: Recipient[] }>('GET', '/api/v1/recipients', dpo)).items.map((r) => r.id),
    ).toContain(created.id);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/recipients', as: sales, body: mailer })).statusCode,
    ).toBe(403);
  });

  it('refuse a transfer without its safeguard, naming the field', async () => {
    const bad = (body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/recipients', as: dpo, body: { ...mailer, ...body } });
    expectFieldProblem(await bad({ transferMechanism: null }), 'body.transferMechanism');
    expectFieldProblem(
      await bad({ countries: ['IN'], transferMechanism: 'adequacy_decision' }),
      'body.transferMechanism',
    );
    expectFieldProblem(await bad({ sccDate: null }), 'body.sccDate');
    expectFieldProblem(await bad({ transferMechanism: 'art49_derogation' }), 'body.derogation');
    expectFieldProblem(await bad({ dpaSignedAt: null }), 'body.dpaSignedAt');
    expectFieldProblem(await bad({ countries: ['Germany'] }), 'body.countries.0');
    expectFieldProblem(await bad({ role: 'friend' }), 'body.role');
    const only = await call<Recipient>('POST', '/api/v1/recipients', dpo, {
      name: 'EU host',
      role: 'third_party',
      countries: ['DE'],
    });
    expectFieldProblem(
      await t.request({
        method: 'PATCH',
        url: `/api/v1/recipients/${only.id}`,
        as: dpo,
        body: { countries: ['BR'] },
      }),
      'body.transferMechanism',
    );
  });
});

describe('the records of processing (Art. 30(1))', () => {
  it('contain every required item, generated from what is in force', async () => {
    const r = await ropa();
    expect(r.controller).toMatchObject({ name: 'Example Ltd', email: 'privacy@example.test' });
    expect(r.activities.map((a) => a.purpose)).toEqual(
      expect.arrayContaining(['newsletter', 'data_subject_rights', 'legal_obligation']),
    );
    for (const a of r.activities) {
      expect(a.lawfulBasis).toBeTruthy();
      expect(a.dpv.purpose).toMatch(/^dpv:/);
      expect(a.dataSubjects.length).toBeGreaterThan(0);
      expect(a.dataCategories.length).toBeGreaterThan(0);
      expect(a.erasure.statement).toBeTruthy();
    }
    const newsletter = activity(r, 'newsletter');
    expect(newsletter.dataSubjects).toContain('contacts: leads, prospects, customers and former customers');
    expect(newsletter.dataCategories.find((c) => c.category === 'contact')?.fields).toContain(
      'contacts.emails',
    );
    expect(newsletter.recipients).toContainEqual({ name: 'Mailjet-like ESP', role: 'processor' });
    expect(newsletter.transfers).toEqual([
      {
        recipient: 'Mailjet-like ESP',
        countries: ['US'],
        mechanism: 'standard_contractual_clauses',
        detail: 'signed 2025-03-01',
      },
    ]);
    expect(activity(r, 'data_subject_rights').erasure).toMatchObject({ legalMinimumMonths: 24 });
    expect(activity(r, 'data_subject_rights').erasure.policies.map((p) => p.name)).toContain(
      'Closed data-subject requests',
    );
    expect(r.security.map((m) => m.measure)).toEqual(
      expect.arrayContaining([
        'Encryption of personal data at rest',
        'Access control',
        'Authentication',
        'Audit trail',
      ]),
    );
    expect(r.security.find((m) => m.measure === 'Authentication')!.detail).toMatch(
      /0 of \d+ active staff accounts/,
    );
    expect((await t.request({ url: '/api/v1/records-of-processing', as: sales })).statusCode).toBe(403);
  });

  it('change when a purpose or a recipient changes', async () => {
    const before = activity(await ropa(), 'analytics');
    await call('PATCH', '/api/v1/purposes/analytics', dpo, {
      lawfulBasis: 'consent',
      retention: 'Until consent is withdrawn.',
    });
    const lab = await call<Recipient>('POST', '/api/v1/recipients', dpo, {
      name: 'Research lab',
      role: 'joint_controller',
      purposes: ['analytics'],
      countries: ['CH'],
      transferMechanism: 'adequacy_decision',
    });
    const after = activity(await ropa(), 'analytics');
    expect(before.lawfulBasis).toBe('legitimate_interests');
    expect(after).toMatchObject({ lawfulBasis: 'consent', dpv: { legalBasis: 'dpv:Consent' } });
    expect(after.erasure.statement).toBe('Until consent is withdrawn.');
    expect(after.recipients).toContainEqual({ name: 'Research lab', role: 'joint_controller' });
    expect(after.transfers).toContainEqual({
      recipient: 'Research lab',
      countries: ['CH'],
      mechanism: 'adequacy_decision',
      detail: null,
    });
    await call('DELETE', `/api/v1/recipients/${lab.id}`, dpo);
    expect(activity(await ropa(), 'analytics').recipients).not.toContainEqual({
      name: 'Research lab',
      role: 'joint_controller',
    });
  });

  it('are served as CSV, a printable page and W3C DPV JSON-LD', async () => {
    const csv = await t.request({ url: '/api/v1/records-of-processing.csv', as: dpo });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'purpose,name,lawful_basis,art9_condition,data_subjects,data_categories,recipients,third_country_transfers,erasure,legal_minimum_months',
    );
    expect(csv.body).toContain('Mailjet-like ESP (processor)');
    const html = await t.request({ url: '/api/v1/records-of-processing.html', as: dpo });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<h1>Records of processing activities (GDPR Art. 30(1))</h1>');
    expect(html.body).toContain('Technical and organisational security measures');
    const ld = await t.request({ url: '/api/v1/records-of-processing.jsonld', as: dpo });
    expect(ld.headers['content-type']).toContain('application/ld+json');
    const doc = ld.json<{ '@context': Record<string, string>; '@graph': Record<string, unknown>[] }>();
    expect(doc['@context'].dpv).toBe('https://w3id.org/dpv#');
    const newsletter = doc['@graph'].find((n) => n['@id'] === '#newsletter')!;
    expect(newsletter).toMatchObject({
      '@type': 'dpv:PersonalDataHandling',
      'dpv:hasLegalBasis': [{ '@id': 'dpv:Consent' }, { '@id': 'eu-gdpr:A6-1-a' }],
    });
    expect(newsletter['dpv:hasPersonalData']).toContainEqual({ '@id': 'pd:Contact' });
  });
});

describe('the records as a processor (Art. 30(2))', () => {
  it('list each controller processed for, with its contact, processing, transfers and our sub-processors', async () => {
    expect((await ropa()).asProcessor).toEqual([]);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/recipients',
        as: dpo,
        body: { name: 'Client without agreement', role: 'controller', countries: ['DE'] },
      }),
      'body.dpaSignedAt',
    );
    const client = await call<Recipient>('POST', '/api/v1/recipients', dpo, {
      name: 'Client Shop GmbH',
      role: 'controller',
      services: 'Hosting and maintaining the client’s customer CRM; support tickets',
      purposes: ['customer_support'],
      categories: ['identity', 'contact'],
      countries: ['DE', 'IN'],
      transferMechanism: 'standard_contractual_clauses',
      sccDate: '2026-02-01',
      dpaSignedAt: '2026-02-01',
      dpaReviewAt: '2027-02-01',
      contact: 'Data protection, dpo@client-shop.example',
    });
    const sub = await call<Recipient>('POST', '/api/v1/recipients', dpo, {
      name: 'Backup host',
      role: 'sub_processor',
      countries: ['NL'],
      dpaSignedAt: '2026-01-01',
    });
    const r = await ropa();
    expect(r.asProcessor).toEqual([
      {
        controller: { name: 'Client Shop GmbH', contact: 'Data protection, dpo@client-shop.example' },
        processing: 'Hosting and maintaining the client’s customer CRM; support tickets',
        dataCategories: ['identity', 'contact'],
        agreement: { signedAt: '2026-02-01', reviewAt: '2027-02-01' },
        transfers: {
          countries: ['IN'],
          mechanism: 'standard_contractual_clauses',
          detail: 'signed 2026-02-01',
        },
        subProcessors: ['Backup host'],
      },
    ]);
    // Not a recipient of our data: absent from the Art. 30(1) records of its purpose.
    expect(activity(r, 'customer_support').recipients.map((x) => x.name)).not.toContain('Client Shop GmbH');
    const html = await t.request({ url: '/api/v1/records-of-processing.html', as: dpo });
    expect(html.body).toContain('Records as a processor (GDPR Art. 30(2))');
    expect(html.body).toContain('On behalf of Client Shop GmbH');
    const csv = await t.request({ url: '/api/v1/records-of-processing.csv', as: dpo });
    expect(csv.body).toContain('controller,controller_contact,processing');
    expect(csv.body).toContain('IN under standard_contractual_clauses');
    // It changes with the record.
    await call('PATCH', `/api/v1/recipients/${client.id}`, dpo, {
      countries: ['DE'],
      transferMechanism: null,
    });
    expect((await ropa()).asProcessor[0]!.transfers).toBeNull();
    await call('DELETE', `/api/v1/recipients/${client.id}`, dpo);
    await call('DELETE', `/api/v1/recipients/${sub.id}`, dpo);
    expect((await ropa()).asProcessor).toEqual([]);
  });
});
