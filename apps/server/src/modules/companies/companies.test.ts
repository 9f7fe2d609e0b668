import { randomUUID } from 'node:crypto';
import type { Company, Problem } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let support: Caller;
let adminId: string;
beforeAll(async () => {
  t = await createTestContext();
  const a = await t.createUser('admin');
  adminId = a.id;
  admin = await t.login(a);
  support = await t.login(await t.createUser('support'));
});
afterAll(() => t.close());

const create = async (body: Record<string, unknown>, as: Caller = admin) => {
  const res = await t.request({ method: 'POST', url: '/api/v1/companies', as, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Company>();
};

describe('companies', () => {
  it('creates, reads, updates and deletes a company', async () => {
    const company = await create({
      name: 'Ørsted Wind Power',
      domain: 'Orsted.EXAMPLE',
      industry: 'Energy',
      size: '1001+',
      city: 'Fredericia',
      country: 'DK',
      ownerId: adminId,
    });
    expect(company).toMatchObject({ name: 'Ørsted Wind Power', domain: 'orsted.example', size: '1001+' });
    const got = await t.request({ url: `/api/v1/companies/${company.id}`, as: admin });
    expect(got.json<Company>()).toEqual(company);
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/companies/${company.id}`,
      as: admin,
      body: { industry: null, name: 'Orsted A/S' },
    });
    expect(patched.json<Company>()).toMatchObject({ name: 'Orsted A/S', industry: null, city: 'Fredericia' });
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/companies/${company.id}`, as: admin })).statusCode,
    ).toBe(204);
    for (const method of ['GET', 'DELETE'] as const)
      expect(
        (await t.request({ method, url: `/api/v1/companies/${company.id}`, as: admin })).statusCode,
      ).toBe(404);
  });

  it('searches names by word prefix with accents folded, and pages', async () => {
    const word = `Zebra${randomUUID().slice(0, 6)}`;
    const ids = [];
    for (const suffix of ['Économie', 'Logistics', 'Holdings'])
      ids.push((await create({ name: `${word} ${suffix}` })).id);
    const search = async (q: string) =>
      (await t.request({ url: `/api/v1/companies?q=${encodeURIComponent(q)}`, as: admin }))
        .json<{ items: Company[] }>()
        .items.map((c) => c.id);
    expect((await search(word.toLowerCase())).sort()).toEqual([...ids].sort());
    expect(await search(`${word} econ`)).toEqual([ids[0]]);
    expect(await search(`${word} hold`)).toEqual([ids[2]]);
    expect(await search('qqqqnothing')).toEqual([]);
    const first = await t.request({ url: `/api/v1/companies?q=${word}&limit=2`, as: admin });
    const body = first.json<{ items: Company[]; nextCursor: string }>();
    expect(body.items).toHaveLength(2);
    const second = await t.request({
      url: `/api/v1/companies?q=${word}&limit=2&cursor=${body.nextCursor}`,
      as: admin,
    });
    expect(second.json<{ items: Company[]; nextCursor: string | null }>()).toMatchObject({
      nextCursor: null,
    });
    expect(second.json<{ items: Company[] }>().items).toHaveLength(1);
  });

  it('masks the name for a role that may not reveal professional data', async () => {
    const company = await create({ name: 'Sole Trader Jane Doe' });
    const seen = await t.request({ url: `/api/v1/companies/${company.id}`, as: support });
    expect(seen.json<Company>()).toMatchObject({ name: '[restricted]', restricted: ['name'] });
    expect(seen.body).not.toContain('Jane');
    const write = await t.request({
      method: 'POST',
      url: '/api/v1/companies',
      as: support,
      body: { name: 'X' },
    });
    expect(write.statusCode).toBe(403);
  });

  it('links contacts to their company, lists them by company, and unlinks them when it goes', async () => {
    const company = await create({ name: 'Linked Ltd' });
    const person = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: admin,
      body: { firstName: 'Employee', companyId: company.id },
    });
    expect(person.json()).toMatchObject({ companyId: company.id });
    const staff = await t.request({ url: `/api/v1/contacts?companyId=${company.id}`, as: admin });
    expect(staff.json().items.map((c: { id: string }) => c.id)).toEqual([person.json().id]);
    const bad = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: admin,
      body: { firstName: 'Nobody', companyId: randomUUID() },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>().errors?.[0]?.field).toBe('body.companyId');
    await t.request({ method: 'DELETE', url: `/api/v1/companies/${company.id}`, as: admin });
    const after = await t.request({ url: `/api/v1/contacts/${person.json().id}`, as: admin });
    expect(after.json()).toMatchObject({ firstName: 'Employee', companyId: null });
  });

  it.each([
    [{ name: '' }, 'body.name'],
    [{ name: 'A', domain: 'not a domain' }, 'body.domain'],
    [{ name: 'A', size: 'huge' }, 'body.size'],
    [{ name: 'A', country: 'Denmark' }, 'body.country'],
    [{ name: 'A', ownerId: randomUUID() }, 'body.ownerId'],
    [{ domain: 'example.com' }, 'body.name'],
  ])('refuses %j naming %s', async (body, field) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/companies', as: admin, body });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });
});
