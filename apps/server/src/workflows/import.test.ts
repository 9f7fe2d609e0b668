import { randomUUID } from 'node:crypto';
import type { Contact, Import, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardAbandonedUploads } from '../modules/imports/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { queryRows } from '../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { importClient, importJobDeps } from '../test/imports.js';
import { multipart } from '../test/multipart.js';
import { importBatchSize, runImport } from './run-import.js';

let t: TestContext;
let sales: Caller;
let support: Caller;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  sales = await t.login(await t.createUser('sales'));
  support = await t.login(await t.createUser('support'));
});
afterAll(() => t.close());
const { finished, upload } = importClient(() => ({ t, as: sales }));

const settings = (overrides: Record<string, string> = {}) => ({
  mapping: JSON.stringify({
    'E-Mail': 'email',
    Vorname: 'firstName',
    Nachname: 'lastName',
    Telefon: 'phone',
    Tags: 'tags',
  }),
  source: 'Trade fair 2026, badge scans',
  lawfulBasis: 'legitimate_interests',
  ...overrides,
});

// The 10,000-row import takes a few seconds on an idle machine; shared CI machines can be many times slower.
const slow = { timeout: 600_000 };

const header = 'Vorname,Nachname,E-Mail,Telefon,Tags';

describe('CSV import', () => {
  it(
    'imports 10,000 rows through the job, reporting bad rows by number and column and merging duplicates',
    slow,
    async () => {
      const tag = `fair${randomUUID().slice(0, 6)}`;
      // One person already in the CRM: the file's row for them updates them.
      const existing = await t.request({
        method: 'POST',
        url: '/api/v1/contacts',
        as: sales,
        body: { firstName: 'Already', emails: [{ value: `${tag}-row1@example.test` }] },
      });
      const lines = [header];
      const badRows: number[] = [];
      for (let row = 1; row <= 10_000; row++) {
        if (row % 1000 === 500) {
          lines.push(`Bad,Email,not-an-address-${row},,`);
          badRows.push(row);
        } else if (row % 1000 === 700) {
          lines.push(`Bad,Phone,${tag}-bad${row}@example.test,call me maybe,`);
          badRows.push(row);
        } else if (row % 100 === 99) {
          // The same person again, in other letter case: a duplicate within the file.
          lines.push(`Dupe,Person,${tag}-ROW${row - 1}@Example.TEST,,${tag}`);
        } else {
          lines.push(
            `Person${row},"Family, ${row}",${tag}-row${row}@example.test,+49 30 ${1_000_000 + row},${tag};batch`,
          );
        }
      }
      const res = await upload(settings({ onDuplicate: 'update' }), `${lines.join('\n')}\n`);
      expect(res.statusCode, res.body).toBe(202);
      const queued = res.json<Import>();
      expect(queued).toMatchObject({ status: 'queued', totalRows: 10_000, rowsDone: 0 });

      const done = await finished(queued.id);
      expect(done).toMatchObject({ status: 'completed', rowsDone: 10_000, failed: badRows.length });
      // 100 duplicates within the file and row 1 matching an existing contact update; the rest are new.
      expect(done.updated).toBe(100 + 1);
      expect(done.created).toBe(10_000 - badRows.length - 101);
      expect(done.skipped).toBe(0);
      expect(done.errors.map((e) => e.row)).toEqual(badRows);
      expect(done.errors.find((e) => e.row === 500)).toMatchObject({ field: 'E-Mail' });
      expect(done.errors.find((e) => e.row === 700)).toMatchObject({ field: 'Telefon' });
      expect(JSON.stringify(done.errors)).not.toMatch(/not-an-address|call me/);

      // The existing person was updated, not duplicated; an imported person is findable by e-mail and phone.
      const found = await t.request({ url: `/api/v1/contacts?q=${tag}-row1@example.test`, as: sales });
      expect(found.json<{ items: Contact[] }>().items.map((c) => c.id)).toEqual([
        existing.json<Contact>().id,
      ]);
      expect(found.json<{ items: Contact[] }>().items[0]).toMatchObject({
        firstName: 'Person1',
        lastName: 'Family, 1',
      });
      const byPhone = await t.request({
        url: `/api/v1/contacts?q=${encodeURIComponent('+49301000042')}`,
        as: sales,
      });
      expect(byPhone.json<{ items: Contact[] }>().items[0]).toMatchObject({
        firstName: 'Person42',
        source: 'import',
      });
      // Webhook events are recorded for created and updated people alike (one multi-row insert per batch each),
      // also where no webhook worker runs.
      const outbox = await queryRows<{ type: string; n: number }>(
        t.database.db,
        sql`select type, count(*)::int as n from domain_events
            where contact_id = ${existing.json<Contact>().id}
               or contact_id in (select id from contacts where import_id = ${queued.id})
            group by type order by type`,
      );
      expect(outbox).toEqual([
        { type: 'contact.created', n: done.created + 1 },
        { type: 'contact.updated', n: 1 },
      ]);
      const dupe = await t.request({ url: `/api/v1/contacts?q=${tag}-row98@example.test`, as: sales });
      expect(dupe.json<{ items: Contact[] }>().items).toHaveLength(1);
      expect(dupe.json<{ items: Contact[] }>().items[0]).toMatchObject({
        firstName: 'Dupe',
        tags: ['batch', tag],
      });

      // The stored file and its key are gone; every batch was audited; the CSV left no plaintext behind.
      const [state] = await queryRows<{ chunks: number; key: unknown; batches: number; linked: number }>(
        t.database.db,
        sql`select (select count(*)::int from import_chunks where import_id = ${queued.id}) as chunks,
                 (select wrapped_key from data_subjects where id = i.subject_id) as key,
                 (select count(*)::int from audit_entries where action = 'contact.import' and entity_id = ${queued.id}) as batches,
                 (select count(*)::int from contacts where import_id = ${queued.id}) as linked
          from imports i where i.id = ${queued.id}`,
      );
      expect(state).toMatchObject({
        chunks: 0,
        key: null,
        batches: Math.ceil(10_000 / importBatchSize),
        linked: done.created,
      });
      const [plain] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from contacts c where c::text like ${`%${tag}%`}`,
      );
      expect(plain?.n).toBe(0);
    },
  );

  it('skips duplicates when asked to, and a dry run reports without writing', slow, async () => {
    const tag = `dry${randomUUID().slice(0, 6)}`;
    const csv = `${header}\nA,One,${tag}-a@example.test,,\nA,Again,${tag}-A@example.test,,\nB,Two,${tag}-b@example.test,,\n`;
    const dry = await finished((await upload(settings({ dryRun: 'true' }), csv)).json<Import>().id);
    expect(dry).toMatchObject({ status: 'completed', dryRun: true, created: 2, skipped: 1, failed: 0 });
    expect(
      (await t.request({ url: `/api/v1/contacts?q=${tag}-a@example.test`, as: sales })).json().items,
    ).toEqual([]);
    const real = await finished((await upload(settings(), csv)).json<Import>().id);
    expect(real).toMatchObject({ created: 2, skipped: 1 });
    const again = await finished((await upload(settings(), csv)).json<Import>().id);
    expect(again).toMatchObject({ created: 0, skipped: 3 });
  });

  it('resumes after a crash from the last committed batch, applying no row twice', async () => {
    const tag = `crash${randomUUID().slice(0, 6)}`;
    const lines = [header, ...Array.from({ length: 25 }, (_, i) => `P${i},Q,${tag}-${i}@example.test,,`)];
    // Uploaded without a job queue running this import: the app the test talks to has one, so run it by hand
    // through a second context-free call instead, racing nothing: first mark it taken by a crashing runner.
    const { payload, headers } = multipart(settings(), `${lines.join('\n')}\n`);
    const noJobs = await createTestContext();
    try {
      const who = await noJobs.login(await noJobs.createUser('sales'));
      const res = await noJobs.request({ method: 'POST', url: '/api/v1/imports', as: who, payload, headers });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json<Import>().id;
      const deps = importJobDeps(noJobs);
      let batches = 0;
      await expect(
        runImport({
          ...deps,
          importId: id,
          batchSize: 10,
          onProgress: () => {
            if (++batches === 2) throw new Error('the process died');
          },
        }),
      ).rejects.toThrow('the process died');
      const midway = (await noJobs.request({ url: `/api/v1/imports/${id}`, as: who })).json<Import>();
      expect(midway).toMatchObject({ status: 'running', rowsDone: 20, created: 20 });
      const resumed = await runImport({ ...deps, importId: id, batchSize: 10 });
      expect(resumed).toMatchObject({ status: 'completed', rowsDone: 25, created: 25 });
      const [count] = await queryRows<{ n: number }>(
        noJobs.database.db,
        sql`select count(*)::int as n from contacts where import_id = ${id}`,
      );
      expect(count?.n).toBe(25);
      // Running it again does nothing.
      expect(await runImport({ ...deps, importId: id })).toMatchObject({ status: 'completed', created: 25 });
    } finally {
      await noJobs.close();
    }
  });

  it.each([
    [
      'a mapping naming a column the file lacks',
      settings({ mapping: JSON.stringify({ Nope: 'email' }) }),
      'body.mapping',
    ],
    ['a mapping that is not JSON', settings({ mapping: '{oops' }), 'body.mapping'],
    [
      'a mapping to an unknown field',
      settings({ mapping: JSON.stringify({ 'E-Mail': 'shoeSize' }) }),
      'body.mapping',
    ],
    ['no lawful basis', { mapping: settings().mapping, source: 'x' }, 'body.lawfulBasis'],
    ['no source', { mapping: settings().mapping, lawfulBasis: 'consent' }, 'body.source'],
    ['an unknown lawful basis', settings({ lawfulBasis: 'because' }), 'body.lawfulBasis'],
  ])('refuses %s with a 400 naming the field, and keeps nothing', async (_, fields, field) => {
    const [before] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from import_chunks`,
    );
    const res = await upload(fields, `${header}\nA,B,a@example.test,,\n`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
    const [after] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from import_chunks`,
    );
    expect(after?.n).toBe(before?.n);
  });

  it('refuses a missing file, a body that is not multipart, and roles without the permission', async () => {
    expect((await upload(settings(), null)).json<Problem>().errors?.[0]?.field).toBe('body.file');
    const json = await t.request({ method: 'POST', url: '/api/v1/imports', as: sales, body: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    expect((await upload(settings(), `${header}\n`, support)).statusCode).toBe(403);
    expect((await t.request({ url: `/api/v1/imports/${randomUUID()}`, as: sales })).statusCode).toBe(404);
  });

  it('shows an import only to its importer (and to administrators), like one that does not exist to others', async () => {
    const res = await upload(settings(), `${header}\nA,B,own-${randomUUID()}@example.test,,\n`);
    const id = res.json<Import>().id;
    const otherSales = await t.login(await t.createUser('sales'));
    const admin = await t.login(await t.createUser('admin'));
    expect((await t.request({ url: `/api/v1/imports/${id}`, as: otherSales })).statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/imports/${id}`, as: admin })).statusCode).toBe(200);
    await finished(id);
  });

  it('discards uploads cut off mid-way: chunks deleted, key destroyed, import failed', async () => {
    const subjects = subjectKeysFor(t.keys);
    const [row] = await queryRows<{ id: string }>(
      t.database.db,
      sql`insert into imports (subject_id, status, dry_run, source, lawful_basis, on_duplicate, mapping)
          values (${await subjects.createSubject(t.database.db)}, 'uploading', false, 'x', 'consent', 'skip', '{}'::jsonb)
          returning id`,
    );
    await t.database.db.execute(
      sql`insert into import_chunks (import_id, seq, data) values (${row!.id}, 0, '\\x00'::bytea)`,
    );
    expect(
      await discardAbandonedUploads(t.database.db, subjects, { now: new Date(Date.now() + 7_200_000) }),
    ).toBe(1);
    const [after] = await queryRows<{ status: string; chunks: number; key: unknown }>(
      t.database.db,
      sql`select status, (select count(*)::int from import_chunks where import_id = i.id) as chunks,
                 (select wrapped_key from data_subjects where id = i.subject_id) as key
          from imports i where id = ${row!.id}`,
    );
    expect(after).toEqual({ status: 'failed', chunks: 0, key: null });
  });

  it('refuses a file that is not CSV without echoing it', async () => {
    const res = await upload(settings(), `${header}\n"unterminated,secret-value\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().errors?.[0]?.field).toBe('body.file');
    expect(res.body).not.toContain('secret-value');
  });
});
