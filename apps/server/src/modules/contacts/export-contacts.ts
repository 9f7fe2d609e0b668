import { pipeline, Readable } from 'node:stream';
import type { Contact, ExportQuery } from '@custodian/contracts';
import { stringify } from 'csv-stringify';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import type { ProcessingGuard } from '../../platform/guard.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { listCustomFieldRows } from '../custom-fields/index.js';
import { findTagsByName } from '../tags/index.js';
import type { ContactDeps } from './deps.js';
import { presentContact } from './present-contact.js';
import { type ContactListOptions, listContactRows, openContacts, tagsOfContacts } from './repository.js';

export const exportPageSize = 500;

export const contactCsvColumns = [
  'id',
  'firstName',
  'lastName',
  'email',
  'otherEmails',
  'phone',
  'otherPhones',
  'street',
  'postalCode',
  'city',
  'region',
  'country',
  'jobTitle',
  'dateOfBirth',
  'isChild',
  'ownerId',
  'source',
  'lifecycleStage',
  'tags',
  'lastActivityAt',
  'createdAt',
  'updatedAt',
] as const;

export type ContactExportFilters = Omit<ExportQuery, 'entity'>;

const formulaStart = /^[=+\-@\t\r]/;
// Normalised phone numbers start with "+" but hold nothing a spreadsheet could run.
const phoneNumbers = /^\+[0-9]{6,15}(; \+[0-9]{6,15})*$/;

/** A cell a spreadsheet would evaluate as a formula (CSV injection) gets a leading `'`. */
export function neutraliseFormula(cell: string): string {
  return formulaStart.test(cell) && !phoneNumbers.test(cell) ? `'${cell}` : cell;
}

function csvRecord(c: Contact, customKeys: readonly string[]): string[] {
  const values = (list: Contact['emails']) =>
    [...list.filter((e) => e.primary), ...list.filter((e) => !e.primary)].map((e) => e.value);
  const [email, ...otherEmails] = values(c.emails);
  const [phone, ...otherPhones] = values(c.phones);
  const address = c.addresses[0];
  const row: Record<(typeof contactCsvColumns)[number], string | null | undefined> = {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email,
    otherEmails: otherEmails.join('; '),
    phone,
    otherPhones: otherPhones.join('; '),
    street: address?.street,
    postalCode: address?.postalCode,
    city: address?.city,
    region: address?.region,
    country: address?.country,
    jobTitle: c.jobTitle,
    dateOfBirth: c.dateOfBirth,
    isChild: c.isChild === null ? null : String(c.isChild),
    ownerId: c.ownerId,
    source: c.source,
    lifecycleStage: c.lifecycleStage,
    tags: c.tags.join('; '),
    lastActivityAt: c.lastActivityAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
  const custom = customKeys.map((key) => {
    const value = c.customFields[key];
    return value === undefined || value === null ? '' : String(value);
  });
  return [...contactCsvColumns.map((column) => row[column] ?? ''), ...custom].map(neutraliseFormula);
}

interface Page {
  records: string[][];
  next: ContactListOptions['after'];
}

/**
 * The contacts the caller may export, as a CSV stream masked like the JSON API. The table is read in
 * keyset pages (oldest first), each decrypted and audited in its own short transaction, and only when the
 * consumer is ready for more: a slow download holds neither memory nor a connection. The first page is
 * read before the stream is returned, so a failure there is still an ordinary error answer.
 */
export async function exportContacts(
  options: ContactDeps & {
    guard: ProcessingGuard;
    ctx: RequestContext;
    filters: ContactExportFilters;
    pageSize?: number;
  },
): Promise<Readable> {
  const { db, keys, ctx, filters, guard, pageSize = exportPageSize } = options;
  assertPermission(ctx.actor, 'contacts:export');
  const purpose = ctx.purpose;
  if (purpose === null)
    throw new AppError('validation_failed', 'An export needs a purpose', {
      details: [{ field: 'headers.x-purpose', issue: 'is required' }],
    });
  const [tag] = filters.tag ? await findTagsByName(db, [filters.tag]) : [];
  // An unknown tag matches nobody: the export is the header row alone.
  const matchesNobody = filters.tag !== undefined && !tag;

  const defs = await listCustomFieldRows(db, 'contact');
  const customKeys = defs.map((d) => d.key);
  const readPage = (after: Page['next']): Promise<Page> =>
    transaction(db, async (tx) => {
      const rows = matchesNobody
        ? []
        : await listContactRows(tx, {
            lifecycleStage: filters.lifecycleStage,
            ownerId: filters.ownerId,
            tagId: tag?.id,
            limit: pageSize + 1,
            sort: { key: 'createdAt', direction: 'asc' },
            after,
          });
      const fetched = rows.slice(0, pageSize);
      // People the guard refuses for this purpose (no consent, objection, restriction…) are left out.
      const allowed = await guard.allowedContacts(
        tx,
        purpose,
        fetched.map((r) => r.id),
      );
      const page = await openContacts(
        tx,
        options,
        fetched.filter((r) => allowed.has(r.id)),
      );
      await recordAudit(tx, keys, ctx, {
        action: 'contact.export',
        entityType: 'contact',
        subjectIds: page.map((r) => r.row.subjectId),
      });
      const tags = await tagsOfContacts(
        tx,
        page.map((r) => r.row.id),
      );
      const last = fetched[fetched.length - 1];
      return {
        records: page.map((r) =>
          csvRecord(presentContact(ctx, r, tags.get(r.row.id) ?? [], defs), customKeys),
        ),
        next: rows.length > pageSize && last ? { at: last.createdAt.toISOString(), id: last.id } : null,
      };
    });

  const first = await readPage(null);
  async function* records(): AsyncGenerator<string[]> {
    let page = first;
    for (;;) {
      yield* page.records;
      if (!page.next) return;
      page = await readPage(page.next);
    }
  }
  const csv = stringify({
    header: true,
    columns: [...contactCsvColumns, ...customKeys.map((k) => `custom.${k}`)],
    record_delimiter: 'windows',
  });
  // A failure mid-way destroys the stream, so the download ends broken rather than looking complete.
  return pipeline(Readable.from(records()), csv, () => {});
}
