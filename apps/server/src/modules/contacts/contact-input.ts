import type { CreateContactInput, FieldIssue, UpdateContactInput } from '@custodian/contracts';
import { normaliseEmail, normalisePhone } from '../../platform/crypto/blind-index.js';
import { AppError } from '../../platform/http/errors.js';
import type { Address, ContactPersonal, Entry } from './repository.js';

export const emptyPersonal: ContactPersonal = {
  firstName: null,
  lastName: null,
  emails: [],
  phones: [],
  addresses: [],
  jobTitle: null,
  dateOfBirth: null,
  customFields: {},
};

type EntryInput = { value: string; label?: string | undefined; primary?: boolean | undefined };

/** Drops repeats (same normalised value), keeps exactly one primary (the first if none is marked). */
function entries(
  field: string,
  input: readonly EntryInput[],
  normalise: (v: string) => string | null,
  issues: FieldIssue[],
): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  input.forEach((e, i) => {
    const value = normalise(e.value);
    if (value === null) {
      issues.push({ field: `body.${field}.${i}.value`, issue: 'is not a valid phone number' });
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    out.push({ value, label: e.label ?? null, primary: e.primary === true });
  });
  const primaries = out.filter((e) => e.primary).length;
  if (primaries > 1) issues.push({ field: `body.${field}`, issue: 'only one entry may be primary' });
  if (primaries === 0 && out[0]) out[0].primary = true;
  return out;
}

function address(a: NonNullable<CreateContactInput['addresses']>[number]): Address {
  return {
    label: a.label ?? null,
    street: a.street ?? null,
    city: a.city ?? null,
    region: a.region ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
  };
}

function checkDateOfBirth(date: string, issues: FieldIssue[]): void {
  const today = new Date().toISOString().slice(0, 10);
  if (date > today) issues.push({ field: 'body.dateOfBirth', issue: 'is in the future' });
  else if (date < '1900-01-01') issues.push({ field: 'body.dateOfBirth', issue: 'is before 1900' });
}

/**
 * The personal fields after applying an input to the current ones: what is sent replaces what was there,
 * normalised (e-mails lower-cased, phones in E.164). Throws a validation error naming every bad field.
 */
export function applyPersonalInput(
  current: ContactPersonal,
  input: CreateContactInput | UpdateContactInput,
): ContactPersonal {
  const issues: FieldIssue[] = [];
  const next: ContactPersonal = { ...current };
  if (input.firstName !== undefined) next.firstName = input.firstName;
  if (input.lastName !== undefined) next.lastName = input.lastName;
  if (input.jobTitle !== undefined) next.jobTitle = input.jobTitle;
  if (input.emails !== undefined) {
    // An address that stays keeps its bounce mark; a new or corrected one starts deliverable.
    const marks = new Map(current.emails.map((e) => [e.value, e.undeliverableSince] as const));
    next.emails = entries('emails', input.emails, normaliseEmail, issues).map((e) => {
      const since = marks.get(e.value);
      return since ? { ...e, undeliverableSince: since } : e;
    });
  }
  if (input.phones !== undefined)
    next.phones = entries('phones', input.phones, (v) => normalisePhone(v), issues);
  if (input.addresses !== undefined) next.addresses = input.addresses.map(address);
  if (input.dateOfBirth !== undefined) {
    if (input.dateOfBirth !== null) checkDateOfBirth(input.dateOfBirth, issues);
    next.dateOfBirth = input.dateOfBirth;
  }
  if (!next.firstName && !next.lastName && next.emails.length === 0)
    issues.push({ field: 'body.firstName', issue: 'a contact needs a first name, a last name or an e-mail' });
  if (issues.length > 0)
    throw new AppError('validation_failed', 'The contact is invalid', { details: issues });
  return next;
}

/** Under 16, the GDPR Art. 8 default age of digital consent; null without a date of birth. */
export function isChildOn(dateOfBirth: string | null, today = new Date()): boolean | null {
  if (!dateOfBirth) return null;
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const sixteenth = new Date(Date.UTC(y + 16, m - 1, d));
  return today.getTime() < sixteenth.getTime();
}
