import { randomUUID } from 'node:crypto';
import type { Company, Contact, CustomField, Deal, Pipeline, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let dpo: Caller;
let sales: Caller;
let support: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  support = await t.login(await t.createUser('support'));
  const fields = [
    {
      entity: 'contact',
      key: 'allergies',
      label: 'Allergies',
      type: 'text',
      category: 'special',
      specialKind: 'health',
      purposes: ['customer_support', 'data_subject_rights'],
    },
    {
      entity: 'contact',
      key: 'topic',
      label: 'Topic',
      type: 'select',
      options: ['tech', 'finance'],
      category: 'behavioural',
    },
    { entity: 'contact', key: 'vip_since', label: 'VIP since', type: 'date', category: 'professional' },
    { entity: 'contact', key: 'seats', label: 'Seats', type: 'number', category: 'professional' },
    { entity: 'company', key: 'founded', label: 'Founded', type: 'number', category: 'professional' },
    {
      entity: 'deal',
      key: 'priority',
      label: 'Priority',
      type: 'select',
      options: ['low', 'high'],
      personal: false,
    },
  ];
  for (const body of fields) {
    const res = await t.request({ method: 'POST', url: '/api/v1/custom-fields', as: admin, body });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => t.close());

describe('defining custom fields', () => {
  it('lists them with their classification', async () => {
    const res = await t.request({ url: '/api/v1/custom-fields?entity=contact', as: sales });
    const items = res.json<{ items: CustomField[] }>().items;
    expect(items.map((f) => f.key)).toEqual(['allergies', 'topic', 'vip_since', 'seats']);
    expect(items[0]).toMatchObject({ personal: true, category: 'special', specialKind: 'health' });
  });

  it.each([
    [{ key: 'faith', type: 'text', category: 'special' }, 'body.specialKind'],
    [{ key: 'colour', type: 'select', category: 'identity' }, 'body.options'],
    [{ key: 'note', type: 'text' }, 'body.category'],
    [{ key: 'Bad Key', type: 'text', category: 'identity' }, 'body.key'],
    [{ key: 'kind', type: 'text', category: 'identity', specialKind: 'health' }, 'body.specialKind'],
    [{ entity: 'deal', key: 'contact_name', type: 'text', category: 'identity' }, 'body.personal'],
  ])('refuses %j naming %s', async (body, field) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/custom-fields',
      as: admin,
      body: { entity: 'contact', label: 'X', ...body },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });

  it('refuses a duplicate key and roles that may not manage fields', async () => {
    const body = { entity: 'contact', key: 'topic', label: 'Again', type: 'text', category: 'identity' };
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/custom-fields', as: admin, body })).statusCode,
    ).toBe(409);
    const other = { ...body, key: 'other_key' };
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/custom-fields', as: sales, body: other })).statusCode,
    ).toBe(403);
  });
});

describe('custom values', () => {
  it('stores contact values encrypted and masks a special category for everyone but those granted it', async () => {
    const marker = `peanuts${randomUUID().slice(0, 8)}`;
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: {
        firstName: 'Custom',
        customFields: { allergies: marker, topic: 'tech', vip_since: '2024-01-02', seats: 12 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const contact = created.json<Contact>();
    // Sales may not reveal special categories.
    expect(contact.customFields).toMatchObject({ allergies: '[restricted]', topic: 'tech', seats: 12 });
    expect(contact.restricted).toContain('customFields.allergies');

    const asDpo = await t.request({ url: `/api/v1/contacts/${contact.id}`, as: dpo });
    expect(asDpo.json<Contact>().customFields.allergies).toBe(marker);
    // Support has the purpose but not the category; the DPO under marketing has the category but not the purpose.
    expect(
      (await t.request({ url: `/api/v1/contacts/${contact.id}`, as: support })).json<Contact>().customFields
        .allergies,
    ).toBe('[restricted]');
    const dpoMarketing = await t.request({
      url: `/api/v1/contacts/${contact.id}`,
      as: dpo,
      headers: { 'x-purpose': 'marketing_email' },
    });
    expect(dpoMarketing.json<Contact>().customFields.allergies).toBe('[restricted]');

    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contacts where position(convert_to(${marker}, 'UTF8') in custom_fields) > 0`,
    );
    expect(row?.n).toBe(0);

    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${contact.id}`,
      as: dpo,
      body: { customFields: { topic: null, seats: 13 } },
    });
    expect(patched.json<Contact>().customFields).toEqual({
      allergies: marker,
      vip_since: '2024-01-02',
      seats: 13,
    });

    const csv = await t.request({ url: '/api/v1/exports?entity=contacts', as: sales });
    expect(csv.body.split('\r\n')[0]).toContain('custom.allergies');
    expect(csv.body).not.toContain(marker);
  });

  it.each([
    [{ nope: 'x' }, 'body.customFields.nope'],
    [{ seats: 'twelve' }, 'body.customFields.seats'],
    [{ topic: 'sports' }, 'body.customFields.topic'],
    [{ vip_since: '2024-13-45' }, 'body.customFields.vip_since'],
  ])('refuses %j naming %s', async (customFields, field) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'X', customFields },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });

  it('stores company and deal values', async () => {
    const company = await t.request({
      method: 'POST',
      url: '/api/v1/companies',
      as: sales,
      body: { name: 'Old Co', customFields: { founded: 1899 } },
    });
    expect(company.json<Company>().customFields).toEqual({ founded: 1899 });
    const pipeline = (await t.request({ url: '/api/v1/pipelines', as: sales })).json<{ items: Pipeline[] }>()
      .items[0]!;
    const deal = await t.request({
      method: 'POST',
      url: '/api/v1/deals',
      as: sales,
      body: {
        title: 'Big',
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id,
        customFields: { priority: 'high' },
      },
    });
    expect(deal.json<Deal>().customFields).toEqual({ priority: 'high' });
    const bad = await t.request({
      method: 'PATCH',
      url: `/api/v1/deals/${deal.json<Deal>().id}`,
      as: sales,
      body: { customFields: { priority: 'urgent' } },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('definitions read by contact reads', () => {
  it('shows a field defined in between on the very next read, list and search of the same contact', async () => {
    const surname = `Cachet${randomUUID().slice(0, 6)}`;
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Ada', lastName: surname, customFields: { topic: 'finance' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<Contact>().id;
    const read = async () => (await t.request({ url: `/api/v1/contacts/${id}`, as: sales })).json<Contact>();
    const listed = async (url: string) => {
      const res = await t.request({ url, as: sales });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: Contact[] }>().items.find((c) => c.id === id);
    };
    // Reads (and so any cache of the definitions) before the new fields exist.
    expect((await read()).customFields).toEqual({ topic: 'finance' });
    expect((await listed(`/api/v1/contacts?q=${surname}`))?.customFields).toEqual({ topic: 'finance' });

    const suffix = randomUUID().slice(0, 6);
    for (const body of [
      // A special category sales may not see: masked (listed as restricted) at once, value or not.
      {
        entity: 'contact',
        key: `diet_${suffix}`,
        label: 'Diet',
        type: 'text',
        category: 'special',
        specialKind: 'religious_or_philosophical_beliefs',
        purposes: ['customer_support', 'data_subject_rights'],
      },
      { entity: 'contact', key: `desk_${suffix}`, label: 'Desk', type: 'text', category: 'professional' },
    ]) {
      const res = await t.request({ method: 'POST', url: '/api/v1/custom-fields', as: admin, body });
      expect(res.statusCode, res.body).toBe(201);
    }
    const afterDefine = await read();
    expect(afterDefine.restricted).toContain(`customFields.diet_${suffix}`);
    expect(afterDefine.restricted).not.toContain(`customFields.desk_${suffix}`);

    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${id}`,
      as: dpo,
      body: { customFields: { [`desk_${suffix}`]: 'B12', [`diet_${suffix}`]: 'kosher' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const expected = { topic: 'finance', [`desk_${suffix}`]: 'B12', [`diet_${suffix}`]: '[restricted]' };
    expect((await read()).customFields).toEqual(expected);
    expect((await listed(`/api/v1/contacts?q=${surname}`))?.customFields).toEqual(expected);
    expect((await listed('/api/v1/contacts?limit=100'))?.customFields).toEqual(expected);
    const asDpo = await t.request({ url: `/api/v1/contacts/${id}`, as: dpo });
    expect(asDpo.json<Contact>().customFields[`diet_${suffix}`]).toBe('kosher');
  });
});
