import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engine } from '../../test/database.js';
import { statementCachingClient } from './statement-cache.js';

// The statement cache is node-postgres's; PGlite has no connections to prepare statements on.
describe.runIf(engine === 'postgres')('statements prepared once per connection (PostgreSQL)', () => {
  let pool: pg.Pool;
  const open = (limit = 256, maxParameters = 32) => {
    pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL,
      max: 1,
      Client: statementCachingClient({ limit, maxParameters }),
    });
  };
  const prepared = async () =>
    (
      await pool.query<{ statement: string }>(
        'select statement from pg_prepared_statements order by statement',
      )
    ).rows.map((r) => r.statement);
  const table = `statement_cache_${process.pid}`;

  beforeEach(() => open());
  afterEach(async () => {
    await pool.query(`drop table if exists ${table}`);
    await pool.end();
  });

  it('prepares a statement with parameters once and runs it again with new values', async () => {
    const text = 'select $1::int + 1 as n';
    expect((await pool.query({ text, values: [1] })).rows).toEqual([{ n: 2 }]);
    expect((await pool.query({ text, values: [41] })).rows).toEqual([{ n: 42 }]);
    expect((await pool.query(text, [9])).rows).toEqual([{ n: 10 }]);
    expect(await prepared()).toEqual([text]);
    // Statements without parameters (begin, commit, set) are left alone.
    await pool.query('select 1');
    expect(await prepared()).toEqual([text]);
  });

  it('keeps to its limits: no statement with too many parameters, no more than the limit per connection', async () => {
    await pool.end();
    open(2, 3);
    const values = (n: number) => Array.from({ length: n }, (_, i) => i);
    const sum = (n: number) =>
      `select ${values(n)
        .map((i) => `$${i + 1}::int`)
        .join(' + ')} as n`;
    expect((await pool.query(sum(4), values(4))).rows).toEqual([{ n: 6 }]);
    expect(await prepared()).toEqual([]);
    await pool.query(sum(1), values(1));
    await pool.query(sum(2), values(2));
    await pool.query(sum(3), values(3));
    expect(await prepared()).toEqual([sum(1), sum(2)].sort());
    // Beyond the limit statements still run, unnamed.
    expect((await pool.query(sum(3), values(3))).rows).toEqual([{ n: 3 }]);
  });

  it('recovers from a statement that failed to prepare, and from an aborted transaction', async () => {
    const text = `select n from ${table} where n = $1`;
    await expect(pool.query(text, [1])).rejects.toThrow(/does not exist/);
    await pool.query(`create table ${table} (n int)`);
    await pool.query(`insert into ${table} values ($1)`, [1]);
    expect((await pool.query(text, [1])).rows).toEqual([{ n: 1 }]);

    const client = await pool.connect();
    try {
      await client.query('begin');
      await expect(client.query('select $1::int / 0', [1])).rejects.toThrow(/division by zero/);
      await expect(client.query(text, [1])).rejects.toThrow(/aborted/);
      await client.query('rollback');
      expect((await client.query(text, [1])).rows).toEqual([{ n: 1 }]);
    } finally {
      client.release();
    }
  });

  it('keeps answering right when the table under a prepared statement changes', async () => {
    await pool.query(`create table ${table} (n int)`);
    await pool.query(`insert into ${table} values (1), (2)`);
    const text = `select n from ${table} where n > $1 order by n`;
    for (let i = 0; i < 8; i++) await pool.query(text, [0]); // past the custom plans, onto the generic one
    await pool.query(`create index on ${table} (n)`);
    await pool.query(`drop table ${table}`);
    await pool.query(`create table ${table} (n int, m int)`);
    await pool.query(`insert into ${table} values (3, 0)`);
    expect((await pool.query(text, [0])).rows).toEqual([{ n: 3 }]);
  });
});
