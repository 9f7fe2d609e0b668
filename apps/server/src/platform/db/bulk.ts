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

/** One element of an array literal, in the text form the column's type reads. */
function element(type: string, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type) {
    case 'uuid':
    case 'text':
      if (typeof value !== 'string') break;
      return quote(value);
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
  throw new Error(`A bulk insert cannot write this value to a ${type} column`);
}

/** An array literal of one column's values, in the column's type (array columns as text[] of literals). */
function columnLiteral(type: string, values: readonly unknown[]): string {
  return `{${values.map((v) => element(type, v)).join(',')}}`;
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
    if (type.endsWith('[]')) {
      // unnest flattens a two-dimensional array: array columns travel as text[] of literals, cast per row.
      arrays.push(sql`${columnLiteral(type, values)}::text::text[]`);
      selected.push(sql`${alias}::${sql.raw(type)}`);
    } else {
      arrays.push(sql`${columnLiteral(type, values)}::text::${sql.raw(type)}[]`);
      selected.push(sql`${alias}`);
    }
  });
  const aliases = columns.map((_, i) => sql`${sql.identifier(`c${i}`)}`);
  await ex.execute(
    sql`insert into ${sql.identifier(getTableName(table))} (${sql.join(names, sql`, `)})
      select ${sql.join(selected, sql`, `)}
      from unnest(${sql.join(arrays, sql`, `)}) as t(${sql.join(aliases, sql`, `)})
      ${options.onConflictDoNothing ? sql`on conflict do nothing` : sql``}`,
  );
}
