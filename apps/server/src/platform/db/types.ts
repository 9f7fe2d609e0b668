import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, customType, parsePgArray } from 'drizzle-orm/pg-core';
import { anyCaseUuid } from './ids.js';

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
 * A uuid[] literal. Ids need no quoting, so a list of them is joined as it is (quoting each one, as Drizzle
 * does, cost 60 ms and 100,000 new strings for the processing guard's audit entry); a list with anything that
 * is not a uuid is quoted element by element.
 */
export function uuidArrayLiteral(values: readonly string[]): string {
  for (const v of values) if (!anyCaseUuid.test(v)) return textArrayLiteral(values);
  return `{${values.join(',')}}`;
}

/**
 * Reads PostgreSQL's text form of a one-dimensional uuid[]: ids are never quoted there, so splitting on commas
 * is exact, and much cheaper than a general array parser character by character. Anything else (quotes, nested
 * braces, explicit bounds) returns undefined so that the caller falls back to the general parser.
 */
export function parseUuidArrayLiteral(text: string): (string | null)[] | undefined {
  if (text === '{}') return [];
  if (text[0] !== '{' || text.at(-1) !== '}' || text.indexOf('{', 1) !== -1 || text.includes('"'))
    return undefined;
  const items: (string | null)[] = text.slice(1, -1).split(',');
  // uuid_out writes lower-case hex, so an upper-case NULL can only be a null element.
  if (text.includes('NULL')) return items.map((v) => (v === 'NULL' ? null : v));
  return items;
}

/**
 * uuid[] of subject ids, which can be 100,000 long (the processing guard's audit entry): written with
 * `uuidArrayLiteral`. Read as the driver gives it (node-postgres parses uuid[] with `parseUuidArrayLiteral`,
 * see database.ts; PGlite gives an array).
 */
export const uuidArray = customType<{ data: string[]; driverData: string | string[] }>({
  dataType: () => 'uuid[]',
  toDriver: (value) => uuidArrayLiteral(value),
  fromDriver: (value) =>
    Array.isArray(value) ? value : ((parseUuidArrayLiteral(value) ?? parsePgArray(value)) as string[]),
});

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
