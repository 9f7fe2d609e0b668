import { randomUUID } from 'node:crypto';
import type { Activity, Contact, DsrRequest, Import, Problem, SubjectPackage } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { importClient, importJobDeps } from '../test/imports.js';
import { multipart } from '../test/multipart.js';
import { runImport } from './run-import.js';

let t: TestContext;
let sales: Caller;
let dpo: Caller;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  sales = await t.login(await t.createUser('sales'));
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(() => t.close());
const { finished, person, upload } = importClient(() => ({ t, as: sales }));

const header = 'Type,When,Subject,Notes,Minutes,Direction,Who,Also';
const settings = (overrides: Record<string, string> = {}) => ({
  kind: 'activities',
  mapping: JSON.stringify({
    Type: 'type',
    When: 'occurredAt',
    Subject: 'subject',
    Notes: 'body',
    Minutes: 'durationMinutes',
    Direction: 'direction',
    Who: 'email',
    Also: 'email2',
  }),
  source: 'Old CRM export',
  ...overrides,
});

const timeline = async (contactId: string) =>
  (await t.request({ url: `/api/v1/contacts/${contactId}/activities`, as: sales })).json<{
    items: Activity[];
  }>().items;

describe('activity import', () => {
  it('imports activities about known people, reporting bad rows by row and column only, once', async () => {
    const tag = `act${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const bob = await person(tag, 'bob');
    const csv = [
      header,
      `note,2024-02-01T10:00:00+01:00,Kick-off,First talk about pricing,,,${ada.email},`,
      // Two people, one in other letter case; a date-time without offset is UTC.
      `Call,2024-03-05 14:30,Renewal,Call me back on +49 30 1234567,25,Outbound,${ada.email.toUpperCase()},${bob.email}`,
      // A type the CRM does not know, with a value that must not show up anywhere.
      `fax-secret-type,2024-03-06,Fax,,,,${ada.email},`,
      `meeting,not-a-date-secret,Lunch,,60,,${bob.email},`,
      `email,2024-04-01,Offer,,,sideways-secret,${bob.email},`,
      `note,2024-04-02,Unknown,,,,nobody-secret-${tag}@example.test,`,
      `note,2024-04-03,Half known,,,,${ada.email},ghost-secret-${tag}@example.test`,
      `note,2024-04-04,No address,,,,,`,
      `meeting,2024-05-01,Workshop,,90,,${bob.email},`,
    ].join('\n');
    const res = await upload(settings(), `${csv}\n`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json<Import>()).toMatchObject({ kind: 'activities', lawfulBasis: null, totalRows: 9 });
    const done = await finished(res.json<Import>().id);
    expect(done).toMatchObject({ status: 'completed', rowsDone: 9, created: 3, failed: 6, skipped: 0 });
    expect(done.errors.map((e) => [e.row, e.field])).toEqual([
      [3, 'Type'],
      [4, 'When'],
      [5, 'Direction'],
      [6, 'Who'],
      [7, 'Also'],
      [8, 'Who'],
    ]);
    expect(done.errors.find((e) => e.row === 6)?.issue).toBe('names nobody in the CRM');
    expect(JSON.stringify(done.errors)).not.toMatch(/secret/);
    expect(t.logLines.join('\n')).not.toMatch(/secret|Call me back/);

    const adas = await timeline(ada.id);
    expect(adas.map((a) => [a.type, a.subject, a.occurredAt])).toEqual([
      ['call', 'Renewal', '2024-03-05T14:30:00.000Z'],
      ['note', 'Kick-off', '2024-02-01T09:00:00.000Z'],
    ]);
    expect(adas[0]).toMatchObject({
      body: 'Call me back on +49 30 1234567',
      durationMinutes: 25,
      direction: 'outbound',
      contactIds: [ada.id, bob.id].sort(),
    });
    expect((await timeline(bob.id)).map((a) => a.subject)).toEqual(['Workshop', 'Renewal']);

    // Each activity has a key of its own; every batch is audited under the people; the scanner saw the phone
    // number; the last activity moved; the stored file and its key are gone.
    const [state] = await queryRows<{
      keys: number;
      audits: number;
      named: boolean;
      findings: number;
      last: string;
      chunks: number;
      key: unknown;
    }>(
      t.database.db,
      sql`select
            (select count(distinct a.subject_id)::int from activities a
               join activity_contacts l on l.activity_id = a.id
               where l.contact_id in (${ada.id}, ${bob.id})) as keys,
            (select count(*)::int from audit_entries where action = 'activity.import' and entity_id = ${done.id}) as audits,
            (select bool_and(subject_ids @> array[(select subject_id from contacts where id = ${ada.id})]::uuid[])
               from audit_entries where action = 'activity.import' and entity_id = ${done.id}) as named,
            (select count(*)::int from scanner_findings where activity_id = ${adas[0]!.id}) as findings,
            (select last_activity_at::text from contacts where id = ${bob.id}) as last,
            (select count(*)::int from import_chunks where import_id = ${done.id}) as chunks,
            (select wrapped_key from data_subjects where id = (select subject_id from imports where id = ${done.id})) as key`,
    );
    expect(state).toMatchObject({ keys: 3, audits: 1, named: true, findings: 1, chunks: 0, key: null });
    expect(new Date(state!.last).toISOString()).toBe('2024-05-01T00:00:00.000Z');
    const [plain] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from activities a where a::text like '%Kick-off%' or a::text like '%pricing%'`,
    );
    expect(plain?.n).toBe(0);

    // The same file again brings nothing in twice.
    const again = await finished((await upload(settings(), `${csv}\n`)).json<Import>().id);
    expect(again).toMatchObject({ created: 0, skipped: 3, failed: 6 });
    expect(await timeline(ada.id)).toHaveLength(2);

    // An older activity comes in (another type at a moment already taken, and an earlier one): both are new,
    // and the last activity does not move back.
    const older = await finished(
      (
        await upload(
          settings(),
          `${header}\ncall,2024-05-01,Same moment,,,,${bob.email},\nnote,2023-01-01,Older,,,,${bob.email},\n`,
        )
      ).json<Import>().id,
    );
    expect(older).toMatchObject({ created: 2, skipped: 0, failed: 0 });
    const [after] = await queryRows<{ last: string }>(
      t.database.db,
      sql`select last_activity_at::text as last from contacts where id = ${bob.id}`,
    );
    expect(new Date(after!.last).toISOString()).toBe('2024-05-01T00:00:00.000Z');
  });

  it('changes nothing in a dry run', async () => {
    const tag = `dry${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const csv = `${header}\nnote,2024-01-01,A,,,,${ada.email},\nnote,2024-01-02,B,,,,nobody-${tag}@example.test,\n`;
    const dry = await finished((await upload(settings({ dryRun: 'true' }), csv)).json<Import>().id);
    expect(dry).toMatchObject({ status: 'completed', dryRun: true, created: 1, failed: 1 });
    expect(await timeline(ada.id)).toEqual([]);
    const [audits] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'activity.import' and entity_id = ${dry.id}`,
    );
    expect(audits?.n).toBe(0);
  });

  it('resumes after a crash from the last committed batch, applying no row twice', async () => {
    const tag = `crash${randomUUID().slice(0, 8)}`;
    const noJobs = await createTestContext();
    try {
      const who = await noJobs.login(await noJobs.createUser('sales'));
      const email = `${tag}@example.test`;
      const created = await noJobs.request({
        method: 'POST',
        url: '/api/v1/contacts',
        as: who,
        body: { firstName: 'Crash', emails: [{ value: email }] },
      });
      const contactId = created.json<Contact>().id;
      const lines = [
        header,
        ...Array.from(
          { length: 25 },
          (_, i) => `note,2024-01-01T00:00:${String(i).padStart(2, '0')}Z,N${i},,,,${email},`,
        ),
      ];
      const { payload, headers } = multipart(settings(), `${lines.join('\n')}\n`);
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
      expect(await runImport({ ...deps, importId: id, batchSize: 10 })).toMatchObject({
        status: 'completed',
        rowsDone: 25,
        created: 25,
        skipped: 0,
      });
      const [count] = await queryRows<{ n: number }>(
        noJobs.database.db,
        sql`select count(*)::int as n from activity_contacts where contact_id = ${contactId}`,
      );
      expect(count?.n).toBe(25);
      expect(await runImport({ ...deps, importId: id })).toMatchObject({ status: 'completed', created: 25 });
    } finally {
      await noJobs.close();
    }
  });

  it('puts imported activities in the access package, and erasure takes them with the person', async () => {
    const tag = `era${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const bob = await person(tag, 'bob');
    const csv = [
      header,
      `note,2024-01-01,Only about Ada,Private note,,,${ada.email},`,
      `meeting,2024-01-02,Ada and Bob,Shared notes,30,,${ada.email},${bob.email}`,
    ].join('\n');
    const done = await finished((await upload(settings(), `${csv}\n`)).json<Import>().id);
    expect(done).toMatchObject({ created: 2, failed: 0 });
    const [own, shared] = [...(await timeline(ada.id))].reverse();

    const request = (
      await t.request({
        method: 'POST',
        url: '/api/v1/requests',
        as: dpo,
        body: { type: 'access', requester: { email: ada.email } },
      })
    ).json<DsrRequest>();
    await t.request({
      method: 'POST',
      url: `/api/v1/requests/${request.id}/verify`,
      as: dpo,
      body: { method: 'email_code' },
    });
    const fulfilled = await t.request({
      method: 'POST',
      url: `/api/v1/requests/${request.id}/fulfil`,
      as: dpo,
      body: {},
    });
    expect(fulfilled.statusCode, fulfilled.body).toBe(200);
    const preview = (
      await t.request({ url: `/api/v1/requests/${request.id}/package/preview`, as: dpo })
    ).json<SubjectPackage>();
    expect(preview.activities.map((a) => a.subject).sort()).toEqual(['Ada and Bob', 'Only about Ada']);

    const [keysBefore] = await queryRows<{ person: string; note: string }>(
      t.database.db,
      sql`select (select subject_id from contacts where id = ${ada.id}) as person,
                 (select subject_id from activities where id = ${own!.id}) as note`,
    );
    const erased = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${ada.id}/erasure`,
      as: dpo,
      body: { reason: 'Asked by phone' },
    });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    expect((await t.request({ url: `/api/v1/activities/${own!.id}`, as: sales })).statusCode).toBe(404);
    const kept = (await t.request({ url: `/api/v1/activities/${shared!.id}`, as: sales })).json<Activity>();
    expect(kept.contactIds).toEqual([bob.id]);
    // Her key and the key of the note about her alone are destroyed.
    const [left] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from data_subjects
          where id in (${keysBefore!.person}, ${keysBefore!.note}) and wrapped_key is not null`,
    );
    expect(left?.n).toBe(0);
  });

  it('refuses bad settings with a 400 naming the field', async () => {
    const csv = `${header}\nnote,2024-01-01,A,,,,a@example.test,\n`;
    const cases: [Record<string, string>, string][] = [
      [settings({ kind: 'tasks' }), 'body.kind'],
      [settings({ mapping: JSON.stringify({ Type: 'type', When: 'occurredAt' }) }), 'body.mapping'],
      [
        settings({ mapping: JSON.stringify({ Type: 'type', When: 'occurredAt', Who: 'firstName' }) }),
        'body.mapping',
      ],
      [settings({ onDuplicate: 'update' }), 'body.onDuplicate'],
    ];
    for (const [fields, field] of cases) {
      const res = await upload(fields, csv);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
    }
  });
});
