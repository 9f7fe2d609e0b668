import { createHash } from 'node:crypto';
import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Executor } from './database.js';

/**
 * Queries built once per database and run again with new values: Drizzle's prepared queries, with
 * `sql.placeholder` where the values go. Building a query is not free in Drizzle (the statement text is assembled
 * anew from the column objects on every call: a third of a millisecond for the audit insert and the contact read
 * together, a fifth of the server's time when reading contacts under load), so the statements every request runs
 * are built once here.
 *
 * A prepared query runs on the database it was made for, never inside a transaction: `preparedFor` answers null
 * for a transaction and the caller builds the query as usual there.
 */
const byDatabase = new WeakMap<object, Map<string, unknown>>();

export function isTransaction(ex: Executor): boolean {
  return is(ex, PgTransaction);
}

/**
 * The query `build` makes for `ex`, made on the first call for each `key` and kept with the database; null when
 * `ex` is a transaction. `key` must name everything that changes the statement's text; `build` gets the name to
 * give the statement on the server (`.prepare(name)`, prepared once per connection), made from the key.
 */
export function preparedFor<T>(ex: Executor, key: string, build: (db: Db, name: string) => T): T | null {
  if (isTransaction(ex)) return null;
  const db = ex as Db;
  let queries = byDatabase.get(db);
  if (!queries) {
    queries = new Map();
    byDatabase.set(db, queries);
  }
  let query = queries.get(key) as T | undefined;
  if (query === undefined) {
    query = build(db, `p_${createHash('sha1').update(key).digest('base64url').slice(0, 24)}`);
    queries.set(key, query);
  }
  return query;
}
