import { randomBytes, randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, execute, openPostgres, queryRows, transaction } from '../../platform/db/database.js';
import {
  type Caller,
  createTestContext,
  type TestContext,
  type TestUser,
  testPassword,
  uniqueEmail,
} from '../../test/context.js';
import { engine } from '../../test/database.js';
import {
  cleanSubjectIndex,
  recordAudit,
  sealAll,
  sealAuditChain,
  startAuditSealer,
  verifyAuditChain,
} from './index.js';

/** The PostgreSQL error code under a driver or Drizzle error. */
async function failureCode(work: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await work;
  } catch (err) {
    let e: unknown = err;
    const messages: string[] = [];
    for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
      const candidate = e as { code?: unknown; message?: unknown; cause?: unknown };
      if (typeof candidate.message === 'string') messages.push(candidate.message);
      if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
        return { code: candidate.code, message: messages.join(' / ') };
      }
      e = candidate.cause;
    }
    return { code: undefined, message: messages.join(' / ') };
  }
  throw new Error('the statement succeeded');
}

/** What a database administrator can do: switch triggers off for one transaction and edit the table. */
function asDatabaseAdministrator(db: Db, statements: SQL[]): Promise<void> {
  return transaction(db, async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    for (const statement of statements) await tx.execute(statement);
  });
}

const recordTestEvent = (db: Db, keys: KeyRing, action = 'test.event') =>
  recordAudit(db, keys, systemContext('test'), { action, entityType: 'test', subjectIds: [randomUUID()] });

async function countEntries(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_entries`);
  return rows[0]?.n ?? 0;
}

async function lastEntryId(db: Db): Promise<number> {
  const rows = await queryRows<{ id: number | null }>(db, sql`select max(id)::int as id from audit_entries`);
  return rows[0]?.id ?? 0;
}

/** Every sealed position is used once, from 1 up without a gap, and nothing is left unsealed. */
async function expectWholeChainSealedOnce(db: Db): Promise<void> {
  const rows = await queryRows<{
    total: number;
    sealed: number;
    distinct_seq: number;
    min_seq: number;
    max_seq: number;
  }>(
    db,
    sql`select count(*)::int as total, count(seq)::int as sealed, count(distinct seq)::int as distinct_seq,
               min(seq)::int as min_seq, max(seq)::int as max_seq
        from audit_entries`,
  );
  const r = rows[0];
  expect(r?.sealed).toBe(r?.total);
  expect(r?.distinct_seq).toBe(r?.total);
  expect(r?.min_seq).toBe(1);
  expect(r?.max_seq).toBe(r?.total);
}

let t: TestContext;
let admin: TestUser;
let adminCaller: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.createUser('admin');
  adminCaller = await t.login(admin);
});
afterAll(() => t.close());

describe('audit entries written by requests', () => {
  it('record sign-in, user creation and listing without any e-mail or name', async () => {
    const before = await lastEntryId(t.database.db);
    const name = `Zelda Quistorp ${randomBytes(3).toString('hex')}`;
    const email = uniqueEmail('Zelda.Quistorp');
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: adminCaller,
      body: { email, name, role: 'sales', password: testPassword },
    });
    expect(created.statusCode).toBe(201);
    const newUserId: string = created.json().id;
    expect((await t.request({ url: '/api/v1/users?limit=200', as: adminCaller })).statusCode).toBe(200);
    // Sign-ins that succeed and fail, with known and unknown addresses.
    await t.login({ email });
    const ghost = uniqueEmail('Ghost.Person');
    const failures = [
      { email, password: 'not the right password' },
      { email: ghost, password: 'not the right password' },
    ];
    for (const body of failures) {
      expect((await t.request({ method: 'POST', url: '/api/v1/auth/login', body })).statusCode).toBe(401);
    }

    const written = await queryRows<{
      action: string;
      outcome: string;
      actor_id: string | null;
      subject_ids: string[];
    }>(
      t.database.db,
      sql`select action, outcome, actor_id, subject_ids from audit_entries where id > ${before} order by id`,
    );
    expect(written.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'user.create:success',
      'user.list:success',
      'auth.login:success',
      'auth.login:failure',
      'auth.login:failure',
    ]);
    const [newUser] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from users where id = ${newUserId}`,
    );
    const newSubject = newUser!.subject_id;
    expect(written[0]).toMatchObject({ actor_id: admin.id, subject_ids: [newSubject] });
    expect(written[2]).toMatchObject({ actor_id: newUserId, subject_ids: [newSubject] });
    expect(written[3]?.subject_ids).toEqual([newSubject]);
    expect(written[4]?.subject_ids).toEqual([]);

    // Every column of every entry, as text, against every person's e-mail, its local part, and name.
    const people: { email: string; name: string }[] = (
      await t.request({ url: '/api/v1/users?limit=200', as: adminCaller })
    ).json().items;
    const needles = [
      ...people.flatMap((p) => [p.email, p.email.split('@')[0] ?? p.email, p.name]),
      ghost,
      ghost.split('@')[0] ?? ghost,
    ].map((s) => s.toLowerCase());
    expect(needles).toContain(name.toLowerCase());
    const rows = await queryRows<{ row: string }>(
      t.database.db,
      sql`select a::text as row from audit_entries a`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(written.length);
    for (const { row } of rows) {
      const text = row.toLowerCase();
      for (const needle of needles) expect(text).not.toContain(needle);
    }
  });

  it('writes one entry for a list page, naming every person on it', async () => {
    for (let i = 0; i < 3; i++) await t.createUser('support');
    const before = await lastEntryId(t.database.db);
    const all = await t.request({ url: '/api/v1/users?limit=200', as: adminCaller });
    expect(all.statusCode).toBe(200);
    const subjectOf = async (ids: string[]) =>
      (
        await queryRows<{ subject_id: string }>(
          t.database.db,
          sql`select subject_id from users where id in ${ids}`,
        )
      ).map((r) => r.subject_id);
    const allIds = await subjectOf(all.json().items.map((u: { id: string }) => u.id));
    expect(allIds.length).toBeGreaterThanOrEqual(4);

    const page = await t.request({ url: '/api/v1/users?limit=2', as: adminCaller });
    const pageIds = await subjectOf(page.json().items.map((u: { id: string }) => u.id));
    expect(pageIds).toHaveLength(2);

    const entries = await queryRows<{ subject_ids: string[]; entity_id: string | null }>(
      t.database.db,
      sql`select subject_ids, entity_id from audit_entries where id > ${before} and action = 'user.list' order by id`,
    );
    expect(entries).toHaveLength(2);
    expect([...(entries[0]?.subject_ids ?? [])].sort()).toEqual([...allIds].sort());
    expect([...(entries[1]?.subject_ids ?? [])].sort()).toEqual([...pageIds].sort());
  });

  it('stores the same entry whether recorded in a transaction or outside one (built once there)', async () => {
    const subject = randomUUID();
    const other = randomUUID();
    const event = {
      action: 'contact.read',
      entityType: 'contact',
      entityId: randomUUID(),
      subjectIds: [subject],
    };
    const ctx = systemContext('test');
    const ids = [
      await recordAudit(t.database.db, t.keys, ctx, event),
      await recordAudit(t.database.db, t.keys, ctx, { ...event, subjectIds: [other, subject] }),
      await transaction(t.database.db, (tx) => recordAudit(tx, t.keys, ctx, event)),
    ];
    const rows = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`select actor_type, actor_id, action, entity_type, entity_id, subject_ids, purpose, request_id, outcome,
                 format, token_id, access, categories, key_id, length(mac) as mac_length
          from audit_entries where id in ${ids} order by id`,
    );
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual(rows[0]);
    expect(rows[0]).toMatchObject({ action: 'contact.read', entity_id: event.entityId, mac_length: 32 });
    expect([...((rows[1]?.subject_ids as string[] | undefined) ?? [])].sort()).toEqual(
      [other, subject].sort(),
    );
    await sealAll(t.database.db, t.keys);
    expect((await verifyAuditChain(t.database.db, t.keys)).intact).toBe(true);
  });

  it('seals every entry and verifies the whole chain intact', async () => {
    await recordTestEvent(t.database.db, t.keys);
    const total = await countEntries(t.database.db);
    const before = await verifyAuditChain(t.database.db, t.keys);
    expect(before.intact).toBe(true);
    expect(before.sealed + before.unsealed).toBe(total);
    expect(before.unsealed).toBeGreaterThan(0);

    expect(await sealAll(t.database.db, t.keys)).toBe(before.unsealed);
    expect(await sealAll(t.database.db, t.keys)).toBe(0);
    expect(await verifyAuditChain(t.database.db, t.keys)).toEqual({
      intact: true,
      sealed: total,
      unsealed: 0,
      firstBroken: null,
      prunedThrough: null,
      head: { seq: String(total), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    await expectWholeChainSealedOnce(t.database.db);
  });
});

describe('the index of the people an entry names', () => {
  /** Entries naming this person, looked up through the GIN index (its pending list included), never a scan. */
  const namingByIndex = (db: Db, subject: string) =>
    transaction(db, async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ id: number }>(
        tx,
        sql`select id::int as id from audit_entries where subject_ids @> array[${subject}::uuid]`,
      );
    });

  it('has a long pending list, which the sealer empties after sealing; entries are found before and after', async () => {
    const db = t.database.db;
    const [index] = await queryRows<{ reloptions: string[] | null }>(
      db,
      sql`select reloptions from pg_class where relname = 'audit_entries_subject_ids_idx'`,
    );
    expect(index?.reloptions).toEqual(['gin_pending_list_limit=32768']);

    await sealAll(db, t.keys);
    await cleanSubjectIndex(db);
    const segment = Array.from({ length: 2_000 }, () => randomUUID());
    const id = await recordAudit(db, t.keys, systemContext('test'), {
      action: 'consent.guard',
      entityType: 'segment',
      subjectIds: segment,
    });
    // Written to the pending list: found through the index before anything moved it.
    expect(await namingByIndex(db, segment[1_234]!)).toEqual([{ id }]);

    const stop = startAuditSealer({ db, keys: t.keys, log: pino({ level: 'silent' }), intervalMs: 10 });
    try {
      await vi.waitFor(
        async () => {
          const [row] = await queryRows<{ seq: number | null }>(
            db,
            sql`select seq::int as seq from audit_entries where id = ${id}`,
          );
          expect(row?.seq).not.toBeNull();
        },
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      await stop();
    }
    // The pass that sealed the entry also emptied the pending list: nothing is left to clean.
    expect(await cleanSubjectIndex(db)).toBe(0);
    expect(await namingByIndex(db, segment[1_234]!)).toEqual([{ id }]);
    expect(await namingByIndex(db, segment[0]!)).toEqual([{ id }]);
    expect(await namingByIndex(db, randomUUID())).toEqual([]);
  });
});

describe('GET /api/v1/audit', () => {
  let dpo: Caller;
  let sales: TestUser;
  let salesCaller: Caller;
  let subject: TestUser;
  beforeAll(async () => {
    dpo = await t.login(await t.createUser('dpo'));
    sales = await t.createUser('sales');
    salesCaller = await t.login(sales);
    subject = await t.createUser('marketing');
    // The administrator reads the subject twice: once alone, once on a list page.
    expect((await t.request({ url: `/api/v1/users/${subject.id}`, as: adminCaller })).statusCode).toBe(200);
    expect((await t.request({ url: '/api/v1/users?limit=200', as: adminCaller })).statusCode).toBe(200);
  });

  type Item = {
    id: string;
    seq: string | null;
    action: string;
    actorId: string | null;
    subjectIds: string[];
  };
  const list = async (
    query: string,
    as: Caller = adminCaller,
  ): Promise<{ items: Item[]; nextCursor: string | null }> => {
    const res = await t.request({ url: `/api/v1/audit${query}`, as });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('lets an administrator and a DPO read the trail, and refuses sales (and records the refusal)', async () => {
    expect((await list('', adminCaller)).items.length).toBeGreaterThan(0);
    expect((await list('', dpo)).items.length).toBeGreaterThan(0);
    const refused = await t.request({ url: '/api/v1/audit', as: salesCaller });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    const denied = await list(`?actorId=${sales.id}&outcome=denied`);
    expect(denied.items.map((i) => i.action)).toContain('GET /api/v1/audit');
  });

  it('filters by subject: everything that touched one person', async () => {
    const { items } = await list(`?subjectId=${subject.subjectId}`);
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) expect(item.subjectIds).toContain(subject.subjectId);
    expect(items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.read', 'user.list']),
    );
    const upper = await list(`?subjectId=${subject.subjectId.toUpperCase()}`);
    expect(upper.items.filter((i) => i.action !== 'audit.list').map((i) => i.id)).toEqual(
      items.filter((i) => i.action !== 'audit.list').map((i) => i.id),
    );
    // Reading who accessed a person is itself recorded against that person.
    const again = await list(`?subjectId=${subject.subjectId}&action=audit.list`);
    expect(again.items.length).toBeGreaterThanOrEqual(2);
  });

  it('filters by action and by actor', async () => {
    const creates = await list('?action=user.create&limit=200');
    expect(creates.items.length).toBeGreaterThanOrEqual(4);
    for (const item of creates.items) expect(item.action).toBe('user.create');

    const byAdmin = await list(`?actorId=${admin.id}&limit=200`);
    for (const item of byAdmin.items) expect(item.actorId).toBe(admin.id);
    expect(byAdmin.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['auth.login', 'user.read', 'user.list', 'audit.list']),
    );
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const whole = await list('?action=user.create&limit=200');
    expect(whole.nextCursor).toBeNull();
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(
        `?action=user.create&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(ids).toEqual(whole.items.map((i) => i.id));
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
    expect(pages).toBe(Math.ceil(ids.length / 2));

    const bad = await t.request({ url: '/api/v1/audit?cursor=not-a-cursor', as: adminCaller });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
  });

  it('verifies the chain over HTTP for an administrator or a DPO, not for sales', async () => {
    await sealAll(t.database.db, t.keys);
    await recordTestEvent(t.database.db, t.keys);
    const total = await countEntries(t.database.db);
    const res = await t.request({ url: '/api/v1/audit/verify', as: dpo });
    expect(res.statusCode).toBe(200);
    const status = res.json();
    expect(status).toMatchObject({ intact: true, unsealed: 1, firstBroken: null });
    expect(status.sealed + status.unsealed).toBe(total);
    expect((await t.request({ url: '/api/v1/audit/verify', as: adminCaller })).json().intact).toBe(true);
    const refused = await t.request({ url: '/api/v1/audit/verify', as: salesCaller });
    expect(refused.statusCode).toBe(403);
  });
});

describe('append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of audit entries, sealed or not', async () => {
    await recordTestEvent(t.database.db, t.keys);
    await sealAll(t.database.db, t.keys);
    await recordTestEvent(t.database.db, t.keys, 'test.unsealed');
    const [sealed] = await queryRows<{ id: number }>(
      t.database.db,
      sql`select id from audit_entries where seq is not null order by id limit 1`,
    );
    const [unsealed] = await queryRows<{ id: number }>(
      t.database.db,
      sql`select id from audit_entries where seq is null order by id limit 1`,
    );
    expect(sealed && unsealed).toBeTruthy();
    const total = await countEntries(t.database.db);

    const attempts: [string, SQL][] = [
      ['edit a sealed entry', sql`update audit_entries set action = 'user.delete' where id = ${sealed?.id}`],
      ['re-seal a sealed entry', sql`update audit_entries set seq = seq + 100000 where id = ${sealed?.id}`],
      ['edit an unsealed entry', sql`update audit_entries set outcome = 'denied' where id = ${unsealed?.id}`],
      ['hide a token', sql`update audit_entries set token_id = null where id = ${unsealed?.id}`],
      ['narrow the categories', sql`update audit_entries set categories = '{}' where id = ${sealed?.id}`],
      ['half-seal an unsealed entry', sql`update audit_entries set seq = 999999 where id = ${unsealed?.id}`],
      ['delete an entry', sql`delete from audit_entries where id = ${sealed?.id}`],
      ['delete every entry', sql`delete from audit_entries`],
      ['truncate the table', sql`truncate audit_entries`],
    ];
    for (const [what, statement] of attempts) {
      const failure = await failureCode(execute(t.database.db, statement));
      expect(failure, what).toMatchObject({ code: '42501' });
      expect(failure.message, what).toContain('append-only');
    }
    expect(await countEntries(t.database.db)).toBe(total);
    expect((await verifyAuditChain(t.database.db, t.keys)).intact).toBe(true);
  });
});

describe('tamper detection', () => {
  let f: TestContext;
  let chain: { id: number; seq: number }[];
  beforeEach(async () => {
    f = await createTestContext();
    for (let i = 0; i < 5; i++) await recordTestEvent(f.database.db, f.keys);
    await sealAll(f.database.db, f.keys);
    chain = await queryRows<{ id: number; seq: number }>(
      f.database.db,
      sql`select id, seq from audit_entries order by seq`,
    );
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await verifyAuditChain(f.database.db, f.keys)).intact).toBe(true);
  });
  afterEach(() => f.close());

  const at = (seq: number) => {
    const entry = chain.find((e) => e.seq === seq);
    if (!entry) throw new Error(`no entry at position ${seq}`);
    return entry;
  };

  it('names a sealed entry whose content was edited', async () => {
    const target = at(3);
    await asDatabaseAdministrator(f.database.db, [
      sql`update audit_entries set action = 'test.harmless' where id = ${target.id}`,
    ]);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({
      intact: false,
      sealed: 2,
      firstBroken: { id: String(target.id), seq: '3' },
    });
    expect(status.firstBroken?.reason).toMatch(/changed/);

    // The same answer over HTTP.
    const dpo = await f.login(await f.createUser('dpo'));
    const res = await f.request({ url: '/api/v1/audit/verify', as: dpo });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ intact: false, firstBroken: { id: String(target.id), seq: '3' } });
  });

  it('names the entry after one deleted from the middle', async () => {
    await asDatabaseAdministrator(f.database.db, [sql`delete from audit_entries where id = ${at(3).id}`]);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({
      intact: false,
      sealed: 2,
      firstBroken: { id: String(at(4).id), seq: '4' },
    });
    expect(status.firstBroken?.reason).toMatch(/missing/);
  });

  it('names an entry moved to another position (two entries swapped)', async () => {
    const [second, third] = [at(2), at(3)];
    await asDatabaseAdministrator(f.database.db, [
      sql`update audit_entries set seq = -1 where id = ${second.id}`,
      sql`update audit_entries set seq = 2 where id = ${third.id}`,
      sql`update audit_entries set seq = 3 where id = ${second.id}`,
    ]);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({
      intact: false,
      sealed: 1,
      firstBroken: { id: String(third.id), seq: '2' },
    });
    expect(status.firstBroken?.reason).toMatch(/re-ordered/);
  });

  it('names an unsealed entry whose content was edited, by its MAC', async () => {
    await recordTestEvent(f.database.db, f.keys, 'test.pending');
    const [pending] = await queryRows<{ id: number }>(
      f.database.db,
      sql`select id from audit_entries where seq is null`,
    );
    if (!pending) throw new Error('no unsealed entry');
    await asDatabaseAdministrator(f.database.db, [
      sql`update audit_entries set outcome = 'denied' where id = ${pending.id}`,
    ]);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({
      intact: false,
      sealed: 5,
      unsealed: 1,
      firstBroken: { id: String(pending.id), seq: null },
    });
    expect(status.firstBroken?.reason).toMatch(/changed/);
  });

  it.each([
    ['its categories changed', sql`categories = '{contact}'`],
    ['a read passed off as a change', sql`access = 'change'`],
    ['a token added', sql`token_id = gen_random_uuid()`],
    [
      'the entry passed off as the first format, without its new fields',
      sql`format = 1, access = null, categories = '{}'`,
    ],
  ])('names an entry with %s, by its MAC', async (_what, change) => {
    const target = at(4);
    await asDatabaseAdministrator(f.database.db, [
      sql`update audit_entries set ${change} where id = ${target.id}`,
    ]);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({ intact: false, sealed: 3, firstBroken: { id: String(target.id) } });
    expect(status.firstBroken?.reason).toMatch(/changed/);
  });

  it('cannot be hidden by re-sealing: a forged hash for an edited entry still fails its MAC', async () => {
    const target = at(5);
    await asDatabaseAdministrator(f.database.db, [
      sql`update audit_entries set subject_ids = '{}'::uuid[], seq = null, prev_hash = null, hash = null, sealed_at = null where id = ${target.id}`,
    ]);
    await sealAll(f.database.db, f.keys);
    const status = await verifyAuditChain(f.database.db, f.keys);
    expect(status).toMatchObject({ intact: false, sealed: 4, firstBroken: { id: String(target.id) } });
    expect(status.firstBroken?.reason).toMatch(/changed/);
  });
});

describe('sealing on a PostgreSQL server', () => {
  it.runIf(engine === 'postgres')(
    'seals a transaction that commits late in a later batch, once',
    async () => {
      const db = t.database.db;
      const url = t.database.url;
      if (!url) throw new Error('a PostgreSQL test database has a URL');
      await sealAll(db, t.keys);
      const head = async () =>
        (await queryRows<{ seq: number }>(db, sql`select max(seq)::int as seq from audit_entries`))[0]?.seq ??
        0;
      const seqOf = async (id: number) =>
        (
          await queryRows<{ seq: number | null }>(
            db,
            sql`select seq::int as seq from audit_entries where id = ${id}`,
          )
        )[0]?.seq;

      const late = new pg.Client({ connectionString: url });
      await late.connect();
      let committed = false;
      try {
        await late.query('begin');
        await recordTestEvent(drizzle(late) as unknown as Db, t.keys, 'test.late');
        const lateId =
          (
            await late.query<{ id: number }>(
              `select max(id)::int as id from audit_entries where action = 'test.late'`,
            )
          ).rows[0]?.id ?? 0;

        await recordTestEvent(db, t.keys, 'test.early');
        const earlyId =
          (
            await queryRows<{ id: number }>(
              db,
              sql`select max(id)::int as id from audit_entries where action = 'test.early'`,
            )
          )[0]?.id ?? 0;
        expect(earlyId).toBeGreaterThan(lateId); // the open transaction holds the lower id

        const headBefore = await head();
        expect(await sealAll(db, t.keys)).toBe(1);
        expect(await seqOf(earlyId)).toBe(headBefore + 1);
        expect(await verifyAuditChain(db, t.keys)).toMatchObject({ intact: true, unsealed: 0 });

        await late.query('commit');
        committed = true;
        expect(await seqOf(lateId)).toBeNull();
        expect(await sealAll(db, t.keys)).toBe(1);
        expect(await seqOf(lateId)).toBe(headBefore + 2);
        expect(await sealAll(db, t.keys)).toBe(0);
        const total = await countEntries(db);
        expect(await verifyAuditChain(db, t.keys)).toEqual({
          intact: true,
          sealed: total,
          unsealed: 0,
          firstBroken: null,
          prunedThrough: null,
          head: { seq: String(total), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
        });
        await expectWholeChainSealedOnce(db);
      } finally {
        if (!committed) await late.query('rollback').catch(() => {});
        await late.end();
      }
    },
  );

  it.runIf(engine === 'postgres')(
    'seals under a database role that may not clean the subject index, and says so once',
    async () => {
      const url = t.database.url;
      if (!url) throw new Error('a PostgreSQL test database has a URL');
      const role = `custodian_sealer_${randomBytes(4).toString('hex')}`;
      await execute(t.database.db, sql.raw(`create role ${role} login`));
      await execute(t.database.db, sql.raw(`grant select, update on audit_entries to ${role}`));
      const asRole = new URL(url);
      asRole.username = role;
      const limited = await openPostgres(asRole.toString(), { max: 1 });
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
      try {
        await sealAll(t.database.db, t.keys);
        const ids = [
          await recordTestEvent(t.database.db, t.keys),
          await recordTestEvent(t.database.db, t.keys),
        ];
        const stop = startAuditSealer({ db: limited.db, keys: t.keys, log, intervalMs: 10 });
        try {
          await vi.waitFor(
            async () => {
              const unsealed = await queryRows<{ n: number }>(
                t.database.db,
                sql`select count(*)::int as n from audit_entries where id in ${ids} and seq is null`,
              );
              expect(unsealed[0]?.n).toBe(0);
            },
            { timeout: 10_000, interval: 20 },
          );
          // A second batch is sealed too, without a second warning.
          const more = await recordTestEvent(t.database.db, t.keys);
          await vi.waitFor(
            async () => {
              const [row] = await queryRows<{ seq: number | null }>(
                t.database.db,
                sql`select seq::int as seq from audit_entries where id = ${more}`,
              );
              expect(row?.seq).not.toBeNull();
            },
            { timeout: 10_000, interval: 20 },
          );
        } finally {
          await stop();
        }
        expect(warnings).toEqual([
          'cannot clean the audit subject index; leaving its pending list to autovacuum',
        ]);
        expect(await verifyAuditChain(t.database.db, t.keys)).toMatchObject({ intact: true, unsealed: 0 });
      } finally {
        await limited.close();
        await execute(t.database.db, sql.raw(`drop owned by ${role}`));
        await execute(t.database.db, sql.raw(`drop role ${role}`));
      }
    },
  );

  it.runIf(engine === 'postgres')(
    'lets one sealer work at a time: a second one backs off while the first holds the lock',
    async () => {
      const db = t.database.db;
      const url = t.database.url;
      if (!url) throw new Error('a PostgreSQL test database has a URL');
      await recordTestEvent(db, t.keys);
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(`select pg_advisory_xact_lock(hashtext('custodian.audit.sealer'))`);
        expect(await sealAuditChain(db, t.keys)).toBe(0);
        await other.query('commit');
      } finally {
        await other.end();
      }
      expect(await sealAuditChain(db, t.keys)).toBeGreaterThanOrEqual(1);
    },
  );

  it.runIf(engine === 'postgres')(
    'two sealers running at once never give two entries the same position',
    async () => {
      const db = t.database.db;
      for (let round = 0; round < 6; round++) {
        const writers = Array.from({ length: 15 }, () => recordTestEvent(db, t.keys, 'test.concurrent'));
        const [, a, b] = await Promise.all([
          Promise.all(writers),
          sealAuditChain(db, t.keys, { batchSize: 4 }),
          sealAuditChain(db, t.keys, { batchSize: 4 }),
        ]);
        expect(a + b).toBeLessThanOrEqual(8);
        await Promise.all([sealAll(db, t.keys), sealAll(db, t.keys)]);
      }
      await sealAll(db, t.keys);
      await expectWholeChainSealedOnce(db);
      expect(await verifyAuditChain(db, t.keys)).toMatchObject({ intact: true, unsealed: 0 });
    },
  );
});
