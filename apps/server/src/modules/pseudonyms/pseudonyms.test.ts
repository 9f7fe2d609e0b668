import type { Contact, PseudonymExport, PseudonymRecipient } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
const people: Contact[] = [];

beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  await publishTestNotice(t, dpo);
  for (let i = 0; i < 6; i++) {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: {
        firstName: `Pseu${i}`,
        lastName: `Donym${i}`,
        emails: [{ value: `pseu${i}@example.test` }],
        addresses: [{ city: 'Lyon', country: 'FR' }],
        dateOfBirth: '1986-04-02',
        jobTitle: 'Buyer',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    people.push(res.json<Contact>());
  }
  await recordEvent(t, dpo, people[5]!.id, { kind: 'objected', purpose: 'analytics', method: 'web_form' });
});
afterAll(() => t.close());

async function call<T>(method: 'GET' | 'POST', url: string, as: Caller, body?: unknown): Promise<T> {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const recipient = (name: string) =>
  call<PseudonymRecipient>('POST', '/api/v1/pseudonym-recipients', dpo, { name, purpose: 'analytics' });
const exportFor = (id: string) =>
  call<PseudonymExport>('GET', `/api/v1/pseudonym-recipients/${id}/export`, sales);
const resolve = (id: string, pseudonyms: string[]) =>
  call<{ items: { pseudonym: string; contactId: string | null }[] }>(
    'POST',
    `/api/v1/pseudonym-recipients/${id}/resolve`,
    dpo,
    { pseudonyms },
  );

describe('pseudonymised exports', () => {
  it('give each recipient its own stable pseudonyms, without direct identifiers, that only Custodian resolves', async () => {
    const lab = await recipient('Research lab');
    const agency = await recipient('Agency');
    expect(lab).toMatchObject({ purpose: 'analytics', version: 1, rotatedAt: null });
    const first = await exportFor(lab.id);
    expect(first.columns).toEqual([
      'pseudonym',
      'lifecycleStage',
      'source',
      'createdAt',
      'country',
      'birthYears',
      'jobTitle',
    ]);
    expect(first.refused).toBe(1);
    expect(first.rows).toHaveLength(5);
    expect(first.rows[0]!.slice(4)).toEqual(['FR', '1985-1989', 'Buyer']);
    const text = JSON.stringify(first);
    for (const p of people) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.lastName!);
      expect(text).not.toContain(p.emails[0]!.value);
    }
    // Stable for the recipient, different for another one.
    expect((await exportFor(lab.id)).rows.map((r) => r[0])).toEqual(first.rows.map((r) => r[0]));
    const other = (await exportFor(agency.id)).rows.map((r) => r[0]);
    expect(other.filter((p) => first.rows.some((r) => r[0] === p))).toEqual([]);

    const resolved = await resolve(lab.id, [first.rows[0]![0]!, 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(people.map((p) => p.id)).toContain(resolved.items[0]!.contactId);
    expect(resolved.items[1]).toEqual({ pseudonym: 'AAAAAAAAAAAAAAAAAAAAAA', contactId: null });
    // The agency's key does not resolve the lab's pseudonyms.
    expect((await resolve(agency.id, [first.rows[0]![0]!])).items[0]!.contactId).toBeNull();

    // Disclosures are audited with the people disclosed.
    const audited = await queryRows<{ n: number }>(
      t.database.db,
      sql`select coalesce(sum(cardinality(subject_ids)), 0)::int as n from audit_entries
          where action = 'pseudonyms.export' and entity_id = ${lab.id}`,
    );
    expect(audited[0]!.n).toBe(10);

    // Rotation: new pseudonyms; the old ones link to nobody any more.
    const rotated = await call<PseudonymRecipient>(
      'POST',
      `/api/v1/pseudonym-recipients/${lab.id}/rotate`,
      dpo,
      {},
    );
    expect(rotated.version).toBe(2);
    const after = (await exportFor(lab.id)).rows.map((r) => r[0]!);
    expect(after.filter((p) => first.rows.some((r) => r[0] === p))).toEqual([]);
    expect((await resolve(lab.id, [first.rows[0]![0]!])).items[0]!.contactId).toBeNull();
    expect((await resolve(lab.id, [after[0]!])).items[0]!.contactId).not.toBeNull();

    // An erased person's pseudonym resolves to no one.
    const target = (await resolve(lab.id, after.slice(0, 1))).items[0]!.contactId!;
    const erased = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${target}/erasure`,
      as: dpo,
      body: { reason: 'Ticket 9' },
    });
    expect(erased.statusCode, erased.body).toBe(201);
    expect((await resolve(lab.id, after.slice(0, 1))).items[0]!.contactId).toBeNull();
  });

  it('are managed by the DPO, and bad input is answered with problem+json', async () => {
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/pseudonym-recipients',
          as: sales,
          body: { name: 'x', purpose: 'analytics' },
        })
      ).statusCode,
    ).toBe(403);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/pseudonym-recipients',
        as: dpo,
        body: { name: 'x', purpose: 'gossip' },
      }),
      'body.purpose',
    );
    const lab = await recipient('Lab 2');
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/pseudonym-recipients/${lab.id}/resolve`,
        as: dpo,
        body: { pseudonyms: ['x'] },
      }),
      'body.pseudonyms.0',
    );
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/api/v1/pseudonym-recipients/${crypto.randomUUID()}/export`,
          as: sales,
        })
      ).statusCode,
    ).toBe(404);
  });
});
