import { randomUUID } from 'node:crypto';
import type { Contact, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let adminId: string;
let sales: Caller;
let marketing: Caller;
let readonly: Caller;
let dpo: Caller;
beforeAll(async () => {
  t = await createTestContext();
  const a = await t.createUser('admin');
  adminId = a.id;
  admin = await t.login(a);
  sales = await t.login(await t.createUser('sales'));
  marketing = await t.login(await t.createUser('marketing'));
  readonly = await t.login(await t.createUser('readonly'));
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(() => t.close());

let n = 0;
const unique = (label: string) => `${label}${++n}${randomUUID().slice(0, 6)}`;

async function create(body: Record<string, unknown>, as: Caller = admin): Promise<Contact> {
  const res = await t.request({ method: 'POST', url: '/api/v1/contacts', as, body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json<Contact>();
}

const list = async (query: string, as: Caller = admin, headers: Record<string, string> = {}) => {
  const res = await t.request({ url: `/api/v1/contacts?${query}`, as, headers });
  return res;
};

describe('tags', () => {
  it('lists every tag by name with its id, for builders that refer to tags by id', async () => {
    const name = unique('tagged');
    await create({ firstName: 'Tagged', tags: [name, 'Zeta-label'] });
    const res = await t.request({ url: '/api/v1/tags', as: readonly });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: { id: string; name: string }[] }>();
    expect(items.find((i) => i.name === name)?.id).toMatch(/^[0-9a-f-]{36}$/);
    const names = items.map((i) => i.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect((await t.request({ url: '/api/v1/tags' })).statusCode).toBe(401);
  });
});

describe('creating and reading contacts', () => {
  it('creates a contact with normalised e-mails and phones, and reads it back', async () => {
    const contact = await create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'Ada@Example.TEST', label: 'work' }, { value: 'ada@example.test' }],
      phones: [{ value: '+44 20 7946 0958', label: 'office' }],
      addresses: [{ city: 'London', country: 'GB' }],
      jobTitle: 'Analyst',
      ownerId: adminId,
      lifecycleStage: 'prospect',
      tags: ['VIP', 'vip', 'math'],
    });
    expect(contact).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'ada@example.test', label: 'work', primary: true }],
      phones: [{ value: '+442079460958', label: 'office', primary: true }],
      addresses: [{ city: 'London', country: 'GB', street: null }],
      jobTitle: 'Analyst',
      ownerId: adminId,
      source: 'manual',
      lifecycleStage: 'prospect',
      tags: ['math', 'VIP'],
      // Sales follow-up, the admin's default purpose, may not use the date of birth.
      restricted: ['dateOfBirth'],
    });
    const fetched = await t.request({ url: `/api/v1/contacts/${contact.id}`, as: admin });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json<Contact>()).toEqual(contact);
  });

  it('derives the children flag from the date of birth', async () => {
    const today = new Date();
    const tenYearsAgo = `${today.getUTCFullYear() - 10}-01-15`;
    const child = await create({ firstName: 'Kid', dateOfBirth: tenYearsAgo }, dpo);
    expect(child.isChild).toBe(true);
    const adult = await create({ firstName: 'Grown', dateOfBirth: '1980-05-01' }, dpo);
    expect(adult.isChild).toBe(false);
  });

  it('updates only the fields sent, re-indexing the name', async () => {
    const first = unique('Origname');
    const contact = await create({
      firstName: first,
      lastName: 'Keep',
      emails: [{ value: `${first}@example.test` }],
    });
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${contact.id}`,
      as: admin,
      body: { firstName: 'Renamedperson', lifecycleStage: 'customer', tags: ['new-tag'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<Contact>()).toMatchObject({
      firstName: 'Renamedperson',
      lastName: 'Keep',
      emails: [{ value: `${first}@example.test`.toLowerCase() }],
      lifecycleStage: 'customer',
      tags: ['new-tag'],
    });
    expect((await list(`q=${first}`)).json().items).toHaveLength(0);
    const found = (await list('q=renamedpers')).json<{ items: Contact[] }>().items;
    expect(found.map((c) => c.id)).toContain(contact.id);
  });

  it('deletes a contact and destroys its key', async () => {
    const contact = await create({ firstName: unique('Gone') });
    const del = await t.request({ method: 'DELETE', url: `/api/v1/contacts/${contact.id}`, as: admin });
    expect(del.statusCode).toBe(204);
    expect((await t.request({ url: `/api/v1/contacts/${contact.id}`, as: admin })).statusCode).toBe(404);
    const keys = await queryRows<{ wrapped_key: unknown; shredded_at: unknown }>(
      t.database.db,
      sql`select wrapped_key, shredded_at from data_subjects where id not in (select subject_id from contacts) and shredded_at is not null`,
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.wrapped_key === null)).toBe(true);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/contacts/${contact.id}`, as: admin })).statusCode,
    ).toBe(404);
  });
});

describe('validation', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an invalid e-mail', { emails: [{ value: 'not-an-email' }] }, 'body.emails.0.value'],
    [
      'a phone that is not a number',
      { firstName: 'X', phones: [{ value: 'call me' }] },
      'body.phones.0.value',
    ],
    ['a phone no country knows', { firstName: 'X', phones: [{ value: '+999 1' }] }, 'body.phones.0.value'],
    [
      'a country that is not ISO 3166',
      { firstName: 'X', addresses: [{ country: 'Germany' }] },
      'body.addresses.0.country',
    ],
    ['a date of birth in the future', { firstName: 'X', dateOfBirth: '2999-01-01' }, 'body.dateOfBirth'],
    ['a date of birth that is no date', { firstName: 'X', dateOfBirth: '1990-13-45' }, 'body.dateOfBirth'],
    ['an unknown lifecycle stage', { firstName: 'X', lifecycleStage: 'whale' }, 'body.lifecycleStage'],
    ['an unknown source', { firstName: 'X', source: 'telepathy' }, 'body.source'],
    [
      'two primary e-mails',
      {
        emails: [
          { value: 'a@example.test', primary: true },
          { value: 'b@example.test', primary: true },
        ],
      },
      'body.emails',
    ],
    ['an owner who is no user', { firstName: 'X', ownerId: randomUUID() }, 'body.ownerId'],
    ['an owner id that is no uuid', { firstName: 'X', ownerId: 'me' }, 'body.ownerId'],
    ['a contact with nothing to name it', { jobTitle: 'Ghost' }, 'body.firstName'],
    ['a first name too long', { firstName: 'x'.repeat(101) }, 'body.firstName'],
    ['too many tags', { firstName: 'X', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'body.tags'],
  ];
  it.each(cases)('refuses %s with a 400 naming the field, not the value', async (_, body, field) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/contacts', as: admin, body });
    expect(res.statusCode).toBe(400);
    const problem = res.json<Problem>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    for (const value of ['not-an-email', 'call me', 'Germany', 'whale', 'telepathy', 'Ghost'])
      expect(res.body).not.toContain(value);
  });

  it('refuses an empty update and an update that would leave nothing to name the contact', async () => {
    const contact = await create({ firstName: 'Only' });
    const empty = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${contact.id}`,
      as: admin,
      body: {},
    });
    expect(empty.statusCode).toBe(400);
    const nameless = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${contact.id}`,
      as: admin,
      body: { firstName: null },
    });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json<Problem>().errors?.[0]?.field).toBe('body.firstName');
    // Nothing changed.
    expect(
      (await t.request({ url: `/api/v1/contacts/${contact.id}`, as: admin })).json<Contact>().firstName,
    ).toBe('Only');
  });
});

describe('IDOR: a missing, deleted or foreign id gives the same 404', () => {
  it('answers every unknown id alike', async () => {
    const gone = await create({ firstName: 'Soon gone' });
    await t.request({ method: 'DELETE', url: `/api/v1/contacts/${gone.id}`, as: admin });
    const [subject] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id from data_subjects limit 1`,
    );
    const bodies = [];
    for (const id of [randomUUID(), gone.id, subject!.id, adminId]) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await t.request({
          method,
          url: `/api/v1/contacts/${id}`,
          as: admin,
          ...(method === 'PATCH' ? { body: { firstName: 'Probe' } } : {}),
        });
        expect(res.statusCode).toBe(404);
        const { code, detail, title } = res.json<Problem>();
        bodies.push(JSON.stringify({ code, detail, title }));
      }
    }
    expect(new Set(bodies).size).toBe(1);
    expect((await t.request({ url: '/api/v1/contacts/not-a-uuid', as: admin })).statusCode).toBe(400);
  });

  it('refuses contacts to anyone not signed in, and writes to read-only roles', async () => {
    expect((await t.request({ url: '/api/v1/contacts' })).statusCode).toBe(401);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: readonly,
      body: { firstName: 'No' },
    });
    expect(res.statusCode).toBe(403);
    const del = await create({ firstName: 'Keepme' });
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/contacts/${del.id}`, as: sales })).statusCode,
    ).toBe(403);
  });
});

describe('field-level access and purposes', () => {
  let full: Contact;
  beforeAll(async () => {
    full = await create({
      firstName: 'Masked',
      lastName: unique('Person'),
      emails: [{ value: `${unique('masked')}@example.test` }],
      phones: [{ value: '+49 30 1234567' }],
      addresses: [{ street: 'Unter den Linden 1', city: 'Berlin', country: 'DE' }],
      jobTitle: 'Engineer',
      dateOfBirth: '1990-02-03',
    });
  });
  const get = (as: Caller, headers: Record<string, string> = {}) =>
    t.request({ url: `/api/v1/contacts/${full.id}`, as, headers });

  it('masks the categories a role may not see', async () => {
    const seen = (await get(readonly)).json<Contact>();
    expect(seen.firstName).toBe('Masked');
    expect(seen.jobTitle).toBe('Engineer');
    expect(seen.emails).toEqual([{ value: '[restricted]', label: null, primary: true }]);
    expect(seen.phones[0]?.value).toBe('[restricted]');
    expect(seen.addresses[0]).toMatchObject({ street: '[restricted]', city: '[restricted]' });
    expect(seen.restricted).toEqual(expect.arrayContaining(['emails', 'phones', 'addresses', 'dateOfBirth']));
    expect(JSON.stringify(seen)).not.toContain('Linden');
    expect(JSON.stringify(seen)).not.toMatch(/1990-\d\d-\d\d/);
  });

  it('masks the fields a purpose may not use, even for a role that could see them', async () => {
    // Marketing e-mail may use e-mails but not phones or the date of birth.
    const asMarketing = (await get(marketing)).json<Contact>();
    expect(asMarketing.emails[0]?.value).toBe(full.emails[0]?.value);
    expect(asMarketing.phones[0]?.value).toBe('[restricted]');
    // The admin under "analytics" sees no name, e-mail or phone, only the job title.
    const analytics = (await get(admin, { 'x-purpose': 'analytics' })).json<Contact>();
    expect(analytics.firstName).toBe('[restricted]');
    expect(analytics.emails[0]?.value).toBe('[restricted]');
    expect(analytics.jobTitle).toBe('Engineer');
    // Customer support may use the date of birth (identity checks), with a role allowed to see it.
    expect((await get(dpo, { 'x-purpose': 'customer_support' })).json<Contact>().dateOfBirth).toBe(
      '1990-02-03',
    );
    expect((await get(sales)).json<Contact>().dateOfBirth).toBe('[restricted]');
  });

  it('masks in lists and search results too, and refuses to search by a field the caller may not see', async () => {
    const page = (await list(`q=${encodeURIComponent(full.lastName!)}`, readonly)).json<{
      items: Contact[];
    }>();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.emails[0]?.value).toBe('[restricted]');
    const byEmail = await list(`q=${encodeURIComponent(full.emails[0]!.value)}`, readonly);
    expect(byEmail.statusCode).toBe(403);
    const sorted = await list('sort=name', admin, { 'x-purpose': 'analytics' });
    expect(sorted.statusCode).toBe(403);
  });

  it('refuses a purpose that does not exist, naming the header', async () => {
    const res = await get(admin, { 'x-purpose': 'curiosity' });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toBe('headers.x-purpose');
  });

  it('audits the read with the person’s subject id and the purpose', async () => {
    await get(admin, { 'x-purpose': 'customer_support' });
    const rows = await queryRows<{ action: string; purpose: string; subject_ids: string[] }>(
      t.database.db,
      sql`select action, purpose, subject_ids from audit_entries where entity_id = ${full.id} and action = 'contact.read' order by id desc limit 1`,
    );
    expect(rows[0]?.purpose).toBe('customer_support');
    const [contact] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from contacts where id = ${full.id}`,
    );
    expect(rows[0]?.subject_ids).toEqual([contact?.subject_id]);
  });
});

describe('search', () => {
  const tag = unique('searchtag');
  let jose: Contact;
  let joseph: Contact;
  let maria: Contact;
  beforeAll(async () => {
    jose = await create({
      firstName: 'José',
      lastName: 'Núñez-García',
      emails: [{ value: `${tag}.jose@example.test` }],
      phones: [{ value: '+34 912 345 678' }],
      tags: [tag],
    });
    joseph = await create({ firstName: 'Joseph', lastName: 'Garcia', tags: [tag] });
    maria = await create({ firstName: 'María', lastName: 'Zapata', tags: [tag], lifecycleStage: 'customer' });
  });
  const ids = async (query: string) => {
    const res = await list(query);
    expect(res.statusCode).toBe(200);
    return res.json<{ items: Contact[] }>().items.map((c) => c.id);
  };

  it('finds by e-mail whatever its case, and by phone whatever its format', async () => {
    expect(await ids(`q=${encodeURIComponent(`${tag}.JOSE@Example.test`)}`)).toEqual([jose.id]);
    expect(await ids(`q=${encodeURIComponent('+34912345678')}`)).toEqual([jose.id]);
    expect(await ids(`q=${encodeURIComponent('+34 (912) 345-678')}`)).toEqual([jose.id]);
    expect(await ids(`q=${encodeURIComponent('other@example.test')}&tag=${tag}`)).toEqual([]);
  });

  it('finds by the start of any word of the name, accents folded', async () => {
    expect(await ids(`tag=${tag}&q=jose`)).toEqual(expect.arrayContaining([jose.id, joseph.id]));
    expect((await ids(`tag=${tag}&q=jose`)).length).toBe(2);
    expect(await ids(`tag=${tag}&q=josep`)).toEqual([joseph.id]);
    expect(await ids(`tag=${tag}&q=${encodeURIComponent('garc nunez')}`)).toEqual([jose.id]);
    expect(await ids(`tag=${tag}&q=mar`)).toEqual([maria.id]);
    expect(await ids(`tag=${tag}&q=zzz`)).toEqual([]);
  });

  it('filters by tag and lifecycle stage, and sorts by name', async () => {
    expect(await ids(`tag=${tag}&lifecycleStage=customer`)).toEqual([maria.id]);
    expect(await ids(`tag=${tag}&sort=name`)).toEqual([joseph.id, jose.id, maria.id]);
    expect(await ids(`tag=${tag}&sort=-name`)).toEqual([maria.id, jose.id, joseph.id]);
    expect(await ids(`tag=${unique('nosuchtag')}`)).toEqual([]);
  });

  it('pages with cursors without repeating or skipping anyone', async () => {
    for (const sort of ['-createdAt', 'createdAt', 'name', '-updatedAt', 'lastActivityAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(`tag=${tag}&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const body = res.json<{ items: Contact[]; nextCursor: string | null }>();
        seen.push(...body.items.map((c) => c.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([jose.id, joseph.id, maria.id].sort());
    }
  });

  it('gives every contact of a page its own tags in name order, whatever the sort', async () => {
    const extra = unique('Alpha');
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/contacts/${joseph.id}`,
      as: sales,
      body: { tags: ['zulu', tag, extra] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    for (const query of [`tag=${tag}`, `tag=${tag}&sort=name`, `tag=${tag}&q=jose`, `tag=${tag}&limit=1`]) {
      const res = await list(query);
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json<{ items: Contact[] }>().items;
      expect(items.length).toBeGreaterThan(0);
      for (const c of items) expect(c.tags, query).toEqual(c.id === joseph.id ? [extra, tag, 'zulu'] : [tag]);
    }
    const one = await t.request({ url: `/api/v1/contacts/${joseph.id}`, as: sales });
    expect(one.json<Contact>().tags).toEqual([extra, tag, 'zulu']);
  });

  it('keeps the pending lists of the name and phone indexes short: a search reads all of it for each token', async () => {
    const rows = await queryRows<{ relname: string; reloptions: string[] | null }>(
      t.database.db,
      sql`select relname, reloptions from pg_class where relname like 'contacts_%_tokens_idx' order by relname`,
    );
    expect(rows).toEqual([
      { relname: 'contacts_email_tokens_idx', reloptions: ['fastupdate=false'] },
      { relname: 'contacts_name_tokens_idx', reloptions: ['gin_pending_list_limit=64'] },
      { relname: 'contacts_phone_tokens_idx', reloptions: ['gin_pending_list_limit=64'] },
    ]);
  });

  it('keeps contact ids in the unique index of subject ids: the guard reads a segment from the index alone', async () => {
    const [index] = await queryRows<{ indexdef: string }>(
      t.database.db,
      sql`select indexdef from pg_indexes where indexname = 'contacts_subject_id_key'`,
    );
    expect(index?.indexdef).toMatch(
      /^CREATE UNIQUE INDEX contacts_subject_id_key ON \S*contacts USING btree \(subject_id\) INCLUDE \(id\)$/,
    );
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await list('cursor=bm9wZQ');
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toBe('querystring.cursor');
    const forged = Buffer.from(JSON.stringify(['2020-01-01T00:00:00Z', "x' or 1=1"])).toString('base64url');
    expect((await list(`cursor=${forged}`)).statusCode).toBe(400);
  });
});
