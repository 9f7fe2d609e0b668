import { randomUUID } from 'node:crypto';
import {
  type Contact,
  type DataCategory,
  dataCategories,
  type ImpactAssessment,
  type ImpactAssessmentInput,
} from '@custodian/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext, type TestUser } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { accessOf } from './audit-scope.js';
import { canonicalContent } from './canonical.js';
import { assessImpact } from './impact-assessment.js';
import { auditEntries } from './schema.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
let salesUser: TestUser;
let salesToken: { id: string; caller: Caller };

beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  salesUser = await t.createUser('sales');
  sales = await t.login(salesUser);
  const created = await t.request({
    method: 'POST',
    url: '/api/v1/tokens',
    as: sales,
    body: { name: 'sync script', scopes: ['contacts:read', 'contacts:write'] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const body = created.json<{ token: { id: string }; secret: string }>();
  salesToken = { id: body.token.id, caller: { token: body.secret } };
});
afterAll(() => t.close());

const assess = (body: unknown, as: Caller = dpo) =>
  t.request({ method: 'POST', url: '/api/v1/audit/impact-assessment', as, body });

async function createContact(as: Caller, firstName: string): Promise<Contact> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as,
    body: {
      firstName,
      lastName: 'Impact',
      emails: [{ value: `${randomUUID()}@example.test` }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Contact>();
}

describe('impact assessment over HTTP', () => {
  it('tells what a compromised token read apart from its user’s own sessions', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const byToken = [await createContact(dpo, 'Tok'), await createContact(dpo, 'Ken')];
    const bySession = await createContact(dpo, 'Sess');
    for (const c of byToken) {
      const res = await t.request({ url: `/api/v1/contacts/${c.id}`, as: salesToken.caller });
      expect(res.statusCode).toBe(200);
    }
    expect((await t.request({ url: `/api/v1/contacts/${bySession.id}`, as: sales })).statusCode).toBe(200);
    // A refused call touched nothing.
    expect((await t.request({ url: '/api/v1/audit', as: salesToken.caller })).statusCode).toBe(403);
    const to = new Date(Date.now() + 1000).toISOString();

    const token = await assess({ actor: { type: 'token', id: salesToken.id }, from, to });
    expect(token.statusCode, token.body).toBe(200);
    const tokenResult = token.json<ImpactAssessment>();
    expect(tokenResult.people).toBe(2);
    expect(tokenResult.entries).toEqual({ read: 2, change: 0 });
    expect(tokenResult.affected.map((a) => a.contactId).sort()).toEqual(byToken.map((c) => c.id).sort());
    // The token was not given the scopes that reveal e-mails or phones: its reads exposed no contact details.
    expect(tokenResult.categories.map((c) => c.category)).toEqual(['identity']);
    expect(tokenResult.categories[0]).toMatchObject({ people: 2, read: 2, change: 0 });
    expect(tokenResult.affected[0]!.categories).toEqual([{ category: 'identity', read: 1, change: 0 }]);

    const account = await assess({ actor: { type: 'user', id: salesUser.id }, from, to });
    const accountResult = account.json<ImpactAssessment>();
    // The three contacts, and perhaps the account's own staff record (creating its token named it).
    const others = accountResult.affected.filter((a) => a.contactId === null);
    expect(others.every((a) => a.userId === salesUser.id)).toBe(true);
    expect(accountResult.people).toBe(3 + others.length);
    // The session of a sales user sees e-mails; never special categories.
    const seen = accountResult.categories.map((c) => c.category);
    expect(seen).toContain('contact');
    expect(seen).not.toContain('special');
    expect(
      accountResult.affected
        .map((a) => a.contactId)
        .filter((id) => id !== null)
        .sort(),
    ).toEqual([...byToken, bySession].map((c) => c.id).sort());
  });

  it('answers bad input with problem+json naming the field, and refuses sales', async () => {
    const now = new Date().toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    expectFieldProblem(
      await assess({ actor: { type: 'user', id: salesUser.id }, from: now, to: earlier }),
      'body.to',
    );
    expectFieldProblem(
      await assess({ actor: { type: 'robot', id: salesUser.id }, from: earlier, to: now }),
      'body.actor.type',
    );
    expectFieldProblem(
      await assess({ actor: { type: 'user', id: 'nope' }, from: earlier, to: now }),
      'body.actor.id',
    );
    expectFieldProblem(
      await assess({ actor: { type: 'user', id: salesUser.id }, from: 'yesterday', to: now }),
      'body.from',
    );
    expectFieldProblem(
      await assess({ actor: { type: 'user', id: salesUser.id }, from: earlier, to: now, limit: 10_001 }),
      'body.limit',
    );
    const refused = await assess(
      { actor: { type: 'user', id: salesUser.id }, from: earlier, to: now },
      sales,
    );
    expect(refused.statusCode).toBe(403);
  });
});

/** A generated trail: accounts, their tokens, the system, both entry formats, every outcome. */
interface Generated {
  userId: string | null;
  actorType: 'user' | 'token' | 'system';
  tokenId: string | null;
  format: 1 | 2;
  action: string;
  access: 'read' | 'change' | null;
  categories: DataCategory[];
  subjectIds: string[];
  outcome: 'success' | 'denied' | 'failure';
  occurredAt: Date;
}

const day = 86_400_000;
const start = Date.UTC(2026, 5, 1);
const actions = [
  'contact.read',
  'contact.list',
  'contact.update',
  'activity.create',
  'deal.delete',
  'contact.erase',
];

describe('impact assessment equals a brute-force scan of the trail', () => {
  const users = [randomUUID(), randomUUID(), randomUUID()];
  const tokens = users.map((u) => ({ id: randomUUID(), userId: u }));
  const subjects = Array.from({ length: 80 }, () => randomUUID());
  let entries: Generated[] = [];

  beforeAll(async () => {
    const arbitrary = fc.record({
      who: fc.nat(users.length * 2),
      format: fc.constantFrom(1 as const, 2 as const, 2 as const),
      action: fc.constantFrom(...actions),
      access: fc.constantFrom('read' as const, 'change' as const),
      categories: fc.subarray([...dataCategories]),
      subjects: fc.subarray(subjects, { maxLength: 5 }),
      outcome: fc.constantFrom(
        'success' as const,
        'success' as const,
        'success' as const,
        'denied' as const,
        'failure' as const,
      ),
      at: fc.integer({ min: 0, max: 10 * day - 1 }),
    });
    const samples = fc.sample(arbitrary, { numRuns: 3000, seed: 20261130 });
    entries = samples.map((s) => {
      const index = s.who % users.length;
      const actorType = s.who === users.length * 2 ? 'system' : s.who < users.length ? 'user' : 'token';
      const named = s.subjects.length > 0;
      return {
        userId: actorType === 'system' ? null : users[index]!,
        actorType,
        tokenId: actorType === 'token' && s.format === 2 ? tokens[index]!.id : null,
        format: s.format,
        action: s.action,
        access: s.format === 2 && named ? s.access : null,
        categories: s.format === 2 && named ? s.categories : [],
        subjectIds: s.subjects,
        outcome: s.outcome,
        occurredAt: new Date(start + s.at),
      };
    });
    const rows = entries.map((e) => {
      const content = {
        occurredAt: e.occurredAt,
        actorType: e.actorType,
        actorId: e.userId,
        action: e.action,
        entityType: 'contact',
        entityId: null,
        subjectIds: e.subjectIds,
        purpose: null,
        requestId: null,
        outcome: e.outcome,
        format: e.format,
        tokenId: e.tokenId,
        access: e.access,
        categories: e.categories,
      };
      return {
        ...content,
        keyId: t.keys.masterKeyId,
        mac: t.keys.mac('audit-entry-mac', canonicalContent(content)),
      };
    });
    for (let i = 0; i < rows.length; i += 500)
      await t.database.db.insert(auditEntries).values(rows.slice(i, i + 500));
  });

  /** The definition, applied entry by entry in memory. */
  function bruteForce(input: ImpactAssessmentInput) {
    const from = Date.parse(input.from);
    const to = Date.parse(input.to);
    const people = new Map<string, Map<string, { read: number; change: number }>>();
    const entryTotals = { read: 0, change: 0 };
    for (const e of entries) {
      const mine =
        input.actor.type === 'token'
          ? e.tokenId === input.actor.id
          : e.userId === input.actor.id && e.actorType !== 'system';
      const at = e.occurredAt.getTime();
      if (!mine || at < from || at >= to || e.outcome !== 'success' || e.subjectIds.length === 0) continue;
      if (e.format === 2 && e.categories.length === 0) continue;
      const access = e.access ?? accessOf(e.action);
      entryTotals[access] += 1;
      for (const s of new Set(e.subjectIds)) {
        const counts = people.get(s) ?? new Map();
        for (const c of e.format === 1 ? ['unrecorded'] : e.categories) {
          const n = counts.get(c) ?? { read: 0, change: 0 };
          n[access] += 1;
          counts.set(c, n);
        }
        people.set(s, counts);
      }
    }
    return { people, entryTotals };
  }

  const windows = () => [
    [start - day, start + 11 * day],
    [start + 2 * day + 3_600_000, start + 5 * day + 7_200_000],
    [start + 9 * day, start + 9 * day + 3_600_000],
    [start + 20 * day, start + 21 * day],
  ];

  it('for every account and every token, over whole, partial and empty windows', async () => {
    const actors = [
      ...users.map((id) => ({ type: 'user' as const, id })),
      ...tokens.map((x) => ({ type: 'token' as const, id: x.id })),
    ];
    let nonEmpty = 0;
    for (const actor of actors)
      for (const [from, to] of windows()) {
        const input = {
          actor,
          from: new Date(from!).toISOString(),
          to: new Date(to!).toISOString(),
          limit: 10_000,
        };
        const expected = bruteForce(input);
        const got = await assessImpact(t.database.db, input);
        expect(got.people, JSON.stringify(input)).toBe(expected.people.size);
        expect(got.entries).toEqual(expected.entryTotals);
        expect(got.truncated).toBe(false);
        const gotPeople = new Map(
          got.affected.map((a) => [
            a.subjectId,
            new Map(a.categories.map((c) => [c.category, { read: c.read, change: c.change }])),
          ]),
        );
        expect(gotPeople).toEqual(expected.people);
        // Per category: people and entries add up to the people's own counts.
        for (const c of got.categories) {
          const holders = [...expected.people.values()].filter((m) => m.has(c.category));
          expect(c.people).toBe(holders.length);
          expect(c.read).toBe(holders.reduce((n, m) => n + m.get(c.category)!.read, 0));
        }
        if (expected.people.size > 0) nonEmpty += 1;
      }
    // The generated trail is not degenerate: most questions have answers.
    expect(nonEmpty).toBeGreaterThanOrEqual(12);
  });

  it('lists the first people up to the limit and still counts everyone', async () => {
    const input = {
      actor: { type: 'user' as const, id: users[0]! },
      from: new Date(start).toISOString(),
      to: new Date(start + 10 * day).toISOString(),
      limit: 5,
    };
    const got = await assessImpact(t.database.db, input);
    expect(got.affected).toHaveLength(5);
    expect(got.truncated).toBe(true);
    expect(got.people).toBe(bruteForce(input).people.size);
    const firsts = got.affected.map((a) => a.firstAt);
    expect([...firsts].sort()).toEqual(firsts);
  });

  it('counts the first-format entries of a token’s user that cannot be attributed to one token', async () => {
    const legacy = (outcome: string) => {
      const content = {
        occurredAt: new Date(start + day),
        actorType: 'token',
        actorId: salesUser.id,
        action: 'contact.read',
        entityType: 'contact',
        entityId: null,
        subjectIds: [subjects[0]!],
        purpose: null,
        requestId: null,
        outcome,
        format: 1,
        tokenId: null,
        access: null,
        categories: [],
      };
      return {
        ...content,
        keyId: t.keys.masterKeyId,
        mac: t.keys.mac('audit-entry-mac', canonicalContent(content)),
      };
    };
    await t.database.db
      .insert(auditEntries)
      .values([legacy('success'), legacy('success'), legacy('success'), legacy('denied')]);
    const got = await assessImpact(t.database.db, {
      actor: { type: 'token', id: salesToken.id },
      from: new Date(start).toISOString(),
      to: new Date(start + 10 * day).toISOString(),
      limit: 0,
    });
    expect(got.unattributedTokenEntries).toBe(3);
    expect(got.people).toBe(0);
    expect(got.affected).toEqual([]);
  });
});
