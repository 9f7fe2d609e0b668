import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './database.js';
import { bigintArrayLiteral, quoteArrayElement as quote, textArrayLiteral } from './types.js';

/**
 * Bulk inserts for imports: `insert … select from unnest($1, $2, …)`, one parameter per column holding the
 * column's values as one PostgreSQL array literal. Building Drizzle's multi-row VALUES costs more than the
 * INSERT itself (a parameter object per value); one literal per column is cheap to build and to parse, and
 * both drivers pass it the same way (as text). Every value is a parameter: nothing is spliced into the SQL.
 */

/** One column to insert and its values, one per row (null for SQL NULL). */
export interface BulkColumn {
  column: PgColumn;
  values: readonly unknown[];
}

/** A column and its values, typed by the column's data type. */
export const bulkColumn = <C extends PgColumn>(
  column: C,
  values: readonly (C['_']['data'] | null)[],
): BulkColumn => ({ column, values });

/** The element types an array parameter carries (array columns of a bulk insert as `bigint[]`/`text[]`). */
export type ArrayElementType =
  | 'uuid'
  | 'text'
  | 'int'
  | 'bigint'
  | 'timestamptz'
  | 'bytea'
  | 'jsonb'
  | 'bigint[]'
  | 'text[]';

/** One element of an array literal, in the text form the type reads. */
function element(type: string, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type) {
    case 'uuid':
    case 'text':
      if (typeof value !== 'string') break;
      return quote(value);
    case 'int':
    case 'integer':
    case 'bigint':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)))
        return String(value);
      break;
    case 'timestamptz':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return quote(value.toISOString());
      break;
    case 'bytea':
      if (!(value instanceof Uint8Array)) break;
      // Inside quotes the backslash is escaped: the element's text is `\x0a1b…`, bytea's hex form.
      return `"\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}"`;
    case 'jsonb':
      return quote(JSON.stringify(value));
    case 'bigint[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'bigint')) break;
      return quote(bigintArrayLiteral(value));
    case 'text[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) break;
      return quote(textArrayLiteral(value));
  }
  throw new Error(`A bulk statement cannot pass this value as ${type}`);
}

/** An array literal of values of one type (array types as text[] of literals). */
function arrayLiteral(type: string, values: readonly unknown[]): string {
  return `{${values.map((v) => element(type, v)).join(',')}}`;
}

/**
 * Values as one array parameter, `(select $1::text::type[])::type[]`, for `= any(…)`, `&&` and `unnest(…)`: a batch of thousands stays
 * one short statement with one parameter. Every value is quoted as its type requires (nothing is spliced
 * into the SQL); a value of the wrong type is refused before anything is sent. Array types travel as text[]
 * of literals (unnest would flatten a two-dimensional array), to be cast per row.
 */
export function arrayParam(values: readonly unknown[], type: ArrayElementType): SQL {
  const literal = arrayLiteral(type, values);
  const array = sql.raw(type.endsWith('[]') ? 'text[]' : `${type}[]`);
  // The scalar subquery makes the conversion an InitPlan, done once: a bare `$1::text::uuid[]` is an I/O
  // conversion PostgreSQL does not fold, so a filter repeated it for every row it read (the erasure scan of
  // 150,000 consent events: 595 ms this way, 105 ms as an InitPlan). The outer cast keeps it an array value
  // for `= any(…)`, which would otherwise read the subquery as a set of rows.
  return sql`(select ${literal}::text::${array})::${array}`;
}

/**
 * Inserts rows given column by column (every column with one value per row, in row order). Rows are inserted
 * in that order, so a serial column numbers them in order. Columns left out take their defaults;
 * `onConflictDoNothing` skips rows that would break a unique constraint.
 */
export async function insertRows(
  ex: Executor,
  table: PgTable,
  columns: readonly BulkColumn[],
  options: { onConflictDoNothing?: boolean } = {},
): Promise<void> {
  const count = columns[0]?.values.length ?? 0;
  if (count === 0) return;
  if (columns.some((c) => c.values.length !== count)) throw new Error('Bulk insert columns differ in length');
  const names: SQL[] = [];
  const selected: SQL[] = [];
  const arrays: SQL[] = [];
  columns.forEach(({ column, values }, i) => {
    const type = column.getSQLType();
    const alias = sql.identifier(`c${i}`);
    names.push(sql`${sql.identifier(column.name)}`);
    // A varchar(n) travels as text: the insert's assignment cast checks the length.
    arrays.push(arrayParam(values, (/^varchar(\(\d+\))?$/.test(type) ? 'text' : type) as ArrayElementType));
    // Array columns arrive as text literals, cast per row.
    selected.push(type.endsWith('[]') ? sql`${alias}::${sql.raw(type)}` : sql`${alias}`);
  });
  const aliases = columns.map((_, i) => sql`${sql.identifier(`c${i}`)}`);
  await ex.execute(
    sql`insert into ${sql.identifier(getTableName(table))} (${sql.join(names, sql`, `)})
      select ${sql.join(selected, sql`, `)}
      from unnest(${sql.join(arrays, sql`, `)}) as t(${sql.join(aliases, sql`, `)})
      ${options.onConflictDoNothing ? sql`on conflict do nothing` : sql``}`,
  );
}
