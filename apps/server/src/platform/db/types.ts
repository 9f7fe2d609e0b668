import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, customType } from 'drizzle-orm/pg-core';

/** bytea as a Buffer on both drivers (PGlite gives Uint8Array, node-postgres gives Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  toDriver: (value) => value,
});

/** A bigint[] literal (`{1,-2}`) for blind-index tokens: exact on both drivers, whatever they do with int8. */
export function bigintArrayLiteral(values: readonly bigint[]): string {
  return `{${values.join(',')}}`;
}

/** One element of an array literal, quoted: any text, whatever quotes and backslashes it holds. */
export const quoteArrayElement = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;

/** A text[] (or uuid[]) literal: every element quoted, null as NULL. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : quoteArrayElement(v))).join(',')}}`;
}

/**
 * bigint[] written as a literal. Blind-index tokens are only written and compared in SQL, never read
 * back through this type (the drivers would parse int8 lossily), so reading is not supported.
 */
export const bigintArray = customType<{ data: bigint[]; driverData: string }>({
  dataType: () => 'bigint[]',
  toDriver: (value) => bigintArrayLiteral(value),
  fromDriver: () => {
    throw new Error('Blind-index tokens are write-only; select them as text when they must be read');
  },
});

/** One blind-index token (bigint), written as text so both drivers keep all 64 bits; write-only like the arrays. */
export const blindToken = customType<{ data: bigint; driverData: string }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.toString(),
  fromDriver: () => {
    throw new Error('Blind-index tokens are write-only; select them as text when they must be read');
  },
});

/** Constant values as SQL string literals, for CHECK constraints (never user input). */
const literals = (values: readonly string[]) =>
  sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', '));

/**
 * A CHECK that a text column holds one of a closed set of values (or null). Besides refusing anything else, it
 * lets the erasure's verification scan prove the column free of identifiers without reading it.
 */
export const oneOf = (column: AnyPgColumn, values: readonly string[]): SQL =>
  sql`${column} in (${literals(values)})`;

/** The same for a text array column: each element is one of the values. */
export const eachOf = (column: AnyPgColumn, values: readonly string[]): SQL =>
  sql`${column} <@ array[${literals(values)}]::text[]`;
