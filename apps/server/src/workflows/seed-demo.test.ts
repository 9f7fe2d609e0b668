import { randomBytes } from 'node:crypto';
import { type Contact, listContactsQuery } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAll, verifyAuditChain } from '../modules/audit/index.js';
import { findCompanies } from '../modules/companies/index.js';
import { type ContactDeps, findContacts } from '../modules/contacts/index.js';
import { findDeals } from '../modules/deals/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { createUser } from '../modules/users/index.js';
import { systemContext } from '../platform/access.js';
import { indexerFor, normalisePhone } from '../platform/crypto/blind-index.js';
import { KeyRing } from '../platform/crypto/keys.js';
import { type Database, queryRows } from '../platform/db/database.js';
import { createTestDatabase } from '../test/database.js';
import { type DemoSummary, seedDemo } from './seed-demo.js';

const size = 30;
const seed = 4242;
const ctx = systemContext('test');

interface Workspace {
  database: Database;
  deps: ContactDeps;
}
const workspaces: Workspace[] = [];

async function freshWorkspace(): Promise<Workspace> {
  const database = await createTestDatabase();
  const keys = new KeyRing(randomBytes(32));
  const workspace = {
    database,
    deps: { db: database.db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) },
  };
  workspaces.push(workspace);
  return workspace;
}

/** Every contact, read back through the use case (the system actor sees everything unmasked). */
async function allContacts(deps: ContactDeps): Promise<Contact[]> {
  const out: Contact[] = [];
  let cursor: string | undefined;
  do {
    const page = await findContacts({ ...deps, ctx, query: listContactsQuery.parse({ limit: 200, cursor }) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const identity = (c: Contact) =>
  `${c.firstName} ${c.lastName} <${c.emails.map((e) => `${e.value}${e.primary ? '*' : ''}`).join(', ')}>`;

const countOf = async (database: Database, action: string) =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from audit_entries where action = ${action} and actor_type = 'system'`,
    )
  )[0]?.n;

let first: Workspace;
let second: Workspace;
let firstSummary: DemoSummary;
let secondSummary: DemoSummary;
const staffIds: string[] = [];

beforeAll(async () => {
  [first, second] = await Promise.all([freshWorkspace(), freshWorkspace()]);
  // Staff on the first installation only: owners must not change who is drawn.
  for (const role of ['sales', 'admin', 'readonly'] as const) {
    const user = await createUser({
      db: first.database.db,
      keys: first.deps.keys,
      ctx,
      input: {
        email: `demo-${role}-${randomBytes(4).toString('hex')}@example.test`,
        name: `Demo ${role}`,
        role,
        password: 'a long enough passphrase',
      },
    });
    if (role !== 'readonly') staffIds.push(user.id);
  }
  firstSummary = await seedDemo({ ...first.deps, seed, contacts: size });
  // Another day: dates move, people do not.
  secondSummary = await seedDemo({
    ...second.deps,
    seed,
    contacts: size,
    now: new Date(Date.now() - 40 * 24 * 3600_000),
  });
}, 120_000);

afterAll(async () => {
  for (const w of workspaces) await w.database.close();
});

describe('seedDemo', () => {
  it('creates the counts it reports, in proportion to the number of contacts', async () => {
    expect(firstSummary).toEqual({ seed, contacts: 30, companies: 4, deals: 12, activities: 60, tasks: 15 });
    expect(secondSummary).toEqual(firstSummary);
    const contacts = await allContacts(first.deps);
    expect(contacts).toHaveLength(30);
    const companies = await findCompanies({ ...first.deps, ctx, query: { limit: 200 } });
    expect(companies.items).toHaveLength(4);
    const deals = await findDeals({ ...first.deps, ctx, query: { limit: 200 } });
    expect(deals.items).toHaveLength(12);
    expect(await countOf(first.database, 'activity.create')).toBe(60);
    expect(await countOf(first.database, 'task.create')).toBe(15);
  });

  it('gives the same people and e-mails for the same seed on another database and another day', async () => {
    const a = (await allContacts(first.deps)).map(identity).sort();
    const b = (await allContacts(second.deps)).map(identity).sort();
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(size);
  });

  it('makes realistic, safe contacts: reserved domains, valid phones, owners, activity, a child', async () => {
    const contacts = await allContacts(first.deps);
    const emails = contacts.flatMap((c) => c.emails.map((e) => e.value));
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) expect(e).toMatch(/@([a-z0-9-]+\.example|example\.(com|org|net))$/);
    const phones = contacts.flatMap((c) => c.phones.map((p) => p.value));
    expect(phones.length).toBeGreaterThan(size / 2);
    for (const p of phones) expect(normalisePhone(p)).toBe(p);
    for (const c of contacts) {
      expect(c.restricted).toEqual([]);
      expect(staffIds).toContain(c.ownerId);
    }
    expect(contacts.filter((c) => c.isChild)).toHaveLength(1);
    expect(contacts.filter((c) => c.companyId !== null).length).toBeGreaterThan(size / 2);
    expect(contacts.filter((c) => c.lastActivityAt !== null).length).toBeGreaterThan(size / 2);
    expect(new Set(contacts.map((c) => c.lifecycleStage)).size).toBeGreaterThan(2);
    // Without staff the records have no owner.
    for (const c of await allContacts(second.deps)) expect(c.ownerId).toBeNull();
  });

  it('refuses a CRM that already holds contacts unless forced', async () => {
    await expect(seedDemo({ ...first.deps, seed: 1, contacts: 5 })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await allContacts(first.deps)).toHaveLength(size);
    const forced = await seedDemo({ ...first.deps, seed: 1, contacts: 5, force: true });
    expect(forced.contacts).toBe(5);
    expect(await allContacts(first.deps)).toHaveLength(size + 5);
  });

  it('refuses a size or seed out of range', async () => {
    const { deps } = await freshWorkspace();
    for (const bad of [{ contacts: 0 }, { contacts: 10_001 }, { contacts: 2.5 }, { seed: -1 }])
      await expect(seedDemo({ ...deps, seed, ...bad })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('leaves an audit trail of every record, as the demo system actor, that verifies', async () => {
    expect(await countOf(second.database, 'contact.create')).toBe(size);
    expect(await countOf(second.database, 'company.create')).toBe(4);
    expect(await countOf(second.database, 'deal.create')).toBe(12);
    await sealAll(second.database.db, second.deps.keys);
    const status = await verifyAuditChain(second.database.db, second.deps.keys);
    expect(status.intact).toBe(true);
    expect(status.unsealed).toBe(0);
    // The audit trail never holds the people's names or e-mails.
    const [dump] = await queryRows<{ text: string }>(
      second.database.db,
      sql`select string_agg(a::text, ' ') as text from audit_entries a`,
    );
    for (const c of await allContacts(second.deps)) expect(dump?.text).not.toContain(c.emails[0]!.value);
  });
});
