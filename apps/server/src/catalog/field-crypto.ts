import { decryptField, encryptField } from '../modules/subjects/index.js';
import type { BlindIndexer } from '../platform/crypto/blind-index.js';
import type { EntityDeclaration, PersonalFieldDeclaration } from './types.js';

/** Decoded personal values by field name (strings, or structured values for `json` fields). */
export type PersonalValues = Record<string, unknown>;

/** The TypeScript property of a column, as the schemas name them: `first_name` → `firstName`. */
export const propertyOf = (column: string): string =>
  column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** An entity's personal fields with their column properties, worked out once per entity. */
const fieldLists = new WeakMap<
  EntityDeclaration,
  { field: string; decl: PersonalFieldDeclaration; property: string }[]
>();
function fieldsOf(entity: EntityDeclaration) {
  let list = fieldLists.get(entity);
  if (!list) {
    list = Object.entries(entity.personal).map(([field, decl]) => ({
      field,
      decl,
      property: propertyOf(decl.column),
    }));
    fieldLists.set(entity, list);
  }
  return list;
}

function encode(decl: PersonalFieldDeclaration, value: unknown): string {
  if (decl.codec === 'json') return JSON.stringify(value);
  if (typeof value !== 'string') throw new Error('A text field was given a value that is not text');
  return value;
}

/**
 * Encrypts the given personal fields of one record under the subject's data key, each bound to its
 * subject, entity and field. Returns ciphertexts by column property; null stays null.
 */
export function sealPersonalFields(
  entity: EntityDeclaration,
  dataKey: Buffer,
  subjectId: string,
  values: PersonalValues,
): Record<string, Buffer | null> {
  const out: Record<string, Buffer | null> = {};
  for (const { field, decl, property } of fieldsOf(entity)) {
    if (!(field in values)) continue;
    const value = values[field];
    out[property] =
      value === null || value === undefined
        ? null
        : encryptField(dataKey, { subjectId, entity: entity.entity, field }, encode(decl, value));
  }
  return out;
}

/** Decrypts every personal field of a row (keyed by column property); missing or null fields are null. */
export function openPersonalFields(
  entity: EntityDeclaration,
  dataKey: Buffer,
  subjectId: string,
  row: Readonly<Record<string, unknown>>,
): PersonalValues {
  const out: PersonalValues = {};
  for (const { field, decl, property } of fieldsOf(entity)) {
    const sealed = row[property];
    if (!Buffer.isBuffer(sealed)) {
      out[field] = null;
      continue;
    }
    const text = decryptField(dataKey, { subjectId, entity: entity.entity, field }, sealed);
    out[field] = decl.codec === 'json' ? JSON.parse(text) : text;
  }
  return out;
}

/** The strings a value contributes to its index: a text, or the `value` of each entry of a list. */
function indexedStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) =>
    typeof v === 'string'
      ? [v]
      : v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string'
        ? [(v as { value: string }).value]
        : [],
  );
}

/**
 * The blind-index tokens of a whole record, by index column property. Pass every indexed field (a
 * column fed by two fields, like first and last name, needs both).
 */
export function blindIndexTokens(
  entity: EntityDeclaration,
  indexer: BlindIndexer,
  values: PersonalValues,
): Record<string, bigint[]> {
  const out: Record<string, Set<bigint>> = {};
  for (const { field, decl } of fieldsOf(entity)) {
    if (!decl.index) continue;
    const { column, name, kind } = decl.index;
    const property = propertyOf(column);
    const set = out[property] ?? new Set<bigint>();
    out[property] = set;
    for (const s of indexedStrings(values[field])) {
      if (kind === 'email') set.add(indexer.exactEmail(name, s));
      else if (kind === 'phone') {
        const token = indexer.exactPhone(name, s);
        if (token !== null) set.add(token);
      } else for (const t of indexer.prefixTokens(name, s)) set.add(t);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
}

/** The declaration of the index a field feeds; throws for a field without one (a programming error). */
export function indexOf(entity: EntityDeclaration, field: string) {
  const index = entity.personal[field]?.index;
  if (!index) throw new Error(`${entity.entity}.${field} has no blind index`);
  return index;
}
