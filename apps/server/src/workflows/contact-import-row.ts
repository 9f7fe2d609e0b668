import { type CreateContactInput, createContactBody, type ImportableField } from '@custodian/contracts';
import { applyPersonalInput, type ContactPersonal, emptyPersonal } from '../modules/contacts/index.js';
import type { ImportError } from '../modules/imports/index.js';
import { AppError } from '../platform/http/errors.js';
import { cellOf } from './import-job.js';

/** A contact import's rows: a CSV row as a contact's fields, and a duplicate row merged into a contact. */

/** One CSV row made ready: its contact fields, or the errors that keep it out. */
export interface PreparedRow {
  rowNumber: number;
  input: CreateContactInput;
  personal: ContactPersonal;
  tokens: string[];
}

export type Columns = Partial<Record<ImportableField, string>>;

/** The row as a contact input, and which CSV column each input path came from (for error reports). */
function toInput(record: Record<string, string | undefined>, columns: Columns) {
  const origin = new Map<string, string>();
  const get = (field: ImportableField, path: string) => {
    const value = cellOf(record, columns[field]);
    if (value !== undefined) origin.set(path, columns[field]!);
    return value;
  };
  const input: Record<string, unknown> = {};
  for (const field of ['firstName', 'lastName', 'jobTitle', 'dateOfBirth'] as const) {
    const value = get(field, field);
    if (value !== undefined) input[field] = value;
  }
  const stage = get('lifecycleStage', 'lifecycleStage');
  if (stage !== undefined) input.lifecycleStage = stage.toLowerCase();
  const list = (fields: ImportableField[], key: string) => {
    const values: { value: string }[] = [];
    for (const f of fields) {
      const value = cellOf(record, columns[f]);
      if (value === undefined) continue;
      origin.set(`${key}.${values.length}`, columns[f]!);
      values.push({ value });
    }
    if (values.length > 0) input[key] = values;
  };
  list(['email', 'email2'], 'emails');
  list(['phone', 'phone2'], 'phones');
  const address: Record<string, string> = {};
  for (const f of ['street', 'postalCode', 'city', 'region', 'country'] as const) {
    const value = cellOf(record, columns[f]);
    if (value === undefined) continue;
    origin.set(`addresses.0.${f}`, columns[f]!);
    address[f] = f === 'country' ? value.toUpperCase() : value;
  }
  if (Object.keys(address).length > 0) input.addresses = [address];
  const tags = get('tags', 'tags');
  if (tags !== undefined)
    input.tags = tags
      .split(/[;,]/)
      .map((t) => t.trim())
      .filter(Boolean);
  return { input, origin };
}

/** The CSV column behind an error path like `emails.1.value` or `body.phones.0.value`. */
function columnOf(path: string, origin: Map<string, string>): string {
  const parts = path.replace(/^body\./, '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const found = origin.get(parts.slice(0, n).join('.'));
    if (found) return found;
  }
  return [...origin.values()][0] ?? 'row';
}

export function prepareRow(
  rowNumber: number,
  record: Record<string, string | undefined>,
  columns: Columns,
  emailToken: (email: string) => string,
): PreparedRow | ImportError[] {
  const { input, origin } = toInput(record, columns);
  const parsed = createContactBody.safeParse(input);
  if (!parsed.success)
    return parsed.error.issues.map((i) => ({
      row: rowNumber,
      field: columnOf(i.path.join('.'), origin),
      issue: i.message,
    }));
  try {
    const personal = applyPersonalInput(emptyPersonal, parsed.data);
    return {
      rowNumber,
      input: parsed.data,
      personal,
      tokens: personal.emails.map((e) => emailToken(e.value)),
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err.details.map((d) => ({ row: rowNumber, field: columnOf(d.field, origin), issue: d.issue }));
  }
}

/** An existing contact's fields with a row's merged in: row values win, lists are united. */
export function merge(current: ContactPersonal, input: CreateContactInput): ContactPersonal {
  const entries = (list: ContactPersonal['emails']) =>
    list.map((e) => ({ value: e.value, primary: e.primary, ...(e.label ? { label: e.label } : {}) }));
  const { addresses, ...rest } = input;
  return applyPersonalInput(current, {
    ...rest,
    emails: [...entries(current.emails), ...(input.emails ?? [])],
    phones: [...entries(current.phones), ...(input.phones ?? [])],
    // An address from the file fills an empty field; it never replaces one already known.
    ...(current.addresses.length === 0 && addresses ? { addresses } : {}),
  });
}
