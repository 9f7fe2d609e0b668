import type { Activity, Contact, ScannerFinding, ScannerScan, Task } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { runStoredTextScan } from '../../workflows/scan-stored-text.js';
import { subjectKeysFor } from '../subjects/index.js';

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
    body: { entity: 'contact', key: 'notes', label: 'Notes', type: 'text', category: 'professional' },
  });
  expect(field.statusCode, field.body).toBe(201);
});
afterAll(() => t.close());

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}
const findingsOf = async (id: string) =>
  (
    await Promise.all(
      ['open', 'dismissed', 'redacted', 'reclassified'].map(
        async (status) =>
          (
            await call<{ items: ScannerFinding[] }>(
              'GET',
              `/api/v1/scanner/findings?status=${status}&limit=200`,
              dpo,
            )
          ).items,
      ),
    )
  )
    .flat()
    .filter((f) => f.entityId === id);

describe('the privacy officer reviews findings', () => {
  it('reclassifies a field as a special category, which masks it for roles without reveal:special', async () => {
    const contact = await call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Rhea' });
    const note = await call<Activity>('POST', '/api/v1/activities', sales, {
      type: 'call',
      contactIds: [contact.id],
      body: 'She asked us to write to rhea.private@example.test while she is in hospital for chemotherapy.',
    });
    const [finding] = await findingsOf(note.id);
    expect(finding).toMatchObject({ field: 'body', classifiedKinds: null });
    const classified = await call<ScannerFinding>(
      'POST',
      `/api/v1/scanner/findings/${finding!.id}/reclassify`,
      dpo,
      {
        kinds: ['health', 'email'],
      },
    );
    expect(classified).toMatchObject({ status: 'reclassified', classifiedKinds: ['email', 'health'] });

    const seenBySales = await call<Activity>('GET', `/api/v1/activities/${note.id}`, sales);
    expect(seenBySales.body).toBe('[restricted]');
    expect(seenBySales.restricted).toContain('body');
    const listed = await call<{ items: Activity[] }>(
      'GET',
      `/api/v1/activities?contactId=${contact.id}`,
      sales,
    );
    expect(listed.items[0]!.body).toBe('[restricted]');
    expect((await call<Activity>('GET', `/api/v1/activities/${note.id}`, dpo)).body).toContain(
      'chemotherapy',
    );

    // A later edit reopens the finding for review but keeps the classification (and the mask).
    await call('PATCH', `/api/v1/activities/${note.id}`, sales, { body: 'Follow-up planned.' });
    expect((await findingsOf(note.id))[0]).toMatchObject({ kinds: [], classifiedKinds: ['email', 'health'] });
    expect((await call<Activity>('GET', `/api/v1/activities/${note.id}`, sales)).body).toBe('[restricted]');
    // Reclassified as nothing personal: readable again.
    await call('POST', `/api/v1/scanner/findings/${finding!.id}/reclassify`, dpo, { kinds: [] });
    expect((await call<Activity>('GET', `/api/v1/activities/${note.id}`, sales)).body).toBe(
      'Follow-up planned.',
    );

    const task = await call<Task>('POST', '/api/v1/tasks', sales, {
      title: 'Send the trade union form to Rhea',
    });
    const [taskFinding] = await findingsOf(task.id);
    await call('POST', `/api/v1/scanner/findings/${taskFinding!.id}/reclassify`, dpo, { kinds: ['union'] });
    expect((await call<Task>('GET', `/api/v1/tasks/${task.id}`, sales)).title).toBe('[restricted]');

    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/scanner/findings/${finding!.id}/reclassify`,
        as: dpo,
        body: { kinds: ['gossip'] },
      }),
      'body.kinds.0',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/scanner/findings/${finding!.id}/reclassify`,
          as: sales,
          body: { kinds: [] },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('scans contacts’ custom text fields, redacts them, and the findings go with the contact', async () => {
    const contact = await call<Contact>('POST', '/api/v1/contacts', sales, {
      firstName: 'Ivo',
      customFields: { notes: 'Allergic to penicillin; pager +49 30 7654321' },
    });
    const [finding] = await findingsOf(contact.id);
    expect(finding).toMatchObject({
      entity: 'contact',
      field: 'customFields.notes',
      kinds: ['health', 'phone'],
    });
    await call('POST', `/api/v1/scanner/findings/${finding!.id}/redact`, dpo, { kinds: ['phone'] });
    const after = await call<Contact>('GET', `/api/v1/contacts/${contact.id}`, dpo);
    expect(after.customFields.notes).toBe('Allergic to penicillin; pager [redacted]');
    // What was not redacted stays open for review.
    expect((await findingsOf(contact.id)).map((f) => [f.status, f.kinds])).toEqual([['open', ['health']]]);
    await call('PATCH', `/api/v1/contacts/${contact.id}`, sales, {
      customFields: { notes: 'Prefers mornings' },
    });
    expect((await findingsOf(contact.id)).filter((f) => f.status === 'open')).toEqual([]);
    await call('PATCH', `/api/v1/contacts/${contact.id}`, sales, {
      customFields: { notes: 'Wheelchair user' },
    });
    expect((await findingsOf(contact.id)).length).toBeGreaterThan(0);
    const erased = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${contact.id}/erasure`,
      as: dpo,
      body: { reason: 'Ticket 12' },
    });
    expect(erased.statusCode, erased.body).toBe(201);
    expect(await findingsOf(contact.id)).toEqual([]);
  });

  it('refuses identifiers in staff free text kept outside encryption', async () => {
    const contact = await call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Lea' });
    const hold = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${contact.id}/legal-holds`,
      as: dpo,
      body: {
        ground: 'legal_claims',
        purpose: 'legal_obligation',
        fields: ['firstName'],
        reference: 'Claim by lea@example.test',
      },
    });
    expectFieldProblem(hold, 'body.reference');
    expect(hold.body).not.toContain('lea@example.test');
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${contact.id}/erasure`,
        as: dpo,
        body: { reason: 'Asked by phone +49 30 1112223' },
      }),
      'body.reason',
    );
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/retention/policies',
        as: dpo,
        body: {
          name: 'x',
          description: 'For DE89 3704 0044 0532 0130 00',
          target: 'activity',
          trigger: 'created',
          period: { amount: 1, unit: 'years' },
          action: 'delete_record',
        },
      }),
      'body.description',
    );
  });
});

describe('the background scan of stored text', () => {
  it('finds again what is stored, with its progress, and resumes from where it stopped', async () => {
    const contact = await call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Olga' });
    const note = await call<Activity>('POST', '/api/v1/activities', sales, {
      type: 'note',
      contactIds: [contact.id],
      body: 'Card 4111 1111 1111 1111 for the deposit',
    });
    const task = await call<Task>('POST', '/api/v1/tasks', sales, {
      title: 'Ask olga@example.test about her visa',
    });
    // As if written before the scanner existed.
    await t.database.db.execute(sql`delete from scanner_findings`);
    expect(await findingsOf(note.id)).toEqual([]);

    const queued = await t.request({ method: 'POST', url: '/api/v1/scanner/scans', as: dpo, body: {} });
    expect(queued.statusCode, queued.body).toBe(202);
    let scan = queued.json<ScannerScan>();
    for (let i = 0; i < 300 && scan.status !== 'completed' && scan.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      scan = (await call<{ items: ScannerScan[] }>('GET', '/api/v1/scanner/scans', dpo)).items[0]!;
    }
    expect(scan.status).toBe('completed');
    const [counts] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select ((select count(*) from activities) + (select count(*) from tasks) + (select count(*) from contacts))::int as n`,
    );
    expect(scan).toMatchObject({ total: counts!.n, scanned: counts!.n, phase: 'contacts' });
    expect(scan.withFindings).toBeGreaterThanOrEqual(2);
    expect((await findingsOf(note.id)).map((f) => f.kinds)).toEqual([['payment_card']]);
    expect((await findingsOf(task.id)).map((f) => f.kinds)).toEqual([['email']]);

    // A scan cut off in the tasks phase resumes there: activities are not read again.
    await t.database.db.execute(sql`delete from scanner_findings`);
    await t.database.db.execute(
      sql`insert into scanner_scans (status, phase, total, started_at) values ('running', 'tasks', ${counts!.n}, now())`,
    );
    await runStoredTextScan({
      db: t.database.db,
      keys: t.keys,
      subjects: subjectKeysFor(t.keys),
      indexer: indexerFor(t.keys),
    });
    expect(await findingsOf(note.id)).toEqual([]);
    expect((await findingsOf(task.id)).map((f) => f.kinds)).toEqual([['email']]);
    expect((await call<{ items: ScannerScan[] }>('GET', '/api/v1/scanner/scans', dpo)).items[0]!.status).toBe(
      'completed',
    );
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/scanner/scans', as: sales, body: {} })).statusCode,
    ).toBe(403);
    // The card number, not its first digits alone: those turn up in random request ids.
    const logs = t.logLines.join('\n');
    for (const card of ['4111 1111 1111 1111', '4111111111111111', '1111 1111 1111'])
      expect(logs).not.toContain(card);
  });
});
