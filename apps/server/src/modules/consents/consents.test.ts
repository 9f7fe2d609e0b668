import { createRequire } from 'node:module';
import type {
  ConsentEvent,
  ConsentOverview,
  ConsentReceipt,
  Contact,
  Notice,
  Problem,
  ProcessingAnswer,
  Purpose,
  RefusalReason,
} from '@custodian/contracts';
import { batchMayProcess } from '@custodian/contracts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { subjectKeysFor } from '../subjects/index.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
let readonly: Caller;
let notice: Notice;
beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  readonly = await t.login(await t.createUser('readonly'));
  notice = await publishTestNotice(t, dpo, { key: 'consents-test', languages: ['en', 'de'] });
});
afterAll(() => t.close());

let n = 0;
async function newContact(body: Record<string, unknown> = {}): Promise<Contact> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as: sales,
    body: {
      firstName: `Person${++n}`,
      emails: [{ value: `consent-${n}-${Date.now()}@example.test` }],
      ...body,
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json<Contact>();
}

const given = (purpose: Purpose, extra: Record<string, unknown> = {}) => ({
  kind: 'given',
  purpose,
  noticeId: notice.id,
  language: 'en',
  method: 'web_form',
  ...extra,
});

async function guard(contactId: string, purpose: Purpose): Promise<ProcessingAnswer> {
  const res = await t.request({
    url: `/api/v1/contacts/${contactId}/may-process?purpose=${purpose}`,
    as: sales,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ProcessingAnswer>();
}
const reasons = async (contactId: string, purpose: Purpose): Promise<RefusalReason[]> =>
  (await guard(contactId, purpose)).reasons;

describe('notices', () => {
  it('publishes numbered versions whose texts carry their SHA-256, and serves the current one publicly', async () => {
    expect(notice.version).toBe(1);
    const en = notice.texts.find((x) => x.language === 'en')!;
    const { createHash } = await import('node:crypto');
    expect(en.sha256).toBe(createHash('sha256').update(en.text, 'utf8').digest('hex'));
    const v2 = await publishTestNotice(t, dpo, { key: 'versioned', purposes: ['newsletter'] });
    const v3 = await publishTestNotice(t, dpo, {
      key: 'versioned',
      purposes: ['newsletter'],
      languages: ['de', 'fr'],
    });
    expect([v2.version, v3.version]).toEqual([1, 2]);
    const current = await t.request({ url: '/api/v1/public/notices/versioned?language=fr-CA' });
    expect(current.statusCode).toBe(200);
    expect(current.json()).toMatchObject({ id: v3.id, version: 2, language: 'fr' });
    const fallback = await t.request({ url: '/api/v1/public/notices/versioned?language=ja' });
    expect(fallback.json()).toMatchObject({ language: 'de' });
    const listed = await t.request({ url: '/api/v1/notices?key=versioned', as: sales });
    expect(listed.json<{ items: Notice[] }>().items.map((x) => x.version)).toEqual([2, 1]);
    expect((await t.request({ url: '/api/v1/public/notices/nosuch' })).statusCode).toBe(404);
  });

  it('lets only the DPO or admin publish, and refuses bad notices field by field', async () => {
    const body = {
      key: 'x-notice',
      name: 'X',
      purposes: ['newsletter'],
      texts: [{ language: 'en', text: 'A notice long enough to read.' }],
    };
    expect((await t.request({ method: 'POST', url: '/api/v1/notices', as: sales, body })).statusCode).toBe(
      403,
    );
    for (const [bad, field] of [
      [{ ...body, key: 'Bad Key' }, 'body.key'],
      [{ ...body, purposes: [] }, 'body.purposes'],
      [{ ...body, purposes: ['gossip'] }, 'body.purposes.0'],
      [
        { ...body, texts: [{ language: 'english', text: 'A notice long enough to read.' }] },
        'body.texts.0.language',
      ],
      [{ ...body, texts: [{ language: 'en', text: 'short' }] }, 'body.texts.0.text'],
      [{ ...body, texts: [body.texts[0], body.texts[0]] }, 'body.texts.1.language'],
    ] as const) {
      const res = await t.request({ method: 'POST', url: '/api/v1/notices', as: dpo, body: bad });
      expectFieldProblem(res, field, JSON.stringify(bad));
    }
  });
});

describe('the consent ledger', () => {
  it('records a consent with its proof, derives the state, and lets it be withdrawn in one call', async () => {
    const c = await newContact();
    const event = await recordEvent(
      t,
      dpo,
      c.id,
      given('newsletter', {
        source: 'https://example.test/signup?email=someone@example.test#top',
        networkAddress: '203.0.113.9',
        userAgent: 'Mozilla/5.0 (test)',
        jurisdiction: 'DE',
      }),
    );
    expect(event).toMatchObject({
      kind: 'given',
      purpose: 'newsletter',
      noticeId: notice.id,
      method: 'web_form',
      // The query of a source URL is dropped: it often carries e-mail addresses.
      source: 'https://example.test/signup',
      proof: { userAgent: 'Mozilla/5.0 (test)', jurisdiction: 'DE' },
    });
    expect(event.proof.networkAddressHash).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(event)).not.toContain('203.0.113.9');
    expect(await reasons(c.id, 'newsletter')).toEqual([]);

    await recordEvent(t, sales, c.id, { kind: 'withdrawn', purpose: 'newsletter', method: 'api' });
    expect(await reasons(c.id, 'newsletter')).toEqual(['consent_withdrawn']);
    const overview = await t.request({ url: `/api/v1/contacts/${c.id}/consents`, as: sales });
    expect(overview.json<ConsentOverview>().purposes).toEqual([
      expect.objectContaining({
        purpose: 'newsletter',
        consent: 'withdrawn',
        objected: false,
        restricted: false,
      }),
    ]);
    const events = await t.request({ url: `/api/v1/contacts/${c.id}/consents/events`, as: dpo });
    expect(events.json<{ items: ConsentEvent[] }>().items.map((e) => e.kind)).toEqual(['withdrawn', 'given']);
  });

  it('masks proof for roles that may not see online identifiers', async () => {
    const c = await newContact();
    await recordEvent(
      t,
      dpo,
      c.id,
      given('newsletter', { userAgent: 'Agent/1', networkAddress: '2001:db8::1' }),
    );
    const asSales = await t.request({ url: `/api/v1/contacts/${c.id}/consents/events`, as: sales });
    const [event] = asSales.json<{ items: ConsentEvent[] }>().items;
    expect(event!.proof.userAgent).toBe('[restricted]');
    expect(event!.restricted).toEqual(expect.arrayContaining(['userAgent', 'networkAddressHash']));
  });

  it('refuses an UPDATE, DELETE or TRUNCATE of the ledger, and allows a DELETE only after erasure', async () => {
    const c = await newContact();
    const event = await recordEvent(t, dpo, c.id, given('newsletter'));
    const db = t.database.db;
    await expect(
      db.execute(sql`update consent_events set kind = 'withdrawn' where id = ${event.id}`),
    ).rejects.toThrow();
    await expect(db.execute(sql`delete from consent_events where id = ${event.id}`)).rejects.toThrow();
    await expect(db.execute(sql`truncate consent_events`)).rejects.toThrow();
    const [row] = await queryRows<{ kind: string }>(
      db,
      sql`select kind from consent_events where id = ${event.id}`,
    );
    expect(row?.kind).toBe('given');
    const del = await t.request({ method: 'DELETE', url: `/api/v1/contacts/${c.id}`, as: dpo });
    expect(del.statusCode).toBe(204);
    await db.execute(sql`delete from consent_events where id = ${event.id}`);
  });

  it('moves a merged contact’s choices onto the survivor, with their proof', async () => {
    const keep = await newContact();
    const other = await newContact();
    await recordEvent(t, dpo, other.id, given('newsletter', { userAgent: 'Merged/1' }));
    await recordEvent(t, dpo, other.id, { kind: 'objected', purpose: 'profiling', method: 'verbal' });
    const merged = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${keep.id}/merge`,
      as: dpo,
      body: { otherId: other.id, take: {} },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(await reasons(keep.id, 'newsletter')).toEqual([]);
    expect(await reasons(keep.id, 'profiling')).toEqual(['objection']);
    const events = (await t.request({ url: `/api/v1/contacts/${keep.id}/consents/events`, as: dpo })).json<{
      items: ConsentEvent[];
    }>().items;
    expect(events.every((e) => e.mergedFrom !== null)).toBe(true);
    expect(events.find((e) => e.kind === 'given')?.proof.userAgent).toBe('Merged/1');
  });

  it('answers bad events with problem+json naming the field', async () => {
    const c = await newContact();
    const other = await newContact();
    const foreign = await recordEvent(t, dpo, other.id, given('newsletter'));
    const newsletterOnly = await publishTestNotice(t, dpo, {
      key: 'newsletter-only',
      purposes: ['newsletter'],
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...given('newsletter'), kind: 'liked' }, 'body.kind'],
      [{ ...given('gossip' as Purpose) }, 'body.purpose'],
      [{ ...given('newsletter'), noticeId: undefined }, 'body.noticeId'],
      [{ ...given('newsletter'), noticeId: '00000000-0000-4000-8000-000000000999' }, 'body.noticeId'],
      [{ ...given('marketing_email'), noticeId: newsletterOnly.id }, 'body.noticeId'],
      [{ ...given('newsletter'), language: 'fr' }, 'body.language'],
      [{ ...given('newsletter'), method: 'telepathy' }, 'body.method'],
      [{ ...given('newsletter'), networkAddress: 'not-an-ip' }, 'body.networkAddress'],
      [{ ...given('newsletter'), jurisdiction: 'Germany' }, 'body.jurisdiction'],
      [{ ...given('newsletter'), occurredAt: '2999-01-01T00:00:00Z' }, 'body.occurredAt'],
      [{ ...given('newsletter'), occurredAt: '2001-01-01T00:00:00Z' }, 'body.occurredAt'],
      [{ ...given('newsletter'), ageCheck: { method: 'guess', age: 12 } }, 'body.ageCheck.method'],
      [{ kind: 'confirmed', purpose: 'newsletter', method: 'api', relatesTo: foreign.id }, 'body.relatesTo'],
      [{ kind: 'confirmed', purpose: 'newsletter', method: 'api' }, 'body.relatesTo'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${c.id}/consents/events`,
        as: dpo,
        body,
      });
      expectFieldProblem(res, field, JSON.stringify(body));
    }
    const missing = await t.request({
      method: 'POST',
      url: '/api/v1/contacts/00000000-0000-4000-8000-000000000999/consents/events',
      as: dpo,
      body: given('newsletter'),
    });
    expect(missing.statusCode).toBe(404);
    const forbidden = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${c.id}/consents/events`,
      as: readonly,
      body: given('newsletter'),
    });
    expect(forbidden.statusCode).toBe(403);
    const events = await t.request({ url: `/api/v1/contacts/${c.id}/consents/events?limit=0`, as: dpo });
    expect(events.json<Problem>().errors?.[0]?.field).toBe('querystring.limit');
  });
});

describe('the processing guard', () => {
  it('refuses without consent, while pending, after withdrawal, refusal or expiry', async () => {
    const c = await newContact();
    expect(await guard(c.id, 'marketing_email')).toMatchObject({
      allowed: false,
      lawfulBasis: 'consent',
      reasons: ['no_consent'],
    });
    const pending = await recordEvent(t, dpo, c.id, { ...given('marketing_email'), kind: 'pending' });
    expect(await reasons(c.id, 'marketing_email')).toEqual(['consent_pending']);
    await recordEvent(t, dpo, c.id, {
      kind: 'expired',
      purpose: 'marketing_email',
      method: 'api',
      relatesTo: pending.id,
    });
    expect(await reasons(c.id, 'marketing_email')).toEqual(['consent_expired']);
    await recordEvent(t, dpo, c.id, { ...given('marketing_email'), kind: 'refused' });
    expect(await reasons(c.id, 'marketing_email')).toEqual(['consent_refused']);
    const again = await recordEvent(t, dpo, c.id, { ...given('marketing_email'), kind: 'pending' });
    await recordEvent(t, dpo, c.id, {
      kind: 'confirmed',
      purpose: 'marketing_email',
      method: 'api',
      relatesTo: again.id,
    });
    expect(await guard(c.id, 'marketing_email')).toMatchObject({ allowed: true, reasons: [] });
  });

  it('treats consent under a replaced notice as stale when the new version requires re-consent', async () => {
    const key = `stale-${Date.now()}`;
    const v1 = await publishTestNotice(t, dpo, { key, purposes: ['newsletter', 'analytics'] });
    const c = await newContact();
    await recordEvent(t, dpo, c.id, { ...given('newsletter'), noticeId: v1.id });
    await publishTestNotice(t, dpo, { key, purposes: ['newsletter'], requiresReconsent: false });
    expect(await reasons(c.id, 'newsletter')).toEqual([]);
    const v3 = await publishTestNotice(t, dpo, { key, purposes: ['newsletter'], requiresReconsent: true });
    expect(await reasons(c.id, 'newsletter')).toEqual(['consent_stale']);
    const overview = (
      await t.request({ url: `/api/v1/contacts/${c.id}/consents`, as: sales })
    ).json<ConsentOverview>();
    expect(overview.purposes.find((p) => p.purpose === 'newsletter')?.stale).toBe(true);
    await recordEvent(t, dpo, c.id, { ...given('newsletter'), noticeId: v3.id });
    expect(await reasons(c.id, 'newsletter')).toEqual([]);
  });

  it('needs parental consent below the age of digital consent of the jurisdiction', async () => {
    const c = await newContact();
    await recordEvent(
      t,
      dpo,
      c.id,
      given('newsletter', { jurisdiction: 'DE', ageCheck: { method: 'self_declared', age: 15 } }),
    );
    expect(await reasons(c.id, 'newsletter')).toEqual(['under_age']);
    await recordEvent(
      t,
      dpo,
      c.id,
      given('newsletter', {
        jurisdiction: 'DE',
        ageCheck: { method: 'self_declared', age: 15 },
        parentalConsentReference: 'parental-form-77',
      }),
    );
    expect(await reasons(c.id, 'newsletter')).toEqual([]);
    // 15 is of age in France (the test server sets FR=15), 13 in Belgium by default.
    const french = await newContact();
    await recordEvent(
      t,
      dpo,
      french.id,
      given('newsletter', { jurisdiction: 'FR', ageCheck: { method: 'date_of_birth', age: 15 } }),
    );
    expect(await reasons(french.id, 'newsletter')).toEqual([]);
    const belgian = await newContact();
    await recordEvent(
      t,
      dpo,
      belgian.id,
      given('newsletter', { jurisdiction: 'BE', ageCheck: { method: 'self_declared', age: 12 } }),
    );
    expect(await reasons(belgian.id, 'newsletter')).toEqual(['under_age']);
  });

  it('honours objections where Art. 21 reaches, and restrictions except for legal obligations', async () => {
    const c = await newContact({ lifecycleStage: 'customer' });
    expect(await reasons(c.id, 'sales_follow_up')).toEqual([]);
    await recordEvent(t, dpo, c.id, { kind: 'objected', purpose: 'sales_follow_up', method: 'verbal' });
    await recordEvent(t, dpo, c.id, { kind: 'objected', purpose: 'contract_fulfilment', method: 'verbal' });
    expect(await reasons(c.id, 'sales_follow_up')).toEqual(['objection']);
    // An objection does not reach processing a contract requires.
    expect(await reasons(c.id, 'contract_fulfilment')).toEqual([]);
    await recordEvent(t, dpo, c.id, {
      kind: 'objection_withdrawn',
      purpose: 'sales_follow_up',
      method: 'verbal',
    });
    expect(await reasons(c.id, 'sales_follow_up')).toEqual([]);
    await recordEvent(t, dpo, c.id, { kind: 'restricted', purpose: 'sales_follow_up', method: 'staff' });
    await recordEvent(t, dpo, c.id, { kind: 'restricted', purpose: 'legal_obligation', method: 'staff' });
    expect(await reasons(c.id, 'sales_follow_up')).toEqual(['restriction']);
    expect(await reasons(c.id, 'legal_obligation')).toEqual([]);
    await recordEvent(t, dpo, c.id, {
      kind: 'restriction_lifted',
      purpose: 'sales_follow_up',
      method: 'staff',
    });
    expect(await reasons(c.id, 'sales_follow_up')).toEqual([]);
  });

  it('finds no lawful basis for contract processing of someone without a contract', async () => {
    const lead = await newContact({ lifecycleStage: 'lead' });
    expect(await guard(lead.id, 'contract_fulfilment')).toMatchObject({
      lawfulBasis: 'contract',
      allowed: false,
      reasons: ['no_lawful_basis'],
    });
    // A won deal is a contract; so is being a customer.
    const deal = await t.request({
      method: 'POST',
      url: '/api/v1/deals',
      as: sales,
      body: {
        title: 'Won deal',
        pipelineId: '00000000-0000-4000-8000-000000000001',
        stageId: '00000000-0000-4000-8000-000000000015',
        contactIds: [lead.id],
      },
    });
    expect(deal.statusCode, deal.body).toBe(201);
    expect(await reasons(lead.id, 'contract_fulfilment')).toEqual([]);
    const customer = await newContact({ lifecycleStage: 'customer' });
    expect(await reasons(customer.id, 'contract_fulfilment')).toEqual([]);
  });

  it('honours the CCPA opt-out of sale or sharing and the limit on sensitive data', async () => {
    await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/analytics',
      as: dpo,
      body: { ccpaSaleOrSharing: true },
    });
    const special = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/customer_support',
      as: dpo,
      body: { categories: ['identity', 'special'], art9Condition: 'vital_interests' },
    });
    expect(special.statusCode, special.body).toBe(200);
    // A customer: customer support rests on the contract.
    const c = await newContact({ lifecycleStage: 'customer' });
    expect(await reasons(c.id, 'analytics')).toEqual([]);
    expect(await reasons(c.id, 'customer_support')).toEqual([]);
    await recordEvent(t, dpo, c.id, { kind: 'sale_sharing_opted_out', method: 'portal' });
    await recordEvent(t, dpo, c.id, { kind: 'sensitive_use_limited', method: 'portal' });
    expect(await reasons(c.id, 'analytics')).toEqual(['opted_out_of_sale_or_sharing']);
    expect(await reasons(c.id, 'customer_support')).toEqual(['sensitive_use_limited']);
    expect(await reasons(c.id, 'sales_follow_up')).toEqual([]);
    const overview = (
      await t.request({ url: `/api/v1/contacts/${c.id}/consents`, as: sales })
    ).json<ConsentOverview>();
    expect(overview.choices).toEqual({ optedOutOfSaleOrSharing: true, limitedSensitiveUse: true });
    await recordEvent(t, dpo, c.id, { kind: 'sale_sharing_opted_in', method: 'portal' });
    expect(await reasons(c.id, 'analytics')).toEqual([]);
    await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/analytics',
      as: dpo,
      body: { ccpaSaleOrSharing: false },
    });
    await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/customer_support',
      as: dpo,
      body: { categories: ['identity', 'contact'], art9Condition: null },
    });
  });

  it('answers erased for someone whose key was shredded, every reason at once otherwise', async () => {
    const c = await newContact();
    await recordEvent(t, dpo, c.id, { kind: 'objected', purpose: 'marketing_email', method: 'verbal' });
    await recordEvent(t, dpo, c.id, { kind: 'restricted', purpose: 'marketing_email', method: 'staff' });
    expect(await reasons(c.id, 'marketing_email')).toEqual(['no_consent', 'objection', 'restriction']);
    const [row] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from contacts where id = ${c.id}`,
    );
    await subjectKeysFor(t.keys).shred(t.database.db, row!.subject_id);
    expect(await reasons(c.id, 'marketing_email')).toEqual(['erased']);
    const missing = await t.request({
      url: '/api/v1/contacts/00000000-0000-4000-8000-000000000999/may-process?purpose=newsletter',
      as: sales,
    });
    expect(missing.statusCode).toBe(404);
    const bad = await t.request({ url: `/api/v1/contacts/${c.id}/may-process?purpose=gossip`, as: sales });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>().errors?.[0]?.field).toBe('querystring.purpose');
  });

  it('answers a list or a segment in one call, as the single guard does', async () => {
    const tag = `guard-${Date.now()}`;
    const people = [
      await newContact({ tags: [tag] }),
      await newContact({ tags: [tag] }),
      await newContact({ tags: [tag] }),
    ];
    await recordEvent(t, dpo, people[0]!.id, given('newsletter'));
    await recordEvent(t, dpo, people[2]!.id, given('newsletter'));
    await recordEvent(t, dpo, people[2]!.id, { kind: 'objected', purpose: 'newsletter', method: 'verbal' });
    const byIds = await t.request({
      method: 'POST',
      url: '/api/v1/contacts/may-process',
      as: sales,
      body: { purpose: 'newsletter', contactIds: people.map((p) => p.id) },
    });
    expect(byIds.statusCode, byIds.body).toBe(200);
    const answer = byIds.json<{ allowedCount: number; refusedCount: number; items: ProcessingAnswer[] }>();
    // Written without the zod pass (unvalidatedAnswer): it must still be exactly what the contract says.
    expect(batchMayProcess.response[200].strict().parse(answer)).toEqual(answer);
    for (const item of answer.items)
      expect(Object.keys(item).sort()).toEqual(['allowed', 'contactId', 'reasons']);
    expect([answer.allowedCount, answer.refusedCount]).toEqual([1, 2]);
    expect(answer.items.map((i) => i.contactId)).toEqual(people.map((p) => p.id));
    // Asked in another order, with an id twice (once in capitals) and one unknown: answered in the order asked, once.
    const reordered = await t.request({
      method: 'POST',
      url: '/api/v1/contacts/may-process',
      as: sales,
      body: {
        purpose: 'newsletter',
        contactIds: [
          people[2]!.id,
          '00000000-0000-4000-8000-000000000999',
          people[0]!.id.toUpperCase(),
          people[1]!.id,
          people[0]!.id,
        ],
      },
    });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(reordered.json<{ items: ProcessingAnswer[] }>().items.map((i) => i.contactId)).toEqual(
      [people[2]!, people[0]!, people[1]!].map((p) => p.id),
    );
    for (const p of people) {
      const single = await guard(p.id, 'newsletter');
      expect(answer.items.find((i) => i.contactId === p.id)).toEqual({
        contactId: p.id,
        allowed: single.allowed,
        reasons: single.reasons,
      });
    }
    const tagRow = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from tags where name = ${tag}`,
    );
    const bySegment = await t.request({
      method: 'POST',
      url: '/api/v1/contacts/may-process',
      as: sales,
      body: { purpose: 'newsletter', segment: { tagId: tagRow[0]!.id } },
    });
    const byId = (a: { contactId: string }, b: { contactId: string }) =>
      a.contactId.localeCompare(b.contactId);
    expect(bySegment.json<{ items: ProcessingAnswer[] }>().items.sort(byId)).toEqual(
      [...answer.items].sort(byId),
    );
    for (const body of [
      { purpose: 'newsletter' },
      { purpose: 'newsletter', contactIds: [people[0]!.id], segment: {} },
      { purpose: 'newsletter', contactIds: ['nope'] },
      { purpose: 'gossip', contactIds: [people[0]!.id] },
    ]) {
      const res = await t.request({ method: 'POST', url: '/api/v1/contacts/may-process', as: sales, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('consent receipts', () => {
  const schema = createRequire(import.meta.url)('@custodian/contracts/schemas/consent-receipt.schema.json');
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it('gives an ISO/IEC TS 27560 receipt that validates against the JSON Schema, and a readable page', async () => {
    const c = await newContact();
    const pending = await recordEvent(
      t,
      dpo,
      c.id,
      given('newsletter', {
        kind: 'pending',
        language: 'de',
        jurisdiction: 'DE',
        parentalConsentReference: 'p-1',
      }),
    );
    const confirmed = await recordEvent(t, dpo, c.id, {
      kind: 'confirmed',
      purpose: 'newsletter',
      method: 'double_opt_in_email',
      relatesTo: pending.id,
    });
    const withdrawn = await recordEvent(t, dpo, c.id, {
      kind: 'withdrawn',
      purpose: 'newsletter',
      method: 'portal',
    });
    for (const [event, state] of [
      [pending, 'dpv:ConsentRequested'],
      [confirmed, 'dpv:ConsentGiven'],
      [withdrawn, 'dpv:ConsentWithdrawn'],
    ] as const) {
      const res = await t.request({ url: `/api/v1/contacts/${c.id}/consents/${event.id}/receipt`, as: dpo });
      expect(res.statusCode, res.body).toBe(200);
      const receipt = res.json<ConsentReceipt>();
      expect(validate(receipt), JSON.stringify(validate.errors)).toBe(true);
      expect(receipt).toMatchObject({
        record_id: event.id,
        language: 'de',
        jurisdiction: event === pending ? ['DE'] : ['EU'],
        privacy_notice: {
          notice_id: notice.id,
          version: 1,
          sha256: notice.texts.find((x) => x.language === 'de')!.sha256,
        },
        pii_controllers: [{ party_name: 'Example Ltd', party_role: 'dpv:DataController' }],
        purposes: [{ purpose: 'newsletter', lawful_basis: ['dpv:Consent', 'eu-gdpr:A6-1-a'] }],
        event: { event_state: state },
      });
    }
    const page = await t.request({
      url: `/api/v1/contacts/${c.id}/consents/${pending.id}/receipt.html`,
      as: dpo,
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Consent requested');
    expect(page.body).toContain(notice.texts.find((x) => x.language === 'de')!.text);

    // The schema is not a rubber stamp: a receipt missing a mandatory field, or with a wrong state, fails.
    const good = (
      await t.request({ url: `/api/v1/contacts/${c.id}/consents/${confirmed.id}/receipt`, as: dpo })
    ).json<ConsentReceipt>();
    const { pii_principal_id: _dropped, ...missing } = good;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...good, event: { ...good.event, event_state: 'granted' } })).toBe(false);
  });

  it('has receipts for consent events only, and none for another person’s event', async () => {
    const c = await newContact();
    const other = await newContact();
    const objection = await recordEvent(t, dpo, c.id, {
      kind: 'objected',
      purpose: 'newsletter',
      method: 'verbal',
    });
    const theirs = await recordEvent(t, dpo, other.id, given('newsletter'));
    const res = await t.request({
      url: `/api/v1/contacts/${c.id}/consents/${objection.id}/receipt`,
      as: dpo,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toBe('params.eventId');
    const foreign = await t.request({
      url: `/api/v1/contacts/${c.id}/consents/${theirs.id}/receipt`,
      as: dpo,
    });
    expect(foreign.statusCode).toBe(404);
    const bad = await t.request({ url: `/api/v1/contacts/${c.id}/consents/not-a-uuid/receipt`, as: dpo });
    expect(bad.json<Problem>().errors?.[0]?.field).toBe('params.eventId');
  });
});
