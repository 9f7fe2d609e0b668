import { randomUUID } from 'node:crypto';
import type {
  ConsentEvent,
  ConsentOverview,
  Contact,
  DsrRequest,
  Import,
  Notice,
  Problem,
  SubjectPackage,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';
import { importClient, importJobDeps } from '../test/imports.js';
import { multipart } from '../test/multipart.js';
import { runImport } from './run-import.js';

let t: TestContext;
let sales: Caller;
let dpo: Caller;
/** The newsletter text the previous system showed since 2020, registered by the DPO. */
let legacy: Notice;
/** A notice published today, for texts never shown before. */
let fresh: Notice;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  sales = await t.login(await t.createUser('sales'));
  dpo = await t.login(await t.createUser('dpo'));
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/notices',
    as: dpo,
    body: {
      key: 'legacy-newsletter',
      name: 'Newsletter notice of the old shop',
      purposes: ['newsletter', 'marketing_email'],
      shownSince: '2020-01-01T00:00:00Z',
      texts: [
        { language: 'en', text: 'We send you our newsletter. You can unsubscribe at any time.' },
        { language: 'de', text: 'Wir senden Ihnen unseren Newsletter. Abmelden jederzeit möglich.' },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  legacy = res.json<Notice>();
  fresh = await publishTestNotice(t, dpo, { key: 'fresh-newsletter', purposes: ['newsletter'] });
});
afterAll(() => t.close());
const { finished, person, upload } = importClient(() => ({ t, as: sales }));

const header = 'Email,Purpose,Choice,Date,Method,Reference,Notice,Version,Language';
const settings = (overrides: Record<string, string> = {}) => ({
  kind: 'consents',
  mapping: JSON.stringify({
    Email: 'email',
    Purpose: 'purpose',
    Choice: 'kind',
    Date: 'occurredAt',
    Method: 'method',
    Reference: 'source',
    Notice: 'noticeKey',
    Version: 'noticeVersion',
    Language: 'language',
  }),
  source: 'Old shop consent log',
  ...overrides,
});

const stateOf = async (contactId: string, purpose: string) =>
  (await t.request({ url: `/api/v1/contacts/${contactId}/consents`, as: sales }))
    .json<ConsentOverview>()
    .purposes.find((p) => p.purpose === purpose);
const ledgerOf = async (contactId: string) =>
  (await t.request({ url: `/api/v1/contacts/${contactId}/consents/events`, as: dpo })).json<{
    items: ConsentEvent[];
  }>().items;

describe('consent history import', () => {
  it('appends the history with its original dates, derives the state as for live events, and reports bad rows', async () => {
    const tag = `con${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const bob = await person(tag, 'bob');
    const cy = await person(tag, 'cy');
    // Cy consented here, today; the old system's withdrawal is older, so it changes nothing now.
    await recordEvent(t, sales, cy.id, {
      kind: 'given',
      purpose: 'newsletter',
      noticeId: fresh.id,
      language: 'en',
      method: 'verbal',
    });
    const csv = [
      header,
      `${ada.email},newsletter,given,2021-01-01T10:00:00Z,web_form,https://shop.example/signup?email=ada,legacy-newsletter,1,en`,
      `${ada.email},newsletter,withdrawn,2022-06-01,,ticket 17,,,`,
      `${ada.email},marketing_email,GIVEN,2021-03-01,paper,form 4,legacy-newsletter,1,de`,
      // Bob's rows out of order: the later consent wins.
      `${bob.email},newsletter,given,2023-05-01,,,legacy-newsletter,1,en`,
      `${bob.email},newsletter,withdrawn,2023-01-01,,,,,`,
      `${cy.email},newsletter,withdrawn,2022-01-01,,,,,`,
      `nobody-secret-${tag}@example.test,newsletter,withdrawn,2022-01-01,,,,,`,
      `${ada.email},sausages-secret,withdrawn,2022-01-01,,,,,`,
      `${ada.email},newsletter,maybe-secret,2022-01-01,,,,,`,
      // Consent to a text not yet in use then.
      `${ada.email},newsletter,given,2021-01-01,,,fresh-newsletter,1,en`,
      `${ada.email},newsletter,given,2021-01-01,,,legacy-newsletter,1,fr`,
      `${ada.email},newsletter,given,2021-01-01,,,,,en`,
      `${ada.email},newsletter,withdrawn,2999-01-01,,,,,`,
      `${ada.email},analytics,given,2021-01-01,,,legacy-newsletter,1,en`,
      `${ada.email},newsletter,given,2021-01-01,,,legacy-newsletter,9,en`,
      `${ada.email},newsletter,withdrawn,2022-01-01,telepathy-secret,,,,`,
    ].join('\n');
    const res = await upload(settings(), `${csv}\n`);
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json<Import>().id);
    expect(done).toMatchObject({ kind: 'consents', status: 'completed', created: 6, failed: 10, skipped: 0 });
    expect(done.errors.map((e) => [e.row, e.field, e.issue])).toEqual([
      [7, 'Email', 'names nobody in the CRM'],
      [8, 'Purpose', expect.any(String)],
      [9, 'Choice', expect.any(String)],
      [10, 'Date', 'is before the notice was in use'],
      [11, 'Language', 'is not a language this notice was published in'],
      [12, 'Notice', expect.stringContaining('is required')],
      [13, 'Date', 'is in the future'],
      [14, 'Notice', 'does not cover this purpose'],
      [15, 'Notice', 'is not a published notice'],
      [16, 'Method', expect.any(String)],
    ]);
    expect(JSON.stringify(done.errors)).not.toMatch(/secret/);
    expect(t.logLines.join('\n')).not.toMatch(/secret|shop\.example/);

    expect(await stateOf(ada.id, 'newsletter')).toMatchObject({ consent: 'withdrawn' });
    expect(await stateOf(ada.id, 'marketing_email')).toMatchObject({ consent: 'given', noticeId: legacy.id });
    expect(await stateOf(bob.id, 'newsletter')).toMatchObject({ consent: 'given', noticeId: legacy.id });
    expect(await stateOf(cy.id, 'newsletter')).toMatchObject({ consent: 'given', noticeId: fresh.id });
    // The state read from the derived table is what a replay of the ledger gives.
    const guard = await t.request({
      url: `/api/v1/contacts/${bob.id}/may-process?purpose=newsletter`,
      as: sales,
    });
    expect(guard.json()).toMatchObject({ allowed: true });

    const adas = await ledgerOf(ada.id);
    const first = adas.find((e) => e.kind === 'given' && e.purpose === 'newsletter')!;
    expect(first).toMatchObject({
      method: 'web_form',
      occurredAt: '2021-01-01T10:00:00.000Z',
      noticeId: legacy.id,
      language: 'en',
      actor: { type: 'import' },
      // The query of a URL is dropped, as for any recorded event.
      source: 'https://shop.example/signup',
    });
    expect(first.proof.note).toContain('Old shop consent log');
    expect(adas.find((e) => e.kind === 'withdrawn')).toMatchObject({ method: 'import', noticeId: null });

    const [counts] = await queryRows<{ changed: number; audits: number; plain: number }>(
      t.database.db,
      sql`select
            (select count(*)::int from domain_events where type = 'consent.changed'
               and subject_id in (select subject_id from contacts where id in (${ada.id}, ${bob.id}, ${cy.id}))) as changed,
            (select count(*)::int from audit_entries where action = 'consent.import' and entity_id = ${done.id}) as audits,
            (select count(*)::int from consent_events e where e::text like '%ticket 17%') as plain`,
    );
    // Six imported events and Cy's live one.
    expect(counts).toEqual({ changed: 7, audits: 1, plain: 0 });

    // The same file again appends nothing.
    const again = await finished((await upload(settings(), `${csv}\n`)).json<Import>().id);
    expect(again).toMatchObject({ created: 0, skipped: 6, failed: 10 });
    expect(await ledgerOf(ada.id)).toHaveLength(3);
  });

  it('holds recorded events to the notice’s shownSince too, and refuses a shownSince in the future', async () => {
    const tag = `one${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const event = (occurredAt: string) =>
      t.request({
        method: 'POST',
        url: `/api/v1/contacts/${ada.id}/consents/events`,
        as: sales,
        body: {
          kind: 'given',
          purpose: 'newsletter',
          noticeId: legacy.id,
          language: 'en',
          method: 'paper',
          occurredAt,
        },
      });
    expect((await event('2019-06-01T00:00:00Z')).statusCode).toBe(400);
    expect((await event('2020-06-01T00:00:00Z')).statusCode).toBe(201);
    const future = await t.request({
      method: 'POST',
      url: '/api/v1/notices',
      as: dpo,
      body: {
        key: `later-${tag}`,
        name: 'Not yet',
        purposes: ['newsletter'],
        shownSince: '2999-01-01T00:00:00Z',
        texts: [{ language: 'en', text: 'A text nobody has been shown yet, at all.' }],
      },
    });
    expect(future.statusCode).toBe(400);
    expect(future.json<Problem>().errors?.map((e) => e.field)).toContain('body.shownSince');
  });

  it('changes nothing in a dry run, and needs the right to record consent', async () => {
    const tag = `dry${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const csv = `${header}\n${ada.email},newsletter,given,2021-01-01,,,legacy-newsletter,1,en\n`;
    const dry = await finished((await upload(settings({ dryRun: 'true' }), csv)).json<Import>().id);
    expect(dry).toMatchObject({ status: 'completed', dryRun: true, created: 1, failed: 0 });
    expect(await ledgerOf(ada.id)).toEqual([]);
    expect(await stateOf(ada.id, 'newsletter')).toBeUndefined();

    const token = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: sales,
      body: { name: 'contacts only', scopes: ['contacts:import'] },
    });
    const narrow = { token: token.json<{ secret: string }>().secret };
    expect((await upload(settings(), csv, narrow)).statusCode).toBe(403);
  });

  it('resumes after a crash from the last committed batch, appending no event twice', async () => {
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
      // Withdrawals a day apart (one person may well have many).
      const lines = [
        'Email,Purpose,Choice,Date',
        ...Array.from(
          { length: 25 },
          (_, i) => `${email},analytics,withdrawn,2022-01-${String(i + 1).padStart(2, '0')}`,
        ),
      ];
      const mapping = JSON.stringify({
        Email: 'email',
        Purpose: 'purpose',
        Choice: 'kind',
        Date: 'occurredAt',
      });
      const { payload, headers } = multipart(
        { kind: 'consents', mapping, source: 'old CRM' },
        `${lines.join('\n')}\n`,
      );
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
      const [count] = await queryRows<{ n: number; consent: string }>(
        noJobs.database.db,
        sql`select (select count(*)::int from consent_events where subject_id = c.subject_id) as n,
                   (select consent from consent_states where subject_id = c.subject_id and purpose = 'analytics') as consent
            from contacts c where c.id = ${contactId}`,
      );
      expect(count).toEqual({ n: 25, consent: 'withdrawn' });
    } finally {
      await noJobs.close();
    }
  });

  it('puts imported events in the access package, and erasure removes them with the person', async () => {
    const tag = `era${randomUUID().slice(0, 8)}`;
    const ada = await person(tag, 'ada');
    const csv = `${header}\n${ada.email},newsletter,given,2021-01-01,paper,form 9,legacy-newsletter,1,en\n`;
    expect(await finished((await upload(settings(), csv)).json<Import>().id)).toMatchObject({ created: 1 });

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
    expect(preview.consent.events.map((e) => [e.kind, e.purpose, e.occurredAt])).toEqual([
      ['given', 'newsletter', '2021-01-01T00:00:00.000Z'],
    ]);

    const [before] = await queryRows<{ subject: string }>(
      t.database.db,
      sql`select subject_id as subject from contacts where id = ${ada.id}`,
    );
    const erased = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${ada.id}/erasure`,
      as: dpo,
      body: { reason: 'Asked by mail' },
    });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    const [left] = await queryRows<{ events: number; states: number }>(
      t.database.db,
      sql`select (select count(*)::int from consent_events where subject_id = ${before!.subject}) as events,
                 (select count(*)::int from consent_states where subject_id = ${before!.subject}) as states`,
    );
    expect(left).toEqual({ events: 0, states: 0 });
  });
});
