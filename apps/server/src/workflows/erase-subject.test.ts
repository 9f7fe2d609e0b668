import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type {
  Activity,
  Contact,
  Deal,
  DsrRequest,
  Import,
  IssuedCertificate,
  LegalHold,
  Pipeline,
  ProcessingAnswer,
  Task,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactEntity, indexOf } from '../catalog/index.js';
import { sealAll, verifyAuditChain } from '../modules/audit/index.js';
import { scanForTraces } from '../modules/erasure/index.js';
import { indexerFor, maxPrefixLength } from '../platform/crypto/blind-index.js';
import { sha256 } from '../platform/crypto/keys.js';
import { queryRows } from '../platform/db/database.js';
import { giveConsent, publishTestNotice } from '../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { multipart } from '../test/multipart.js';
import { expectFieldProblem } from '../test/problem.js';

let t: TestContext;
let admin: Caller;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  admin = await t.login(await t.createUser('admin'));
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  const field = await t.request({
    method: 'POST',
    url: '/api/v1/custom-fields',
    as: admin,
    body: { entity: 'contact', key: 'shoe_size', label: 'Shoe size', type: 'text', category: 'behavioural' },
  });
  expect(field.statusCode, field.body).toBe(201);
});
afterAll(() => t.close());

async function call<T>(method: 'POST' | 'GET', url: string, as: Caller, body?: unknown): Promise<T> {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const post = <T>(url: string, body: unknown, as = sales) => call<T>('POST', url, as, body);

/** Letters and digits only, so each marker is one word for the name index. */
const marker = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
const phoneMarker = () => `+49 30 ${randomInt(10_000_000, 99_999_999)}`;

/** Every row of every table in every schema, as text: what a backup of the database would hold. */
async function dumpDatabase(): Promise<Map<string, string>> {
  const tables = await queryRows<{ schema: string; name: string }>(
    t.database.db,
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const dump = new Map<string, string>();
  for (const { schema, name } of tables) {
    const rows = await queryRows<{ row: string }>(
      t.database.db,
      sql`select r::text as row from ${sql.identifier(schema)}.${sql.identifier(name)} r`,
    );
    dump.set(`${schema}.${name}`, rows.map((r) => r.row).join('\n'));
  }
  return dump;
}
const tablesHolding = (dump: Map<string, string>, needle: string) =>
  [...dump].filter(([, text]) => text.toLowerCase().includes(needle.toLowerCase())).map(([table]) => table);

const subjectOf = async (contactId: string) =>
  (
    await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from contacts where id = ${contactId}`,
    )
  )[0]!.subject_id;

async function importOne(csv: string): Promise<Import> {
  const { payload, headers } = multipart(
    {
      mapping: JSON.stringify({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email' }),
      source: 'Trade fair',
      lawfulBasis: 'legitimate_interests',
    },
    csv,
  );
  const res = await t.request({ method: 'POST', url: '/api/v1/imports', as: admin, payload, headers });
  expect(res.statusCode, res.body).toBe(202);
  for (;;) {
    const state = await call<Import>('GET', `/api/v1/imports/${res.json<Import>().id}`, admin);
    if (state.status === 'completed' || state.status === 'failed') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const guard = async (contactId: string, purpose: string) =>
  call<ProcessingAnswer>('GET', `/api/v1/contacts/${contactId}/may-process?purpose=${purpose}`, dpo);

describe('erasure through a request', () => {
  it('leaves nothing of the person in any table, keeps the other people’s data, and certifies it', async () => {
    const m = {
      first: marker('Fn'),
      last: marker('Ln'),
      email: `${marker('em')}@example.test`,
      importedFirst: marker('Im'),
      importedEmail: `${marker('im')}@example.test`,
      phone: phoneMarker(),
      street: marker('St'),
      job: marker('Jt'),
      shoe: marker('Sh'),
      note: marker('No'),
      sharedNote: marker('Sn'),
      task: marker('Tk'),
      details: marker('Dt'),
    };
    const other = { first: marker('Of'), last: marker('Ol'), email: `${marker('ot')}@example.test` };

    // The person: every catalogued contact field holds a marker.
    const person = await post<Contact>('/api/v1/contacts', {
      firstName: m.first,
      lastName: m.last,
      emails: [{ value: m.email }],
      phones: [{ value: m.phone }],
      addresses: [{ street: `${m.street} 1`, city: 'Berlin', country: 'DE' }],
      jobTitle: m.job,
      dateOfBirth: '1980-02-29',
      customFields: { shoe_size: m.shoe },
      tags: ['erasure-test'],
    });
    const someoneElse = await post<Contact>('/api/v1/contacts', {
      firstName: other.first,
      lastName: other.last,
      emails: [{ value: other.email }],
    });

    // An import brought them in a second time; the duplicate was merged into the first.
    const imported = await importOne(
      `Vorname,Nachname,E-Mail\n${m.importedFirst},${m.last},${m.importedEmail}\n`,
    );
    expect(imported).toMatchObject({ status: 'completed', created: 1 });
    const duplicate = (
      await call<{ items: Contact[] }>(
        'GET',
        `/api/v1/contacts?q=${encodeURIComponent(m.importedEmail)}`,
        sales,
      )
    ).items[0]!;
    const notice = await publishTestNotice(t, dpo);
    await giveConsent(t, sales, duplicate.id, 'newsletter', notice);
    const mergedSubject = await subjectOf(duplicate.id);
    await post(`/api/v1/contacts/${person.id}/merge`, { otherId: duplicate.id });
    await giveConsent(t, sales, person.id, 'marketing_email', notice);

    const sole = await post<Activity>('/api/v1/activities', {
      type: 'note',
      subject: m.note,
      body: `Called ${m.first} ${m.last} about ${m.note}`,
      contactIds: [person.id],
    });
    const shared = await post<Activity>('/api/v1/activities', {
      type: 'meeting',
      subject: 'Kick-off',
      body: `${m.first} ${m.last} (${m.email}) met ${other.first} ${other.last}: ${m.sharedNote}`,
      contactIds: [person.id, someoneElse.id],
    });
    const task = await post<Task>('/api/v1/tasks', {
      title: `Send ${m.task} to ${m.last}`,
      contactId: person.id,
    });
    const pipeline = (await call<{ items: Pipeline[] }>('GET', '/api/v1/pipelines', sales)).items[0]!;
    const deal = await post<Deal>('/api/v1/deals', {
      title: 'Renewal',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      contactIds: [person.id, someoneElse.id],
    });
    const subjectId = await subjectOf(person.id);

    // An access request answered earlier, and the erasure request.
    const access = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'access', requester: { email: m.email } },
      dpo,
    );
    const request = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'erasure', requester: { email: m.email, name: `${m.first} ${m.last}` }, details: m.details },
      dpo,
    );
    expect(request.contactId).toBe(person.id);
    // Not before the requester's identity is verified.
    const early = await t.request({
      method: 'POST',
      url: `/api/v1/requests/${request.id}/fulfil`,
      as: dpo,
      body: {},
    });
    expect(early.statusCode).toBe(409);
    await post(`/api/v1/requests/${request.id}/verify`, { method: 'known_email_reply' }, dpo);
    // Sales staff cannot fulfil it.
    const forbidden = await t.request({
      method: 'POST',
      url: `/api/v1/requests/${request.id}/fulfil`,
      as: sales,
      body: {},
    });
    expect(forbidden.statusCode).toBe(403);

    // The blind-index tokens the person had, computed as the repositories do.
    const indexer = indexerFor(t.keys);
    const fullWord = (word: string) =>
      indexer.token('contact-name', word.toLowerCase().slice(0, maxPrefixLength));
    const tokens = [
      indexer.exactEmail(indexOf(contactEntity, 'emails').name, m.email),
      indexer.exactEmail(indexOf(contactEntity, 'emails').name, m.importedEmail),
      indexer.exactPhone(indexOf(contactEntity, 'phones').name, m.phone)!,
      fullWord(m.first),
      fullWord(m.last),
      fullWord(m.importedFirst),
    ].map(String);
    const before = await dumpDatabase();
    // All but the imported first name, which the merge replaced by the survivor's.
    for (const token of tokens.slice(0, 5))
      expect(tablesHolding(before, token).length, token).toBeGreaterThan(0);

    const fulfilled = await post<DsrRequest>(`/api/v1/requests/${request.id}/fulfil`, {}, dpo);
    expect(fulfilled).toMatchObject({ status: 'fulfilled', contactId: null });

    // Zero hits: no marker in clear (there never was one: everything is encrypted), no blind-index token.
    const after = await dumpDatabase();
    for (const value of Object.values(m)) expect(tablesHolding(after, value), value).toEqual([]);
    for (const token of tokens) expect(tablesHolding(after, token), token).toEqual([]);
    // The person's record ids survive only in the audit trail, which holds nothing else about them.
    for (const id of [person.id, subjectId, mergedSubject, duplicate.id, sole.id, task.id])
      expect(
        tablesHolding(after, id).filter((table) => table !== 'public.audit_entries'),
        id,
      ).toEqual([]);

    // The other person and the shared records stay, without the erased person's name or address.
    const kept = await call<Contact>('GET', `/api/v1/contacts/${someoneElse.id}`, sales);
    expect(kept).toMatchObject({ firstName: other.first, lastName: other.last });
    const meeting = await call<Activity>('GET', `/api/v1/activities/${shared.id}`, sales);
    expect(meeting.contactIds).toEqual([someoneElse.id]);
    expect(meeting.body).toBe(`[erased] ([erased]) met ${other.first} ${other.last}: ${m.sharedNote}`);
    expect((await call<Deal>('GET', `/api/v1/deals/${deal.id}`, sales)).contactIds).toEqual([someoneElse.id]);
    expect((await t.request({ url: `/api/v1/activities/${sole.id}`, as: sales })).statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/contacts/${person.id}`, as: sales })).statusCode).toBe(404);

    // The requests stay as proof they were answered, no longer linked to the person.
    expect((await call<DsrRequest>('GET', `/api/v1/requests/${access.id}`, dpo)).contactId).toBeNull();

    // The certificate: what was done, table by table; its hash is in the audit chain, which still verifies.
    const issued = await call<IssuedCertificate>('GET', `/api/v1/requests/${request.id}/certificate`, dpo);
    expect(sha256(Buffer.from(issued.document)).toString('hex')).toBe(issued.sha256);
    expect(issued.certificate).toMatchObject({ requestId: request.id, outcome: 'erased', kept: [] });
    expect(issued.certificate.tables).toEqual(
      expect.arrayContaining([
        { table: 'contacts', action: 'deleted', rows: 1 },
        { table: 'activities', action: 'deleted', rows: 1 },
        { table: 'activities', action: 'redacted', rows: 1 },
        { table: 'tasks', action: 'deleted', rows: 1 },
        { table: 'deal_contacts', action: 'deleted', rows: 1 },
        { table: 'contact_tags', action: 'deleted', rows: 1 },
        { table: 'dsr_requests', action: 'unlinked', rows: 2 },
      ]),
    );
    expect(issued.certificate.tables.find((r) => r.table === 'consent_events')?.rows).toBeGreaterThanOrEqual(
      3,
    );
    // Own key, the merged person's, the note's and the task's.
    expect(issued.certificate.keysDestroyed).toBe(4);
    expect(issued.certificate.suppressionEntries).toBe(3);
    expect(issued.certificate.verification).toMatchObject({ hits: 0 });
    const { columnsScanned, columnsProved } = issued.certificate.verification;
    expect(columnsScanned).toBeGreaterThan(30);
    // Every foreign key to the person's tables (activity_contacts, contact_tags, consent_events...) is proved.
    expect(columnsProved).toBeGreaterThan(50);
    for (const id of [person.id, subjectId]) expect(issued.document).not.toContain(id);
    const [entry] = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_entries where id = ${issued.auditEntryId} and entity_id = ${`sha256:${issued.sha256}`}`,
    );
    expect(entry?.action).toBe('subject.erase');
    await sealAll(t.database.db, t.keys);
    expect(await verifyAuditChain(t.database.db, t.keys)).toMatchObject({ intact: true, unsealed: 0 });

    // They cannot come back: neither by hand, nor by import, nor under their other address.
    const again = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Again', emails: [{ value: m.email.toUpperCase() }] },
    });
    expect(again.statusCode).toBe(409);
    const reimport = await importOne(`Vorname,Nachname,E-Mail\nAgain,Back,${m.importedEmail}\n`);
    expect(reimport).toMatchObject({ status: 'completed', created: 0, failed: 1 });
    const byPhone = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Again', phones: [{ value: m.phone }] },
    });
    expect(byPhone.statusCode).toBe(409);
  });

  it('answers an unverified, unknown or repeated erasure without touching anyone', async () => {
    const stranger = await post<DsrRequest>(
      '/api/v1/requests',
      { type: 'erasure', requester: { email: `${marker('xx')}@example.test` } },
      dpo,
    );
    await post(`/api/v1/requests/${stranger.id}/verify`, { method: 'email_code' }, dpo);
    const res = await t.request({
      method: 'POST',
      url: `/api/v1/requests/${stranger.id}/fulfil`,
      as: dpo,
      body: {},
    });
    expect(res.statusCode).toBe(409);
    expect(
      (await t.request({ url: `/api/v1/requests/${stranger.id}/certificate`, as: dpo })).statusCode,
    ).toBe(404);
  });
});

describe('erasure under a legal hold', () => {
  it('keeps only the held fields, restricted and unsearchable, says why, and erases the rest once lifted', async () => {
    const email = `${marker('hold')}@example.test`;
    const person = await post<Contact>('/api/v1/contacts', {
      firstName: 'Hilde',
      lastName: marker('Held'),
      emails: [{ value: email }],
      addresses: [{ street: 'Hauptstr. 1', city: 'Berlin', country: 'DE' }],
      jobTitle: 'Buyer',
    });
    await post('/api/v1/activities', { type: 'note', body: 'Invoice query', contactIds: [person.id] });

    // Bad input: the field at fault is named.
    const bad = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${person.id}/legal-holds`,
      as: dpo,
      body: { ground: 'legal_obligation', purpose: 'legal_obligation', fields: ['shoeSize'], reference: 'x' },
    });
    expectFieldProblem(bad, 'body.fields.0');
    const past = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${person.id}/legal-holds`,
      as: dpo,
      body: {
        ground: 'legal_obligation',
        purpose: 'legal_obligation',
        fields: ['lastName'],
        reference: 'x',
        until: '2001-01-01',
      },
    });
    expectFieldProblem(past, 'body.until');
    const bySales = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${person.id}/legal-holds`,
      as: sales,
      body: { ground: 'legal_obligation', purpose: 'legal_obligation', fields: ['lastName'], reference: 'x' },
    });
    expect(bySales.statusCode).toBe(403);

    const hold = await post<LegalHold>(
      `/api/v1/contacts/${person.id}/legal-holds`,
      {
        ground: 'legal_obligation',
        purpose: 'legal_obligation',
        fields: ['firstName', 'lastName', 'addresses'],
        reference: 'Invoices 2026, tax law §147 AO',
        until: '2036-12-31',
      },
      dpo,
    );
    expect(hold).toMatchObject({ active: true, liftedAt: null });

    const issued = await post<IssuedCertificate>(
      `/api/v1/contacts/${person.id}/erasure`,
      { reason: 'Ticket 4711' },
      dpo,
    );
    expect(issued.certificate).toMatchObject({
      outcome: 'erased_except_held',
      requestId: null,
      reason: 'Ticket 4711',
    });
    expect(issued.certificate.kept[0]).toMatchObject({
      fields: ['firstName', 'lastName', 'addresses'],
      ground: 'legal_obligation',
      until: '2036-12-31',
    });
    expect(issued.certificate.keysDestroyed).toBe(1);

    const rest = await call<Contact>('GET', `/api/v1/contacts/${person.id}`, dpo);
    expect(rest).toMatchObject({ firstName: 'Hilde', emails: [], jobTitle: null });
    expect(rest.addresses).toHaveLength(1);
    // Not findable, and not to be processed for anything.
    const found = await call<{ items: Contact[] }>(
      'GET',
      `/api/v1/contacts?q=${encodeURIComponent(email)}`,
      sales,
    );
    expect(found.items).toEqual([]);
    expect(await guard(person.id, 'sales_follow_up')).toMatchObject({ allowed: false });
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/contacts',
          as: sales,
          body: { emails: [{ value: email }] },
        })
      ).statusCode,
    ).toBe(409);

    // Once the duty ends, a second erasure removes the rest.
    await post(`/api/v1/legal-holds/${hold.id}/lift`, {}, dpo);
    const final = await post<IssuedCertificate>(
      `/api/v1/contacts/${person.id}/erasure`,
      { reason: 'Hold ended' },
      dpo,
    );
    expect(final.certificate).toMatchObject({ outcome: 'erased', kept: [] });
    expect((await t.request({ url: `/api/v1/contacts/${person.id}`, as: dpo })).statusCode).toBe(404);
    const holds = await t.request({ url: `/api/v1/contacts/${person.id}/legal-holds`, as: dpo });
    expect(holds.statusCode).toBe(404);
  });

  it('refuses bad erasure calls with the field at fault, and strangers', async () => {
    const person = await post<Contact>('/api/v1/contacts', { firstName: 'Keep' });
    expectFieldProblem(
      await t.request({ method: 'POST', url: `/api/v1/contacts/${person.id}/erasure`, as: dpo, body: {} }),
      'body.reason',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/contacts/${person.id}/erasure`,
          as: sales,
          body: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/contacts/00000000-0000-4000-8000-000000000000/erasure',
          as: dpo,
          body: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    expect((await call<Contact>('GET', `/api/v1/contacts/${person.id}`, sales)).firstName).toBe('Keep');
  });
});

describe('the verification scan', () => {
  it('finds an identifier or token wherever it is left, by table and column', async () => {
    const email = `${marker('scan')}@example.test`;
    const person = await post<Contact>('/api/v1/contacts', { firstName: 'Scan', emails: [{ value: email }] });
    const token = indexerFor(t.keys).exactEmail('contact-email', email);
    const result = await scanForTraces(t.database.db, { ids: [person.id], tokens: [token] }, [
      'audit_entries',
    ]);
    expect(result.hits).toEqual(
      expect.arrayContaining([
        { table: 'contacts', column: 'id', rows: 1 },
        { table: 'contacts', column: 'email_tokens', rows: 1 },
      ]),
    );
    const nothing = await scanForTraces(
      t.database.db,
      {
        ids: [randomUUID()],
        tokens: [indexerFor(t.keys).exactEmail('contact-email', 'nobody@example.test')],
      },
      ['audit_entries'],
    );
    expect(nothing.hits).toEqual([]);
    expect(nothing.tablesScanned).toBeGreaterThan(30);
  });

  it('finds a trace inside free text, and the database refuses one where a closed set proves it absent', async () => {
    const id = randomUUID();
    const token = indexerFor(t.keys).exactEmail('contact-email', `${marker('text')}@example.test`);
    const name = `${marker('tag')}`;
    await t.database.db.execute(
      sql`insert into tags (name) values (${`${name} about ${id}`}), (${`${name} token ${token}.`})`,
    );
    const result = await scanForTraces(t.database.db, { ids: [id], tokens: [token] }, ['audit_entries']);
    expect(result.hits).toEqual([{ table: 'tags', column: 'name', rows: 2 }]);
    // activities.type is left unread because its CHECK allows only the activity types: the database holds to it.
    const person = await post<Contact>('/api/v1/contacts', { firstName: 'Noted' });
    const note = await post<Activity>('/api/v1/activities', {
      type: 'note',
      contactIds: [person.id],
      body: 'x',
    });
    await expect(
      t.database.db.execute(sql`update activities set type = ${id} where id = ${note.id}`),
    ).rejects.toThrow();
    await t.database.db.execute(sql`delete from tags where name like ${`${name}%`}`);
  });

  it('leaves foreign keys unread, yet an identifier in one is found through the column it references', async () => {
    const person = await post<Contact>('/api/v1/contacts', { firstName: 'Linked', tags: ['scan-proof'] });
    const result = await scanForTraces(t.database.db, { ids: [person.id], tokens: [] }, ['audit_entries']);
    // contact_tags.contact_id holds the id too, but its key proves it can only hold what contacts.id holds.
    expect(result.hits).toContainEqual({ table: 'contacts', column: 'id', rows: 1 });
    expect(result.hits.filter((h) => h.table === 'contact_tags')).toEqual([]);
    expect(result.columnsProved).toBeGreaterThan(50);
    // Without the proof (the referenced table left out, as the audit trail is), the link is read and found.
    const unproved = await scanForTraces(t.database.db, { ids: [person.id], tokens: [] }, [
      'audit_entries',
      'contacts',
    ]);
    expect(unproved.hits).toEqual(
      expect.arrayContaining([{ table: 'contact_tags', column: 'contact_id', rows: 1 }]),
    );
  });
});
