import { randomBytes } from 'node:crypto';
import type {
  Activity,
  Contact,
  CreateRetentionPolicyInput,
  Deal,
  DsrRequest,
  Inventory,
  LegalHold,
  Notice,
  Pipeline,
  RetentionPolicy,
  RetentionPreview,
  RetentionRun,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalog } from '../catalog/declarations.js';
import { sealAll, verifyAuditChain } from '../modules/audit/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { systemContext } from '../platform/access.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import { queryRows } from '../platform/db/database.js';
import { giveConsent, publishTestNotice, recordEvent } from '../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { expectFieldProblem } from '../test/problem.js';
import { runRetentionSweep } from './run-retention.js';

let t: TestContext;
let admin: Caller;
let dpo: Caller;
let sales: Caller;
let notice: Notice;
let pipeline: Pipeline;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  notice = await publishTestNotice(t, dpo);
  pipeline = (await call<{ items: Pipeline[] }>('GET', '/api/v1/pipelines', sales)).items[0]!;
  for (const [key, category] of [
    ['campaign_score', 'behavioural'],
    ['nickname', 'identity'],
  ] as const) {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/custom-fields',
      as: admin,
      body: { entity: 'contact', key, label: key, type: 'text', category },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => t.close());

async function call<T>(method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.body ? res.json() : null) as T;
}
const post = <T>(url: string, body: unknown, as = sales) => call<T>('POST', url, as, body);

const day = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * day).toISOString();
const word = () => randomBytes(4).toString('hex');

const newContact = (body: Record<string, unknown> = {}) =>
  post<Contact>('/api/v1/contacts', {
    firstName: `Ret${word()}`,
    lastName: `Tent${word()}`,
    emails: [{ value: `ret-${word()}@example.test` }],
    lifecycleStage: 'lead',
    ...body,
  });

/** Moves a record's time back, as if it had been written `days` ago. */
async function backdate(
  table: 'contacts' | 'activities' | 'dsr_requests',
  column: string,
  id: string,
  days: number,
) {
  await t.database.db.execute(
    sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = now() - ${`${days} days`}::interval where id = ${id}`,
  );
}

const policy = (body: Partial<CreateRetentionPolicyInput>) =>
  post<RetentionPolicy>(
    '/api/v1/retention/policies',
    {
      name: `Policy ${word()}`,
      target: 'contact',
      trigger: 'created',
      period: { amount: 30, unit: 'days' },
      action: 'crypto_shred',
      enabled: false,
      ...body,
    },
    dpo,
  );

async function preview(policyIds: string[], asOf?: string): Promise<RetentionPreview> {
  return post<RetentionPreview>(
    '/api/v1/retention/preview',
    { policyIds, limit: 10_000, ...(asOf ? { asOf } : {}) },
    dpo,
  );
}
const dueIds = async (policyId: string, asOf?: string) =>
  new Set((await preview([policyId], asOf)).items.map((i) => i.id));

/** The sweep's view: only the named policies enabled. */
async function onlyEnabled(ids: string[]) {
  await t.database.db.execute(
    sql`update retention_policies set enabled = (id = any(${`{${ids.join(',')}}`}::uuid[]))`,
  );
}
const sweep = (batchSize = 50) =>
  runRetentionSweep(
    {
      database: t.database,
      db: t.database.db,
      keys: t.keys,
      subjects: subjectKeysFor(t.keys),
      indexer: indexerFor(t.keys),
      ctx: systemContext('test'),
    },
    { origin: 'api', batchSize },
  ) as Promise<RetentionRun>;

const exists = async (table: string, id: string) =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where id = ${id}`,
    )
  )[0]!.n === 1;

describe('retention policies', () => {
  it('ships the defaults: inactive leads, withdrawn marketing consent, former customers, closed requests, the audit trail', async () => {
    const { items } = await call<{ items: RetentionPolicy[] }>('GET', '/api/v1/retention/policies', dpo);
    const shipped = items.filter((p) => p.shipped);
    expect(shipped.map((p) => [p.target, p.trigger, p.period, p.action])).toEqual([
      ['contact', 'last_activity', { amount: 24, unit: 'months' }, 'crypto_shred'],
      ['contact', 'consent_withdrawn', { amount: 30, unit: 'days' }, 'crypto_shred'],
      ['contact', 'consent_withdrawn', { amount: 30, unit: 'days' }, 'delete_fields'],
      ['contact', 'contract_end', { amount: 10, unit: 'years' }, 'crypto_shred'],
      ['request', 'request_closed', { amount: 3, unit: 'years' }, 'delete_record'],
      ['audit_entry', 'created', { amount: 6, unit: 'years' }, 'delete_record'],
    ]);
    expect(shipped[0]).toMatchObject({ lifecycleStages: ['lead'], onlyWithoutConsent: true });
  });

  it('are created, changed and deleted by the DPO or an admin only, and audited', async () => {
    const created = await policy({
      name: 'Old notes',
      target: 'activity',
      trigger: 'created',
      action: 'delete_record',
      period: { amount: 5, unit: 'years' },
    });
    expect(created).toMatchObject({
      target: 'activity',
      enabled: false,
      shipped: false,
      exemptions: { tagIds: [], openDeals: false },
    });
    const forbidden = await t.request({
      method: 'POST',
      url: '/api/v1/retention/policies',
      as: sales,
      body: {
        name: 'x',
        target: 'activity',
        trigger: 'created',
        period: { amount: 1, unit: 'years' },
        action: 'delete_record',
      },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/retention/policies', as: sales })).statusCode,
    ).toBe(403);
    const changed = await call<RetentionPolicy>('PATCH', `/api/v1/retention/policies/${created.id}`, admin, {
      period: { amount: 6, unit: 'years' },
    });
    expect(changed.period).toEqual({ amount: 6, unit: 'years' });
    await call('DELETE', `/api/v1/retention/policies/${created.id}`, dpo);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/retention/policies/${created.id}`, as: dpo }))
        .statusCode,
    ).toBe(404);
    const actions = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_entries where entity_type = 'retentionPolicy' and entity_id = ${created.id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'retention.policy.create',
      'retention.policy.update',
      'retention.policy.delete',
    ]);
  });

  it('refuses policies that do not hold together, naming the field', async () => {
    const base = {
      name: 'x',
      target: 'contact',
      trigger: 'created',
      period: { amount: 1, unit: 'years' },
      action: 'crypto_shred',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, trigger: 'request_closed' }, 'body.trigger'],
      [{ ...base, action: 'delete_record' }, 'body.action'],
      [
        { ...base, target: 'activity', action: 'delete_record', lifecycleStages: ['lead'] },
        'body.lifecycleStages',
      ],
      [{ ...base, trigger: 'consent_withdrawn' }, 'body.purposes'],
      [{ ...base, action: 'delete_fields' }, 'body.categories'],
      [{ ...base, categories: ['identity'] }, 'body.categories'],
      [{ ...base, period: { amount: 0, unit: 'days' } }, 'body.period.amount'],
      [{ ...base, period: { amount: 3, unit: 'weeks' } }, 'body.period.unit'],
      [{ ...base, target: 'everything' }, 'body.target'],
      [{ ...base, exemptions: { tagIds: [crypto.randomUUID()] } }, 'body.exemptions.tagIds'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request({ method: 'POST', url: '/api/v1/retention/policies', as: dpo, body });
      expectFieldProblem(res, field);
    }
    const id = (await policy({})).id;
    const patch = await t.request({
      method: 'PATCH',
      url: `/api/v1/retention/policies/${id}`,
      as: dpo,
      body: { action: 'delete_record' },
    });
    expectFieldProblem(patch, 'body.action');
    const unknown = await t.request({
      method: 'PATCH',
      url: `/api/v1/retention/policies/${id}`,
      as: dpo,
      body: { target: 'request' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('may not end a legal obligation sooner than its legal minimum without a recorded reason', async () => {
    const short = {
      name: 'Requests after a year',
      target: 'request',
      trigger: 'request_closed',
      period: { amount: 12, unit: 'months' },
      action: 'delete_record',
      enabled: false,
    };
    const refused = await t.request({
      method: 'POST',
      url: '/api/v1/retention/policies',
      as: dpo,
      body: short,
    });
    expectFieldProblem(refused, 'body.period');
    expect(refused.json<{ errors: { issue: string }[] }>().errors[0]!.issue).toContain(
      'data_subject_rights (24 months)',
    );
    const withReason = await post<RetentionPolicy>(
      '/api/v1/retention/policies',
      { ...short, shortenedReason: 'Decision DPO-2026-14: no CCPA requests' },
      dpo,
    );
    expect(withReason.shortenedReason).toBe('Decision DPO-2026-14: no CCPA requests');
    // A purpose's minimum is data: the DPO sets it, and only on a legal obligation.
    const invoices = {
      name: 'Invoices',
      target: 'contact',
      trigger: 'contract_end',
      period: { amount: 6, unit: 'years' },
      action: 'crypto_shred',
      purposes: ['legal_obligation'],
      enabled: false,
    };
    expectFieldProblem(
      await t.request({ method: 'POST', url: '/api/v1/retention/policies', as: dpo, body: invoices }),
      'body.period',
    );
    await call('PATCH', '/api/v1/purposes/legal_obligation', dpo, { minimumRetentionMonths: 72 });
    expect((await post<RetentionPolicy>('/api/v1/retention/policies', invoices, dpo)).period.amount).toBe(6);
    const wrong = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/newsletter',
      as: dpo,
      body: { minimumRetentionMonths: 12 },
    });
    expectFieldProblem(wrong, 'body.minimumRetentionMonths');
    // Shortening a policy below the minimum later is refused the same way.
    const id = (
      await post<RetentionPolicy>(
        '/api/v1/retention/policies',
        { ...invoices, period: { amount: 10, unit: 'years' } },
        dpo,
      )
    ).id;
    expectFieldProblem(
      await t.request({
        method: 'PATCH',
        url: `/api/v1/retention/policies/${id}`,
        as: dpo,
        body: { period: { amount: 5, unit: 'years' } },
      }),
      'body.period',
    );
  });
});

describe('policy evaluation (the preview)', () => {
  it('created: due once the period has passed since the record was created', async () => {
    const p = await policy({ trigger: 'created', period: { amount: 30, unit: 'days' } });
    const c = await newContact();
    expect((await dueIds(p.id, daysFromNow(29))).has(c.id)).toBe(false);
    expect((await dueIds(p.id, daysFromNow(31))).has(c.id)).toBe(true);
  });

  it('last_activity: from the latest activity, or creation when there is none', async () => {
    const p = await policy({ trigger: 'last_activity', period: { amount: 90, unit: 'days' } });
    const quiet = await newContact();
    const active = await newContact();
    await backdate('contacts', 'created_at', quiet.id, 100);
    await backdate('contacts', 'created_at', active.id, 100);
    await post<Activity>('/api/v1/activities', {
      type: 'call',
      occurredAt: daysFromNow(-10),
      body: 'Follow-up',
      contactIds: [active.id],
    });
    const due = await dueIds(p.id);
    expect(due.has(quiet.id)).toBe(true);
    expect(due.has(active.id)).toBe(false);
    expect((await dueIds(p.id, daysFromNow(81))).has(active.id)).toBe(true);
  });

  it('consent_withdrawn: from the withdrawal, while none of the purposes has consent again', async () => {
    const p = await policy({
      trigger: 'consent_withdrawn',
      purposes: ['marketing_email', 'newsletter'],
      period: { amount: 30, unit: 'days' },
    });
    const withdrew = await newContact();
    const stillNewsletter = await newContact();
    const never = await newContact();
    for (const c of [withdrew, stillNewsletter]) {
      await giveConsent(t, sales, c.id, 'marketing_email', notice);
      await recordEvent(t, sales, c.id, {
        kind: 'withdrawn',
        purpose: 'marketing_email',
        method: 'web_form',
      });
    }
    await giveConsent(t, sales, stillNewsletter.id, 'newsletter', notice);
    expect((await dueIds(p.id, daysFromNow(29))).has(withdrew.id)).toBe(false);
    const due = await dueIds(p.id, daysFromNow(31));
    expect(due.has(withdrew.id)).toBe(true);
    expect(due.has(stillNewsletter.id)).toBe(false);
    expect(due.has(never.id)).toBe(false);
  });

  it('consent_expired: from the expiry', async () => {
    const p = await policy({
      trigger: 'consent_expired',
      purposes: ['newsletter'],
      period: { amount: 7, unit: 'days' },
    });
    const c = await newContact();
    const given = await giveConsent(t, sales, c.id, 'newsletter', notice);
    await recordEvent(t, sales, c.id, {
      kind: 'expired',
      purpose: 'newsletter',
      relatesTo: given.id,
      method: 'staff',
    });
    expect((await dueIds(p.id, daysFromNow(6))).has(c.id)).toBe(false);
    expect((await dueIds(p.id, daysFromNow(8))).has(c.id)).toBe(true);
  });

  it('contract_end: from the close of the last deal, once one was won and none is open', async () => {
    const p = await policy({
      trigger: 'contract_end',
      period: { amount: 1, unit: 'years' },
      lifecycleStages: [],
    });
    const won = pipeline.stages.find((s) => s.kind === 'won')!;
    const lost = pipeline.stages.find((s) => s.kind === 'lost')!;
    const open = pipeline.stages.find((s) => s.kind === 'open')!;
    const customer = await newContact({ lifecycleStage: 'former' });
    const stillOpen = await newContact({ lifecycleStage: 'customer' });
    const onlyLost = await newContact({ lifecycleStage: 'prospect' });
    const deal = (contactIds: string[], stageId: string) =>
      post<Deal>('/api/v1/deals', { title: `Deal ${word()}`, pipelineId: pipeline.id, stageId, contactIds });
    await deal([customer.id], won.id);
    await deal([stillOpen.id], won.id);
    await deal([stillOpen.id], open.id);
    await deal([onlyLost.id], lost.id);
    const due = await dueIds(p.id, daysFromNow(367));
    expect(due.has(customer.id)).toBe(true);
    expect(due.has(stillOpen.id)).toBe(false);
    expect(due.has(onlyLost.id)).toBe(false);
    expect((await dueIds(p.id, daysFromNow(360))).has(customer.id)).toBe(false);
  });

  it('request_closed: closed requests only, never an open one', async () => {
    const p = await policy({
      target: 'request',
      trigger: 'request_closed',
      action: 'delete_record',
      period: { amount: 3, unit: 'years' },
    });
    const closed = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'access', requester: { email: `req-${word()}@example.test` } },
      dpo,
    );
    await post(`/api/v1/requests/${closed.id}/reject`, { reason: 'identity_not_verified' }, dpo);
    await post(`/api/v1/requests/${closed.id}/close`, {}, dpo);
    const open = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'access', requester: { email: `req-${word()}@example.test` } },
      dpo,
    );
    const due = await dueIds(p.id, daysFromNow(3 * 366));
    expect(due.has(closed.id)).toBe(true);
    expect(due.has(open.id)).toBe(false);
    const created = await policy({
      target: 'request',
      trigger: 'created',
      action: 'delete_record',
      period: { amount: 3, unit: 'years' },
    });
    expect((await dueIds(created.id, daysFromNow(3 * 366))).has(open.id)).toBe(false);
  });

  it('activities: from when they happened', async () => {
    const p = await policy({
      target: 'activity',
      trigger: 'created',
      action: 'delete_record',
      period: { amount: 5, unit: 'years' },
    });
    const c = await newContact();
    const old = await post<Activity>('/api/v1/activities', {
      type: 'note',
      occurredAt: daysFromNow(-6 * 366),
      body: 'Old note',
      contactIds: [c.id],
    });
    const recent = await post<Activity>('/api/v1/activities', {
      type: 'note',
      body: 'New note',
      contactIds: [c.id],
    });
    const due = await dueIds(p.id);
    expect(due.has(old.id)).toBe(true);
    expect(due.has(recent.id)).toBe(false);
  });

  it('scope: lifecycle stages and "only without consent"', async () => {
    const p = await policy({ lifecycleStages: ['lead'], onlyWithoutConsent: true });
    const lead = await newContact();
    const customer = await newContact({ lifecycleStage: 'customer' });
    const consenting = await newContact();
    await giveConsent(t, sales, consenting.id, 'analytics', notice);
    const due = await dueIds(p.id, daysFromNow(31));
    expect(due.has(lead.id)).toBe(true);
    expect(due.has(customer.id)).toBe(false);
    expect(due.has(consenting.id)).toBe(false);
  });

  it('legal holds and exemptions keep records, and the preview counts them apart', async () => {
    const keepName = `keep-${word()}`;
    const tagged = await newContact({ tags: [keepName] });
    const [keep] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from tags where name = ${keepName}`,
    );
    const p = await policy({ exemptions: { tagIds: [keep!.id], openDeals: true } });
    const plain = await newContact();
    const held = await newContact();
    const inDeal = await newContact();
    await post<Deal>('/api/v1/deals', {
      title: 'Open',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      contactIds: [inDeal.id],
    });
    const hold = await post<LegalHold>(
      `/api/v1/contacts/${held.id}/legal-holds`,
      { ground: 'legal_claims', purpose: 'legal_obligation', fields: ['lastName'], reference: 'Case 7' },
      dpo,
    );
    const mine = new Set([plain.id, held.id, tagged.id, inDeal.id]);
    const asOf = daysFromNow(31);
    const view = await preview([p.id], asOf);
    expect(view.items.map((i) => i.id).filter((id) => mine.has(id))).toEqual([plain.id]);
    const report = view.policies[0]!;
    expect(report.held).toBeGreaterThanOrEqual(1);
    expect(report.exempt).toBeGreaterThanOrEqual(2);
    expect(report.due).toBe(view.items.length);
    expect(report.categories.map((c) => c.category)).toEqual(expect.arrayContaining(['identity', 'contact']));
    const item = view.items.find((i) => i.id === plain.id)!;
    expect(item).toMatchObject({
      policyId: p.id,
      target: 'contact',
      action: 'crypto_shred',
      trigger: 'created',
    });
    expect(new Date(item.dueAt).getTime() - new Date(item.triggeredAt).getTime()).toBe(30 * day);
    // Lifted, the hold no longer keeps them.
    await post(`/api/v1/legal-holds/${hold.id}/lift`, {}, dpo);
    expect((await dueIds(p.id, asOf)).has(held.id)).toBe(true);
  });

  it('delete_fields: due only while data of its categories is there', async () => {
    const p = await policy({
      action: 'delete_fields',
      categories: ['behavioural'],
      lifecycleStages: ['customer'],
    });
    const scored = await newContact({
      lifecycleStage: 'customer',
      customFields: { campaign_score: '87', nickname: 'Bo' },
    });
    const unscored = await newContact({ lifecycleStage: 'customer', customFields: { nickname: 'Al' } });
    const due = await dueIds(p.id, daysFromNow(31));
    expect(due.has(scored.id)).toBe(true);
    expect(due.has(unscored.id)).toBe(false);
    const view = await preview([p.id], daysFromNow(31));
    expect(view.policies[0]!.categories).toEqual([
      { category: 'behavioural', records: view.policies[0]!.due },
    ]);
  });

  it('answers bad input with problem+json', async () => {
    expectFieldProblem(
      await t.request({ method: 'POST', url: '/api/v1/retention/preview', as: dpo, body: { limit: -1 } }),
      'body.limit',
    );
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/retention/preview',
        as: dpo,
        body: { asOf: 'tomorrow' },
      }),
      'body.asOf',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/retention/preview',
          as: dpo,
          body: { policyIds: [crypto.randomUUID()] },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/retention/preview', as: sales, body: {} })).statusCode,
    ).toBe(403);
  });
});

describe('the data inventory', () => {
  it('counts records, people and the oldest record per table and category, with when retention next acts', async () => {
    await t.database.db.execute(sql`update retention_policies set enabled = false`);
    const p = await policy({ lifecycleStages: ['former'], period: { amount: 400, unit: 'days' } });
    await onlyEnabled([p.id]);
    const before = await call<Inventory>('GET', '/api/v1/inventory', dpo);
    const row = (inv: Inventory, table: string, category: string) =>
      inv.rows.find((r) => r.table === table && r.category === category)!;
    const a = await newContact({ lifecycleStage: 'former', customFields: { campaign_score: '3' } });
    const b = await newContact({ lifecycleStage: 'former' });
    await backdate('contacts', 'created_at', a.id, 10);
    await post<Activity>('/api/v1/activities', {
      type: 'meeting',
      body: 'Both of them',
      contactIds: [a.id, b.id],
    });
    const after = await call<Inventory>('GET', '/api/v1/inventory', dpo);

    expect(row(after, 'contacts', 'identity').records - row(before, 'contacts', 'identity').records).toBe(2);
    expect(row(after, 'contacts', 'contact').people! - row(before, 'contacts', 'contact').people!).toBe(2);
    expect(
      row(after, 'contacts', 'behavioural').records - (row(before, 'contacts', 'behavioural')?.records ?? 0),
    ).toBe(1);
    expect(row(after, 'contacts', 'behavioural').fields).toEqual(['customFields.campaign_score']);
    expect(
      row(after, 'activities', 'behavioural').records - row(before, 'activities', 'behavioural').records,
    ).toBe(1);
    expect(
      row(after, 'activities', 'behavioural').people! - row(before, 'activities', 'behavioural').people!,
    ).toBe(2);
    expect(row(after, 'companies', 'professional').people).toBeNull();
    expect(row(after, 'contacts', 'identity')).toMatchObject({
      retention: 'relationship',
      policyIds: [p.id],
    });
    expect(row(after, 'contacts', 'identity').purposes).toEqual(
      expect.arrayContaining(['sales_follow_up', 'marketing_email']),
    );
    expect(row(after, 'activities', 'behavioural').policyIds).toEqual([]);

    const [expected] = await queryRows<{ oldest: string; next: string }>(
      t.database.db,
      sql`select min(created_at) as oldest,
                 (select min(created_at) + interval '400 days' from contacts where lifecycle_stage = 'former'
                  and not exists (select 1 from legal_holds h where h.contact_id = contacts.id and h.lifted_at is null)) as next
          from contacts`,
    );
    expect(row(after, 'contacts', 'identity').oldestRecordAt).toBe(new Date(expected!.oldest).toISOString());
    expect(row(after, 'contacts', 'identity').nextRetentionAt).toBe(new Date(expected!.next).toISOString());

    // Every table the catalog says holds personal data is there.
    const tables = new Set(after.rows.map((r) => r.table));
    for (const entity of catalog.filter((e) => Object.keys(e.personal).length > 0))
      expect(tables.has(entity.table)).toBe(true);

    const csv = await t.request({ method: 'GET', url: '/api/v1/inventory.csv', as: dpo });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'purpose,category,table,fields,people,records,oldest_record,next_retention,retention_class',
    );
    expect(lines.some((l) => l.includes(',behavioural,contacts,customFields.campaign_score,'))).toBe(true);
    expect((await t.request({ method: 'GET', url: '/api/v1/inventory', as: sales })).statusCode).toBe(403);
  });
});

describe('the sweep', () => {
  beforeEach(async () => {
    await t.database.db.execute(sql`update retention_policies set enabled = false`);
  });

  it('erases, empties fields and deletes records through the same code as requests, once each, audited per batch', async () => {
    const erase = await policy({ lifecycleStages: ['lead'], period: { amount: 400, unit: 'days' } });
    const empty = await policy({
      action: 'delete_fields',
      categories: ['behavioural'],
      lifecycleStages: ['customer'],
      period: { amount: 400, unit: 'days' },
    });
    const notes = await policy({
      target: 'activity',
      action: 'delete_record',
      period: { amount: 5, unit: 'years' },
    });
    const requests = await policy({
      target: 'request',
      trigger: 'request_closed',
      action: 'delete_record',
      period: { amount: 3, unit: 'years' },
    });
    await onlyEnabled([erase.id, empty.id, notes.id, requests.id]);

    const leads = [];
    for (let i = 0; i < 7; i++) leads.push(await newContact());
    const fresh = await newContact();
    const customers = [];
    for (let i = 0; i < 3; i++)
      customers.push(
        await newContact({
          lifecycleStage: 'customer',
          customFields: { campaign_score: `${i}`, nickname: `N${i}` },
        }),
      );
    for (const c of [...leads, ...customers]) await backdate('contacts', 'created_at', c.id, 401);
    const keeper = await newContact({ lifecycleStage: 'customer' });
    const oldNote = await post<Activity>('/api/v1/activities', {
      type: 'note',
      occurredAt: daysFromNow(-6 * 366),
      body: 'Old',
      contactIds: [keeper.id],
    });
    const request = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'access', requester: { email: `q-${word()}@example.test` } },
      dpo,
    );
    await post(`/api/v1/requests/${request.id}/reject`, { reason: 'identity_not_verified' }, dpo);
    await post(`/api/v1/requests/${request.id}/close`, {}, dpo);
    await backdate('dsr_requests', 'closed_at', request.id, 3 * 366);

    const planned = await preview([erase.id, empty.id, notes.id, requests.id]);
    const plannedIds = new Set(planned.items.map((i) => i.id));
    const certificatesBefore = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from erasure_certificates`,
    );

    const run = await sweep(3);
    expect(run.status).toBe('completed');
    const counts = new Map(run.policies.map((p) => [p.policyId, p]));
    expect(counts.get(erase.id)).toMatchObject({ done: planned.policies[0]!.due, failed: 0 });
    expect(counts.get(empty.id)).toMatchObject({ done: 3, failed: 0 });
    expect(counts.get(notes.id)!.done).toBeGreaterThanOrEqual(1);
    expect(counts.get(requests.id)!.done).toBeGreaterThanOrEqual(1);

    // The dry run listed exactly what the run handled.
    for (const c of leads) expect(plannedIds.has(c.id) && !(await exists('contacts', c.id))).toBe(true);
    expect(await exists('contacts', fresh.id)).toBe(true);
    expect(await exists('activities', oldNote.id)).toBe(false);
    expect(await exists('dsr_requests', request.id)).toBe(false);
    expect(plannedIds.has(oldNote.id) && plannedIds.has(request.id)).toBe(true);
    const items = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from retention_run_items where run_id = ${run.id} and outcome = 'done'`,
    );
    expect(items[0]!.n).toBe(plannedIds.size);

    // Erasures are the erasure workflow's: one certificate each, naming the policy.
    const certificates = await queryRows<{ n: number; reasons: string[] }>(
      t.database.db,
      sql`select count(*)::int as n, array_agg(distinct document::jsonb->>'reason') as reasons from erasure_certificates`,
    );
    expect(certificates[0]!.n - certificatesBefore[0]!.n).toBe(counts.get(erase.id)!.done);
    expect(certificates[0]!.reasons).toContain(`retention policy ${erase.id}`);

    // Fields emptied, the rest kept.
    for (const c of customers) {
      const now = await call<Contact>('GET', `/api/v1/contacts/${c.id}`, dpo);
      expect(now.customFields).toEqual({ nickname: c.customFields.nickname });
      expect(now.emails).toEqual(c.emails);
    }

    // Audited per batch, and the chain holds.
    const batches = await queryRows<{ action: string; n: number }>(
      t.database.db,
      sql`select action, count(*)::int as n from audit_entries where entity_type = 'retentionRun' and entity_id = ${run.id} group by action order by action`,
    );
    expect(batches.find((b) => b.action === 'retention.crypto_shred')!.n).toBe(
      Math.ceil(counts.get(erase.id)!.done / 3),
    );
    expect(batches.find((b) => b.action === 'retention.run')!.n).toBe(1);
    await sealAll(t.database.db, t.keys);
    expect((await verifyAuditChain(t.database.db, t.keys)).intact).toBe(true);

    // A second sweep finds nothing left to do.
    const again = await sweep(3);
    expect(again.policies.every((p) => p.done === 0 && p.failed === 0)).toBe(true);
    const listed = await call<{ items: RetentionRun[] }>('GET', '/api/v1/retention/runs?limit=2', dpo);
    expect(listed.items.map((r) => r.id)).toEqual([again.id, run.id]);
  });

  it('skips held people and reports them; a failing record is retried alone and reported, the rest go', async () => {
    const p = await policy({ lifecycleStages: ['prospect'], period: { amount: 400, unit: 'days' } });
    await onlyEnabled([p.id]);
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await newContact({ lifecycleStage: 'prospect' }));
    for (const c of people) await backdate('contacts', 'created_at', c.id, 401);
    await post(
      `/api/v1/contacts/${people[0]!.id}/legal-holds`,
      {
        ground: 'legal_obligation',
        purpose: 'legal_obligation',
        fields: ['lastName'],
        reference: 'Tax 2026',
      },
      dpo,
    );
    // A row that names the person where the erasure's verification will find it: their erasure must be undone.
    await t.database.db.execute(sql`insert into tags (name) values (${`trap ${people[1]!.id}`})`);
    const run = await sweep(10);
    const mine = run.policies.find((x) => x.policyId === p.id)!;
    expect(mine).toMatchObject({ held: 1, failed: 1 });
    expect(await exists('contacts', people[0]!.id)).toBe(true);
    expect(await exists('contacts', people[1]!.id)).toBe(true);
    expect(await exists('contacts', people[2]!.id)).toBe(false);
    expect(await exists('contacts', people[3]!.id)).toBe(false);
    const failures = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where entity_id = ${run.id} and outcome = 'failure'`,
    );
    expect(failures[0]!.n).toBe(1);
    await t.database.db.execute(sql`delete from tags where name like 'trap %'`);
  });

  it('is queued through the API only where a job queue runs', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/retention/runs', as: dpo, body: {} });
    expect(res.statusCode).toBe(503);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/retention/runs', as: sales, body: {} })).statusCode,
    ).toBe(403);
    expectFieldProblem(
      await t.request({ method: 'POST', url: '/api/v1/retention/runs', as: dpo, body: { now: true } }),
      'body',
    );
  });

  it('runs one at a time', async () => {
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
  });
});
