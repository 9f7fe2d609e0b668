import { randomBytes } from 'node:crypto';
import type { Contact } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail, sealLegacyUserFields } from '../modules/users/index.js';
import { type Executor, queryRows } from '../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { catalog } from './index.js';

let t: TestContext;
let admin: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
});
afterAll(() => t.close());

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
}
const columnsOf = (ex: Executor) =>
  queryRows<ColumnInfo>(
    ex,
    sql`select table_name, column_name, data_type, udt_name from information_schema.columns
        where table_schema = 'public' order by table_name, ordinal_position`,
  );

describe('the data catalog', () => {
  it('covers every column of every table: personal, not personal with a reason, or retired', async () => {
    const declared = new Map<string, string>();
    for (const entity of catalog) {
      const claim = (column: string, how: string) => {
        const key = `${entity.table}.${column}`;
        expect(declared.has(key), `${key} is declared twice`).toBe(false);
        declared.set(key, how);
      };
      for (const [field, d] of Object.entries(entity.personal)) {
        claim(d.column, `personal:${field}`);
        // Several fields may feed one index column (first and last name).
        if (d.index && !declared.has(`${entity.table}.${d.index.column}`)) claim(d.index.column, 'index');
      }
      for (const column of Object.keys(entity.notPersonal)) claim(column, 'not personal');
      for (const column of Object.keys(entity.retired ?? {})) claim(column, 'retired');
    }
    const actual = await columnsOf(t.database.db);
    const undeclared = actual
      .map((c) => `${c.table_name}.${c.column_name}`)
      .filter((key) => !declared.has(key));
    expect(undeclared, 'columns neither catalogued nor marked not personal').toEqual([]);
    const present = new Set(actual.map((c) => `${c.table_name}.${c.column_name}`));
    expect(
      [...declared.keys()].filter((k) => !present.has(k)),
      'declared columns that do not exist',
    ).toEqual([]);
  });

  it('stores every personal field as ciphertext (bytea) and every blind index as bigint tokens', async () => {
    const types = new Map(
      (await columnsOf(t.database.db)).map((c) => [`${c.table_name}.${c.column_name}`, c.udt_name]),
    );
    for (const entity of catalog) {
      expect(entity.subjectColumn === null).toBe(Object.keys(entity.personal).length === 0);
      for (const [field, d] of Object.entries(entity.personal)) {
        expect(types.get(`${entity.table}.${d.column}`), `${entity.entity}.${field}`).toBe('bytea');
        if (d.index) expect(['_int8', 'int8']).toContain(types.get(`${entity.table}.${d.index.column}`));
        expect(d.protection === 'encrypted').toBe(d.index === undefined);
        if (d.category === 'special') expect(d.specialKind, `${entity.entity}.${field}`).toBeDefined();
        expect(d.purposes.length).toBeGreaterThan(0);
      }
    }
  });

  it('keeps retired plaintext columns empty', async () => {
    for (const entity of catalog)
      for (const column of Object.keys(entity.retired ?? {})) {
        const [row] = await queryRows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from ${sql.identifier(entity.table)} where ${sql.identifier(column)} is not null`,
        );
        expect(row?.n, `${entity.table}.${column}`).toBe(0);
      }
  });

  it('is served at GET /api/v1/catalog to any signed-in role', async () => {
    const readonly = await t.login(await t.createUser('readonly'));
    const res = await t.request({ url: '/api/v1/catalog', as: readonly });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ entities: { entity: string; personalFields: { field: string }[] }[] }>();
    expect(body.entities.map((e) => e.entity)).toEqual(catalog.map((e) => e.entity));
    const contact = body.entities.find((e) => e.entity === 'contact');
    expect(contact?.personalFields.map((f) => f.field)).toContain('emails');
    expect(contact?.personalFields.find((f) => f.field === 'dateOfBirth')).toMatchObject({
      category: 'identity',
      protection: 'encrypted',
      revealPermission: 'reveal:identity',
    });
    expect((await t.request({ url: '/api/v1/catalog' })).statusCode).toBe(401);
  });
});

describe('no plaintext in the database', () => {
  it('holds none of the values written to any personal field, in any table or column', async () => {
    const marker = (label: string) => `${label}${randomBytes(6).toString('hex')}`;
    const digits = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
    const markers = {
      firstName: marker('zqfirst'),
      lastName: marker('zqlast'),
      email: `${marker('zqmail')}@${marker('zqdomain')}.example`,
      phone: `+49 30 ${digits}`,
      street: marker('zqstreet'),
      city: marker('zqcity'),
      region: marker('zqregion'),
      postalCode: marker('zq').slice(0, 12),
      addressLabel: marker('zqlabel').slice(0, 30),
      emailLabel: marker('zqelabel').slice(0, 30),
      jobTitle: marker('zqjob'),
      userName: marker('zqstaff'),
      companyName: marker('zqcompany'),
      activitySubject: marker('zqactsubj'),
      activityBody: marker('zqactbody'),
      taskTitle: marker('zqtask'),
      userEmail: `${marker('zqstaffmail')}@example.test`,
      consentSource: marker('zqsource'),
      consentUserAgent: marker('zqagent'),
      consentNote: marker('zqnote'),
      parentalReference: marker('zqparent'),
      requesterName: marker('zqrequester'),
      requestDetails: marker('zqdetails'),
      requestNote: marker('zqreqnote'),
      requesterEmail: `${marker('zqreqmail')}@example.test`,
    };
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: admin,
      body: {
        firstName: markers.firstName,
        lastName: markers.lastName,
        emails: [{ value: markers.email, label: markers.emailLabel }],
        phones: [{ value: markers.phone }],
        addresses: [
          {
            label: markers.addressLabel,
            street: markers.street,
            city: markers.city,
            region: markers.region,
            postalCode: markers.postalCode,
            country: 'DE',
          },
        ],
        jobTitle: markers.jobTitle,
        dateOfBirth: '1987-06-05',
      },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json<Contact>();
    // Search by each index still finds it: the values are there, only not in clear.
    for (const q of [markers.email, `+4930${digits}`, markers.lastName.slice(0, 8)]) {
      const found = await t.request({ url: `/api/v1/contacts?q=${encodeURIComponent(q)}`, as: admin });
      expect(found.json<{ items: Contact[] }>().items.map((c) => c.id)).toEqual([contact.id]);
    }
    const staff = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: admin,
      body: {
        email: markers.userEmail,
        name: markers.userName,
        role: 'sales',
        password: 'a long passphrase here',
      },
    });
    expect(staff.statusCode).toBe(201);

    const more = [
      ['/api/v1/companies', { name: markers.companyName }],
      [
        '/api/v1/activities',
        {
          type: 'note',
          subject: markers.activitySubject,
          body: markers.activityBody,
          contactIds: [contact.id],
        },
      ],
      ['/api/v1/tasks', { title: markers.taskTitle, contactId: contact.id }],
    ] as const;
    for (const [url, body] of more) {
      const res = await t.request({ method: 'POST', url, as: admin, body });
      expect(res.statusCode, url).toBe(201);
    }
    const notice = await publishTestNotice(t, admin);
    await recordEvent(t, admin, contact.id, {
      kind: 'given',
      purpose: 'newsletter',
      noticeId: notice.id,
      language: 'en',
      method: 'paper',
      source: markers.consentSource,
      userAgent: markers.consentUserAgent,
      note: markers.consentNote,
      networkAddress: '198.51.100.77',
      jurisdiction: 'DE',
      ageCheck: { method: 'self_declared', age: 14 },
      parentalConsentReference: markers.parentalReference,
    });

    const request = await t.request({
      method: 'POST',
      url: '/api/v1/requests',
      as: admin,
      body: {
        type: 'access',
        requester: { email: markers.requesterEmail, name: markers.requesterName },
        details: markers.requestDetails,
      },
    });
    expect(request.statusCode).toBe(201);
    const noted = await t.request({
      method: 'POST',
      url: `/api/v1/requests/${request.json<{ id: string }>().id}/notes`,
      as: admin,
      body: { note: markers.requestNote },
    });
    expect(noted.statusCode).toBe(201);

    const needles = [...Object.values(markers), `4930${digits}`, '1987-06-05', '198.51.100.77'].map((m) =>
      m.toLowerCase(),
    );
    const hits: string[] = [];
    // One statement per column, every needle in it.
    for (const c of await columnsOf(t.database.db)) {
      const table = sql.identifier(c.table_name);
      const column = sql.identifier(c.column_name);
      const conditions = needles.map((needle) =>
        c.udt_name === 'bytea'
          ? sql`position(convert_to(${needle}, 'UTF8') in ${column}) > 0 or position(convert_to(${needle.toUpperCase()}, 'UTF8') in ${column}) > 0`
          : sql`lower(${column}::text) like ${`%${needle}%`}`,
      );
      const [row] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from ${table} where ${sql.join(conditions, sql` or `)}`,
      );
      if (row && row.n > 0) hits.push(`${c.table_name}.${c.column_name}`);
    }
    expect(hits).toEqual([]);
    const logs = t.logLines.join('\n').toLowerCase();
    for (const needle of needles) expect(logs).not.toContain(needle);
  });
});

describe('staff accounts from before encryption', () => {
  it('are sealed at start-up: e-mail and name move into ciphertexts and sign-in still finds them', async () => {
    const email = `legacy-${randomBytes(4).toString('hex')}@example.test`;
    await t.database.db.execute(
      sql`insert into users (legacy_email, legacy_name, role, password_hash) values (${email}, 'Legacy Person', 'sales', 'x')`,
    );
    expect(await sealLegacyUserFields(t.database.db, t.keys)).toBe(1);
    expect(await sealLegacyUserFields(t.database.db, t.keys)).toBe(0);
    const user = await findUserByEmail(t.database.db, t.keys, email.toUpperCase());
    expect(user).toMatchObject({ email, name: 'Legacy Person' });
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from users u where u::text ilike ${`%${email}%`} or u::text ilike '%Legacy Person%'`,
    );
    expect(row?.n).toBe(0);
  });
});
