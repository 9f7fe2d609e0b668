import { randomInt, randomUUID } from 'node:crypto';
import type { Contact, DuplicateGroup, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let admin: Caller;
let marketing: Caller;
let readonly: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  marketing = await t.login(await t.createUser('marketing'));
  readonly = await t.login(await t.createUser('readonly'));
});
afterAll(() => t.close());

let n = 0;
const unique = (label: string) => `${label}${++n}${randomUUID().slice(0, 6)}`;
/** A Berlin number nobody else in this file has, as digits after +49 30. */
const berlinNumber = () => `${randomInt(1_000_000, 10_000_000)}`;

async function create(body: Record<string, unknown>): Promise<Contact> {
  const res = await t.request({ method: 'POST', url: '/api/v1/contacts', as: admin, body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json<Contact>();
}

interface Page {
  items: DuplicateGroup[];
  nextCursor: string | null;
}

async function duplicates(as: Caller, query = '', headers: Record<string, string> = {}) {
  const res = await t.request({ url: `/api/v1/contacts/duplicates?${query}`, as, headers });
  return res;
}

/** Every group, following the cursors. */
async function allGroups(as: Caller, limit = 100, headers: Record<string, string> = {}) {
  const groups: DuplicateGroup[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await duplicates(as, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, headers);
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.items.length).toBeLessThanOrEqual(limit);
    groups.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { groups, pages };
}

const signature = (g: DuplicateGroup) =>
  `${g.reason}:${g.contacts
    .map((c) => c.id)
    .sort()
    .join(',')}`;
const sorted = (reason: string, ...contacts: Contact[]) =>
  `${reason}:${contacts
    .map((c) => c.id)
    .sort()
    .join(',')}`;

describe('duplicate detection', () => {
  let emailA: Contact;
  let emailB: Contact;
  let phoneA: Contact;
  let phoneB: Contact;
  let unrelated: Contact;
  let twiceA: Contact;
  let twiceB: Contact;
  beforeAll(async () => {
    const local = unique('dup');
    const number = berlinNumber();
    emailA = await create({
      firstName: 'Email',
      lastName: 'One',
      emails: [{ value: `${local}@Example.TEST` }],
    });
    emailB = await create({
      firstName: 'Email',
      lastName: 'Two',
      emails: [
        { value: `${unique('other')}@example.test` },
        { value: `${local.toUpperCase()}@example.test` },
      ],
    });
    phoneA = await create({ firstName: 'Phone', lastName: 'One', phones: [{ value: `+49 30 ${number}` }] });
    phoneB = await create({
      firstName: 'Phone',
      lastName: 'Two',
      phones: [{ value: `+49 (30) ${number.slice(0, 3)}-${number.slice(3)}` }],
    });
    unrelated = await create({
      firstName: 'Not',
      lastName: 'Related',
      emails: [{ value: `${unique('alone')}@example.test` }],
      phones: [{ value: `+49 30 ${berlinNumber()}` }],
    });
    // Two people sharing two e-mail addresses are one group, not two.
    const [x, y] = [unique('twice-x'), unique('twice-y')];
    twiceA = await create({
      firstName: 'Twice',
      emails: [{ value: `${x}@example.test` }, { value: `${y}@example.test` }],
    });
    twiceB = await create({
      firstName: 'Twice',
      emails: [{ value: `${y}@example.test` }, { value: `${x}@example.test` }],
    });
  });

  it('groups contacts sharing an e-mail in any case or a phone in any format, and no one else', async () => {
    const { groups } = await allGroups(admin);
    const signatures = groups.map(signature);
    expect(signatures).toEqual(
      expect.arrayContaining([
        sorted('email', emailA, emailB),
        sorted('phone', phoneA, phoneB),
        sorted('email', twiceA, twiceB),
      ]),
    );
    expect(signatures.filter((s) => s === sorted('email', twiceA, twiceB))).toHaveLength(1);
    expect(groups.flatMap((g) => g.contacts.map((c) => c.id))).not.toContain(unrelated.id);
    const emailGroup = groups.find((g) => signature(g) === sorted('email', emailA, emailB))!;
    expect(emailGroup.contacts.map((c) => c.lastName).sort()).toEqual(['One', 'Two']);
    // The contacts are presented like everywhere else, masking included.
    expect(emailGroup.contacts[0]?.restricted).toEqual(['dateOfBirth']);
  });

  it('compares only the fields the caller may see', async () => {
    // Read-only staff see neither e-mails nor phones: equality of hidden values is not revealed.
    const res = await duplicates(readonly);
    expect(res.statusCode).toBe(200);
    expect(res.json<Page>()).toEqual({ items: [], nextCursor: null });
    // Marketing e-mail may use e-mails but not phones.
    const asMarketing = (await allGroups(marketing)).groups;
    expect(asMarketing.map(signature)).toContain(sorted('email', emailA, emailB));
    expect(asMarketing.every((g) => g.reason === 'email')).toBe(true);
    expect(
      asMarketing.flatMap((g) => g.contacts).every((c) => c.phones.every((p) => p.value === '[restricted]')),
    ).toBe(true);
    // Analytics may use neither.
    expect((await duplicates(admin, '', { 'x-purpose': 'analytics' })).json<Page>().items).toEqual([]);
  });

  it('pages with cursors without repeating or skipping a group', async () => {
    // More groups, so that any disagreement between the order and the cursor shows.
    for (let i = 0; i < 5; i++) {
      const shared = `${unique('paged')}@example.test`;
      await create({ firstName: `Paged${i}`, emails: [{ value: shared }] });
      await create({ firstName: `Paged${i}`, emails: [{ value: shared }] });
    }
    const everything = (await allGroups(admin)).groups.map(signature);
    const { groups, pages } = await allGroups(admin, 1);
    expect(everything.length).toBeGreaterThanOrEqual(8);
    expect(pages).toBe(everything.length);
    expect(groups.map(signature)).toEqual(everything);
    expect(new Set(everything).size).toBe(everything.length);
  });

  it('confirms candidates by decryption: a shared token alone does not make a duplicate', async () => {
    // Forge a blind-index collision: give the unrelated contact the e-mail token of the first pair.
    await execute(
      t.database.db,
      sql`update contacts set email_tokens = email_tokens || (select email_tokens from contacts where id = ${emailA.id}) where id = ${unrelated.id}`,
    );
    const { groups } = await allGroups(admin);
    expect(groups.map(signature)).toContain(sorted('email', emailA, emailB));
    expect(groups.flatMap((g) => g.contacts.map((c) => c.id))).not.toContain(unrelated.id);
  });

  it('audits one entry listing everyone returned, under the request’s purpose', async () => {
    const res = await duplicates(admin, 'limit=100');
    const returned = res.json<Page>().items.flatMap((g) => g.contacts.map((c) => c.id));
    const entries = await queryRows<{ action: string; purpose: string; subject_ids: string[] }>(
      t.database.db,
      sql`select action, purpose, subject_ids from audit_entries where request_id = ${res.headers['x-request-id']}`,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'contact.duplicates', purpose: 'sales_follow_up' });
    const subjects = await queryRows<{ id: string; subject_id: string }>(
      t.database.db,
      sql`select id, subject_id from contacts`,
    );
    const expected = [...new Set(returned)].map((id) => subjects.find((s) => s.id === id)!.subject_id);
    expect([...entries[0]!.subject_ids].sort()).toEqual(expected.sort());
  });

  it('refuses a cursor it did not issue, a limit too high, and anyone not signed in', async () => {
    for (const cursor of ['bm9wZQ', Buffer.from(JSON.stringify(['name', '1'])).toString('base64url')]) {
      const res = await duplicates(admin, `cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.json<Problem>().errors?.[0]?.field).toBe('querystring.cursor');
    }
    const forged = Buffer.from(JSON.stringify(['email', "1' or 1=1"])).toString('base64url');
    expect((await duplicates(admin, `cursor=${forged}`)).statusCode).toBe(400);
    expect((await duplicates(admin, 'limit=101')).statusCode).toBe(400);
    expect((await t.request({ url: '/api/v1/contacts/duplicates' })).statusCode).toBe(401);
  });
});
