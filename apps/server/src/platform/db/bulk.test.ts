import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { bigserial, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { arrayParam, bulkColumn, insertRows } from './bulk.js';
import { type Database, execute, queryRows, transaction } from './database.js';
import { bigintArray, bytea } from './types.js';

// A table of its own with every column type the bulk insert writes.
const samples = pgTable('bulk_samples', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  label: text('label'),
  body: bytea('body'),
  tokens: bigintArray('tokens'),
  names: text('names').array(),
  data: jsonb('data').$type<Record<string, unknown>>(),
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await execute(
    database.db,
    sql`create table bulk_samples (id uuid primary key, seq bigserial not null, label text, body bytea,
      tokens bigint[], names text[], data jsonb, check (label is distinct from 'forbidden'))`,
  );
});
afterAll(() => database.close());

interface Sample {
  id: string;
  label: string | null;
  body: Buffer | null;
  tokens: bigint[] | null;
  names: string[] | null;
  data: Record<string, unknown> | null;
}

const insert = (ex: Database['db'], rows: readonly Sample[], options = {}) =>
  insertRows(
    ex,
    samples,
    [
      bulkColumn(
        samples.id,
        rows.map((r) => r.id),
      ),
      bulkColumn(
        samples.label,
        rows.map((r) => r.label),
      ),
      bulkColumn(
        samples.body,
        rows.map((r) => r.body),
      ),
      bulkColumn(
        samples.tokens,
        rows.map((r) => r.tokens),
      ),
      bulkColumn(
        samples.names,
        rows.map((r) => r.names),
      ),
      bulkColumn(
        samples.data,
        rows.map((r) => r.data),
      ),
    ],
    options,
  );

/** The rows back, tokens as text (the drivers would read int8 lossily), in insertion order. */
async function readBack(ids: readonly string[]): Promise<Sample[]> {
  const rows = await queryRows<{
    id: string;
    label: string | null;
    body: Uint8Array | null;
    tokens: string[] | null;
    names: string[] | null;
    data: Record<string, unknown> | null;
  }>(
    database.db,
    sql`select id, label, body, tokens::text[] as tokens, names, data from bulk_samples
      where id = any(${`{${ids.join(',')}}`}::uuid[]) order by seq`,
  );
  return rows.map((r) => ({
    ...r,
    body: r.body === null ? null : Buffer.from(r.body),
    tokens: r.tokens === null ? null : r.tokens.map((t) => BigInt(t)),
  }));
}

const sample = (overrides: Partial<Sample> = {}): Sample => ({
  id: randomUUID(),
  label: null,
  body: null,
  tokens: null,
  names: null,
  data: null,
  ...overrides,
});

describe('bulk insert (unnest of one array literal per column)', () => {
  it('round-trips nulls, accents, quotes, backslashes, bytes, 64-bit tokens and JSON, in order', async () => {
    const rows = [
      sample(),
      sample({
        label: 'José Müller-Łódź, "the" \\ {brace} NULL',
        body: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        tokens: [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n],
        names: ['a,b', 'quote"d', 'back\\slash', '', 'NULL', '{x}', 'Ærø'],
        data: { text: 'ünïcode "q" \\ 🎉', list: [1, null, 'x'], nested: { empty: {} } },
      }),
      sample({ label: '', body: Buffer.alloc(0), tokens: [], names: [], data: {} }),
      sample({ label: 'NULL', names: ['NULL'] }),
    ];
    await insert(database.db, rows);
    expect(await readBack(rows.map((r) => r.id))).toEqual(rows);
  });

  it('round-trips any text and any bytes (property)', async () => {
    // PostgreSQL text cannot hold NUL; everything else must come back as it went in.
    const textArb = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            label: fc.option(textArb),
            body: fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))),
            tokens: fc.option(
              fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 5 }),
            ),
            names: fc.option(fc.array(textArb, { maxLength: 4 })),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (values) => {
          const rows = values.map((v) => sample(v));
          await insert(database.db, rows);
          expect(await readBack(rows.map((r) => r.id))).toEqual(rows);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('inserts all rows or none: one bad row fails the statement, and a rolled-back transaction leaves nothing', async () => {
    const good = sample({ label: 'fine' });
    const bad = sample({ label: 'forbidden' });
    await expect(insert(database.db, [good, bad])).rejects.toThrow();
    expect(await readBack([good.id, bad.id])).toEqual([]);

    const rows = [sample({ label: 'one' }), sample({ label: 'two' })];
    await expect(
      transaction(database.db, async (tx) => {
        await insert(tx, rows);
        expect(await queryRows(tx, sql`select 1 from bulk_samples where id = ${rows[0]!.id}`)).toHaveLength(
          1,
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await readBack(rows.map((r) => r.id))).toEqual([]);
  });

  it('skips rows that conflict when asked to, inserting the others', async () => {
    const first = sample({ label: 'first' });
    await insert(database.db, [first]);
    const fresh = sample({ label: 'fresh' });
    await expect(insert(database.db, [{ ...first, label: 'again' }, fresh])).rejects.toThrow();
    await insert(database.db, [{ ...first, label: 'again' }, fresh], { onConflictDoNothing: true });
    expect(await readBack([first.id, fresh.id])).toEqual([first, fresh]);
  });

  it('refuses columns of different lengths and values of the wrong type before sending anything', async () => {
    await expect(
      insertRows(database.db, samples, [
        bulkColumn(samples.id, [randomUUID(), randomUUID()]),
        bulkColumn(samples.label, ['only one']),
      ]),
    ).rejects.toThrow('differ in length');
    const id = randomUUID();
    await expect(
      insertRows(database.db, samples, [
        bulkColumn(samples.id, [id]),
        { column: samples.tokens, values: [['1', '2']] },
      ]),
    ).rejects.toThrow('cannot pass');
    expect(await readBack([id])).toEqual([]);
  });

  it('does nothing for no rows', async () => {
    await insertRows(database.db, samples, [bulkColumn(samples.id, [])]);
  });
});

describe('array parameters (one parameter for = any(…), && and unnest)', () => {
  const roundTrip = async (values: readonly unknown[], type: Parameters<typeof arrayParam>[1]) =>
    (
      await queryRows<{ v: string | null }>(
        database.db,
        sql`select v::text as v from unnest(${arrayParam(values, type)}) with ordinality as t(v, n) order by n`,
      )
    ).map((r) => r.v);

  it('passes every type and null as given, quoting what needs quoting', async () => {
    const id = randomUUID();
    expect(await roundTrip([id, null], 'uuid')).toEqual([id, null]);
    expect(
      await roundTrip(['a,b', 'quote"d', 'back\\slash', '', 'NULL', '{x}', 'Ærø', null], 'text'),
    ).toEqual(['a,b', 'quote"d', 'back\\slash', '', 'NULL', '{x}', 'Ærø', null]);
    expect(await roundTrip([0, -7, 2 ** 31 - 1], 'int')).toEqual(['0', '-7', '2147483647']);
    expect(await roundTrip([2n ** 63n - 1n, -(2n ** 63n), 12], 'bigint')).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '12',
    ]);
    const at = new Date('2024-02-29T23:59:59.123Z');
    const [back] = await roundTrip([at], 'timestamptz');
    expect(new Date(back!).getTime()).toBe(at.getTime());
    expect(await roundTrip([Buffer.from([0, 1, 254, 255]), null], 'bytea')).toEqual(['\\x0001feff', null]);
  });

  it('matches any text against a column, whatever the text holds (property)', async () => {
    const textArb = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { maxLength: 8 }), async (values) => {
        expect(await roundTrip(values, 'text')).toEqual(values);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a value of the wrong type before sending anything', () => {
    expect(() => arrayParam(['1'], 'int')).toThrow('cannot pass');
    expect(() => arrayParam([1.5], 'bigint')).toThrow('cannot pass');
    expect(() => arrayParam(['2024-01-01'], 'timestamptz')).toThrow('cannot pass');
    expect(() => arrayParam([new Date(Number.NaN)], 'timestamptz')).toThrow('cannot pass');
    expect(() => arrayParam([42], 'uuid')).toThrow('cannot pass');
  });
});
