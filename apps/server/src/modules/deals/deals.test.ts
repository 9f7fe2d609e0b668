import { randomUUID } from 'node:crypto';
import type { Contact, Deal, Pipeline, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let sales: Caller;
let readonly: Caller;
let sales0: Pipeline;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  sales = await t.login(await t.createUser('sales'));
  readonly = await t.login(await t.createUser('readonly'));
  const res = await t.request({ url: '/api/v1/pipelines', as: sales });
  sales0 = res.json<{ items: Pipeline[] }>().items[0]!;
});
afterAll(() => t.close());

const stage = (name: string) => sales0.stages.find((s) => s.name === name)!.id;
const contact = async () =>
  (
    await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Deal', lastName: 'Person' },
    })
  ).json<Contact>();
const createDeal = async (body: Record<string, unknown>) => {
  const res = await t.request({ method: 'POST', url: '/api/v1/deals', as: sales, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Deal>();
};

describe('pipelines', () => {
  it('ships a default sales pipeline with open, won and lost stages', () => {
    expect(sales0.name).toBe('Sales');
    expect(sales0.stages.map((s) => s.kind)).toEqual(['open', 'open', 'open', 'open', 'won', 'lost']);
  });

  it('lets an admin create and reshape a pipeline, refusing to drop a stage that has deals', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/pipelines',
      as: admin,
      body: {
        name: 'Renewals',
        stages: [
          { name: 'Due', probability: 50 },
          { name: 'Renewed', probability: 100, kind: 'won' },
          { name: 'Churned', probability: 0, kind: 'lost' },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const p = created.json<Pipeline>();
    const due = p.stages[0]!;
    await createDeal({ title: 'Renewal 2027', pipelineId: p.id, stageId: due.id });
    const drop = await t.request({
      method: 'PUT',
      url: `/api/v1/pipelines/${p.id}`,
      as: admin,
      body: {
        name: 'Renewals',
        stages: [
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Open', probability: 5 },
        ],
      },
    });
    expect(drop.statusCode).toBe(409);
    const reshaped = await t.request({
      method: 'PUT',
      url: `/api/v1/pipelines/${p.id}`,
      as: admin,
      body: {
        name: 'Renewal pipeline',
        stages: [
          { name: 'Early', probability: 20 },
          { id: due.id, name: 'Due soon', probability: 60 },
          { id: p.stages[1]!.id, name: 'Renewed', probability: 100, kind: 'won' },
        ],
      },
    });
    expect(reshaped.statusCode, reshaped.body).toBe(200);
    expect(reshaped.json<Pipeline>().stages.map((s) => [s.name, s.position])).toEqual([
      ['Early', 0],
      ['Due soon', 1],
      ['Renewed', 2],
    ]);
    const bySales = await t.request({
      method: 'POST',
      url: '/api/v1/pipelines',
      as: sales,
      body: { name: 'X', stages: [{ name: 'A', probability: 1 }] },
    });
    expect(bySales.statusCode).toBe(403);
    const noOpen = await t.request({
      method: 'POST',
      url: '/api/v1/pipelines',
      as: admin,
      body: { name: 'X', stages: [{ name: 'A', probability: 1, kind: 'won' }] },
    });
    expect(noOpen.statusCode).toBe(400);
  });
});

describe('deals', () => {
  it('creates a deal with people, closes it by moving it to a won stage, and audits the people', async () => {
    const person = await contact();
    const deal = await createDeal({
      title: 'Enterprise licence',
      pipelineId: sales0.id,
      stageId: stage('Qualification'),
      amountMinor: 1_250_000,
      currency: 'EUR',
      expectedCloseDate: '2027-03-31',
      contactIds: [person.id],
    });
    expect(deal).toMatchObject({
      status: 'open',
      amountMinor: 1_250_000,
      contactIds: [person.id],
      closedAt: null,
    });
    const won = await t.request({
      method: 'PATCH',
      url: `/api/v1/deals/${deal.id}`,
      as: sales,
      body: { stageId: stage('Won') },
    });
    expect(won.json<Deal>()).toMatchObject({ status: 'won' });
    expect(won.json<Deal>().closedAt).not.toBeNull();
    const reopened = await t.request({
      method: 'PATCH',
      url: `/api/v1/deals/${deal.id}`,
      as: sales,
      body: { stageId: stage('Proposal') },
    });
    expect(reopened.json<Deal>()).toMatchObject({ status: 'open', closedAt: null });

    await t.request({ url: `/api/v1/deals/${deal.id}`, as: readonly });
    const [entry] = await queryRows<{ subject_ids: string[] }>(
      t.database.db,
      sql`select subject_ids from audit_entries where action = 'deal.read' and entity_id = ${deal.id}`,
    );
    const [row] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from contacts where id = ${person.id}`,
    );
    expect(entry?.subject_ids).toEqual([row?.subject_id]);

    const byContact = await t.request({ url: `/api/v1/deals?contactId=${person.id}`, as: sales });
    expect(byContact.json<{ items: Deal[] }>().items.map((d) => d.id)).toEqual([deal.id]);
    const byStatus = await t.request({ url: `/api/v1/deals?status=won&pipelineId=${sales0.id}`, as: sales });
    expect(byStatus.json<{ items: Deal[] }>().items.map((d) => d.id)).not.toContain(deal.id);
  });

  it.each([
    [{ stageId: 'other-pipeline' }, 'body.stageId'],
    [{ amountMinor: 100 }, 'body.currency'],
    [{ amountMinor: -1, currency: 'EUR' }, 'body.amountMinor'],
    [{ amountMinor: 1.5, currency: 'EUR' }, 'body.amountMinor'],
    [{ currency: 'euro' }, 'body.currency'],
    [{ expectedCloseDate: '2027-02-30' }, 'body.expectedCloseDate'],
    [{ contactIds: ['missing'] }, 'body.contactIds'],
    [{ companyId: 'missing' }, 'body.companyId'],
    [{ ownerId: 'missing' }, 'body.ownerId'],
  ])('refuses %j naming %s', async (override, field) => {
    const other = (
      await t.request({
        method: 'POST',
        url: '/api/v1/pipelines',
        as: admin,
        body: { name: `P${randomUUID().slice(0, 4)}`, stages: [{ name: 'A', probability: 1 }] },
      })
    ).json<Pipeline>();
    const swap = (v: unknown) =>
      v === 'missing' ? randomUUID() : v === 'other-pipeline' ? other.stages[0]!.id : v;
    const body: Record<string, unknown> = { title: 'Bad', pipelineId: sales0.id, stageId: stage('Proposal') };
    for (const [k, v] of Object.entries(override)) body[k] = Array.isArray(v) ? v.map(swap) : swap(v);
    const res = await t.request({ method: 'POST', url: '/api/v1/deals', as: sales, body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });

  it('answers the same 404 for missing and deleted deals', async () => {
    const deal = await createDeal({
      title: 'Short-lived',
      pipelineId: sales0.id,
      stageId: stage('Proposal'),
    });
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/deals/${deal.id}`, as: sales })).statusCode,
    ).toBe(204);
    const bodies = new Set<string>();
    for (const id of [deal.id, randomUUID()]) {
      const res = await t.request({ url: `/api/v1/deals/${id}`, as: sales });
      expect(res.statusCode).toBe(404);
      bodies.add(res.json<Problem>().detail);
    }
    expect(bodies.size).toBe(1);
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/deals', as: readonly, body: {} })).statusCode,
    ).toBe(403);
  });
});
