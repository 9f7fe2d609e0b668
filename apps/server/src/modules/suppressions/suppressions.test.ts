import type { Contact, Import, Suppression } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext, uniqueEmail } from '../../test/context.js';
import { multipart } from '../../test/multipart.js';
import { expectFieldProblem } from '../../test/problem.js';
import { rehashLegacySuppressions } from './index.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
});
afterAll(() => t.close());

const add = (body: Record<string, unknown>, as = dpo) =>
  t.request({ method: 'POST', url: '/api/v1/suppressions', as, body });

async function importCsv(csv: string): Promise<Import> {
  const { payload, headers } = multipart(
    {
      mapping: JSON.stringify({ Email: 'email', Name: 'firstName' }),
      source: 'list',
      lawfulBasis: 'legitimate_interests',
    },
    csv,
  );
  const res = await t.request({ method: 'POST', url: '/api/v1/imports', as: sales, payload, headers });
  expect(res.statusCode, res.body).toBe(202);
  for (;;) {
    const done = (
      await t.request({ url: `/api/v1/imports/${res.json<Import>().id}`, as: sales })
    ).json<Import>();
    if (done.status === 'completed' || done.status === 'failed') return done;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the suppression list', () => {
  it('keeps only keyed hashes, and stops imports and staff from bringing the person back', async () => {
    const email = uniqueEmail('erased');
    const added = await add({ emails: [email], phones: ['+49 30 1234567'], reason: 'erasure' });
    expect(added.statusCode, added.body).toBe(201);
    const entries = added.json<{ items: Suppression[] }>().items;
    expect(entries.map((e) => e.kind).sort()).toEqual(['email', 'phone']);
    const stored = await t.database.db.execute(sql`select s::text as row from suppression_entries s`);
    expect(JSON.stringify(stored)).not.toContain(email.split('@')[0]);
    expect(JSON.stringify(stored)).not.toContain('1234567');
    // Not even the contacts' blind-index token of the address: a second keyed hash of it.
    const token = indexerFor(t.keys).exactEmail('contact-email', email).toString();
    expect(JSON.stringify(stored)).not.toContain(token);
    // Adding the same address again changes nothing.
    expect(
      (await add({ emails: [email.toUpperCase()], reason: 'erasure' })).json<{ items: Suppression[] }>()
        .items,
    ).toHaveLength(1);

    const check = await t.request({
      method: 'POST',
      url: '/api/v1/suppressions/check',
      as: dpo,
      body: { phones: ['030 1234567', '+4930 1234567'] },
    });
    expect(check.json()).toMatchObject({ suppressed: true });

    const recreate = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Back', emails: [{ value: email }] },
    });
    expect(recreate.statusCode).toBe(409);
    expect(recreate.body).not.toContain(email);

    const other = uniqueEmail('welcome');
    const result = await importCsv(`Email,Name\n${email},Again\n${other},Welcome\n`);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 1 });
    expect(result.errors).toEqual([
      { row: 1, field: 'Email', issue: 'belongs to someone on the suppression list' },
    ]);
    const found = await t.request({ url: `/api/v1/contacts?q=${encodeURIComponent(email)}`, as: dpo });
    expect(found.json<{ items: Contact[] }>().items).toEqual([]);

    // With their new, explicit consent the DPO lifts the entry, and the person can be recorded again.
    const emailEntry = entries.find((e) => e.kind === 'email')!;
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/suppressions/${emailEntry.id}`, as: dpo }))
        .statusCode,
    ).toBe(204);
    const back = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Back', emails: [{ value: email }] },
    });
    expect(back.statusCode).toBe(201);
  });

  it('is managed by the DPO only, and answers bad input by field', async () => {
    expect((await add({ emails: [uniqueEmail('x')], reason: 'erasure' }, sales)).statusCode).toBe(403);
    expectFieldProblem(await add({ emails: [], reason: 'erasure' }), 'body.emails');
    expectFieldProblem(await add({ emails: ['nope'], reason: 'erasure' }), 'body.emails.0');
    expectFieldProblem(await add({ emails: [uniqueEmail('x')], reason: 'whim' }), 'body.reason');
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: '/api/v1/suppressions/00000000-0000-4000-8000-000000000999',
          as: dpo,
        })
      ).statusCode,
    ).toBe(404);
    const listed = await t.request({ url: '/api/v1/suppressions', as: dpo });
    expect(listed.statusCode).toBe(200);
  });
});

describe('entries from before the list held hashes of tokens', () => {
  it('are re-hashed at start-up, once, and still stop the person', async () => {
    const email = uniqueEmail('legacy');
    const token = indexerFor(t.keys).exactEmail('contact-email', email).toString();
    await t.database.db.execute(
      sql`insert into suppression_entries (kind, token, reason) values ('email', ${token}, 'erasure')`,
    );
    expect(await rehashLegacySuppressions(t.database.db, indexerFor(t.keys))).toBe(1);
    expect(await rehashLegacySuppressions(t.database.db, indexerFor(t.keys))).toBe(0);
    const rows = await queryRows<{ token: string }>(
      t.database.db,
      sql`select token from suppression_entries where token = ${token}`,
    );
    expect(rows).toEqual([]);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: { firstName: 'Back', emails: [{ value: email }] },
    });
    expect(res.statusCode).toBe(409);
  });
});
