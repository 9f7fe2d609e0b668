import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { parsePgArray, pgTable, uuid } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { type Database, execute, queryRows } from './database.js';
import { parseUuidArrayLiteral, uuidArray, uuidArrayLiteral } from './types.js';

const lists = pgTable('uuid_lists', {
  id: uuid('id').primaryKey(),
  ids: uuidArray('ids').notNull(),
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await execute(database.db, sql`create table uuid_lists (id uuid primary key, ids uuid[] not null)`);
});
afterAll(() => database.close());

describe('uuid[] literals', () => {
  it('joins ids as they are and quotes anything that is not an id', () => {
    const a = randomUUID();
    const b = randomUUID().toUpperCase();
    expect(uuidArrayLiteral([])).toBe('{}');
    expect(uuidArrayLiteral([a, b])).toBe(`{${a},${b}}`);
    expect(uuidArrayLiteral([a, 'x,y'])).toBe(`{"${a}","x,y"}`);
    expect(uuidArrayLiteral(['"} or {'])).toBe('{"\\"} or {"}');
    // Two ids in one value, or ids of other lengths that add up: quoted, so never read as other elements.
    expect(uuidArrayLiteral([`${a},${a}`])).toBe(`{"${a},${a}"}`);
    expect(uuidArrayLiteral([a.slice(1), `${a}0`])).toBe(`{"${a.slice(1)}","${a}0"}`);
    expect(uuidArrayLiteral([`${a},${a}`, ''])).toBe(`{"${a},${a}",""}`);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9a-f,-]{0,80}$/), { maxLength: 4 }), (values) => {
        expect(parsePgArray(uuidArrayLiteral(values))).toEqual(values);
      }),
    );
  });

  it('reads PostgreSQL text forms exactly as the general parser does, or leaves them to it', () => {
    // Drizzle's general parser, character by character, as the reference.
    const general = (text: string) => parsePgArray(text).map((v) => (v === 'NULL' ? null : v));
    fc.assert(
      fc.property(fc.array(fc.option(fc.uuid(), { nil: null }), { maxLength: 30 }), (ids) => {
        const text = `{${ids.map((id) => id ?? 'NULL').join(',')}}`;
        expect(parseUuidArrayLiteral(text)).toEqual(general(text));
      }),
    );
    for (const text of ['{{a,b},{c,d}}', '[0:1]={a,b}', '{"a b",c}'])
      expect(parseUuidArrayLiteral(text)).toBeUndefined();
    // The column reads an array as the driver gives it, and text either way.
    const [a, b] = [randomUUID(), randomUUID()];
    expect(lists.ids.mapFromDriverValue([a, b])).toEqual([a, b]);
    expect(lists.ids.mapFromDriverValue(`{${a},${b}}`)).toEqual([a, b]);
    expect(lists.ids.mapFromDriverValue('{"x,y",z}')).toEqual(['x,y', 'z']);
  });

  it('writes and reads back any list of ids through the database, in order, with duplicates', async () => {
    // node-postgres' uuid[] parser as database.ts registers it (PGlite's is replaced the same way).
    const parseText = pg.types.getTypeParser(2951 as Parameters<typeof pg.types.getTypeParser>[0], 'text');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uuid(), { maxLength: 50 }), async (generated) => {
        const ids = [...generated, ...generated.slice(0, 2)];
        const id = randomUUID();
        await database.db.insert(lists).values({ id, ids });
        const [row] = await database.db.select().from(lists).where(sql`${lists.id} = ${id}`);
        expect(row!.ids).toEqual(ids.map((i) => i.toLowerCase()));
        const [text] = await queryRows<{ text: string }>(
          database.db,
          sql`select ids::text as text from uuid_lists where id = ${id}`,
        );
        expect(parseText(text!.text)).toEqual(row!.ids);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a value that is not an id, as PostgreSQL does', async () => {
    await expect(
      database.db.insert(lists).values({ id: randomUUID(), ids: ['not-an-id'] }),
    ).rejects.toThrow();
    const [{ n }] = (await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from uuid_lists where cardinality(ids) = 1 and ids[1]::text = 'not-an-id'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });
});
