import type { CreateContactInput, ImportableField } from '@custodian/contracts';
import { contactEntity, indexOf } from '../catalog/index.js';
import { recordAudit } from '../modules/audit/index.js';
import {
  addContactTags,
  type ContactDeps,
  type ContactPersonal,
  type ContactRecord,
  findContactsByEmailTokens,
  insertContactsBatch,
  openContacts,
  resealNewContact,
  type SealedContact,
  sealNewContacts,
  updateContactFields,
} from '../modules/contacts/index.js';
import { recordDomainEvents } from '../modules/events/index.js';
import { type ImportError, type ImportRow, recordBatch } from '../modules/imports/index.js';
import { findSuppressedEmailTokens } from '../modules/suppressions/index.js';
import { ensureTags } from '../modules/tags/index.js';
import type { RequestContext } from '../platform/access.js';
import type { Tx } from '../platform/db/database.js';
import { type Columns, merge, type PreparedRow, prepareRow } from './contact-import-row.js';
import { type CsvRow, columnsOf, type ImportJobOptions, runImportJob, yieldToWrites } from './import-job.js';

/**
 * Imports contacts: each row a new person, or merged into the contact (already in the CRM, or earlier in the
 * file) sharing one of its e-mail addresses, unless the import skips duplicates. Rows of people on the
 * suppression list are refused. Rows are parsed, checked and sealed as new contacts before the batch's
 * transaction; the transaction finds the duplicates and writes.
 */
export function runContactImport(options: ImportJobOptions): Promise<ImportRow | null> {
  // Tokens of repeated name prefixes are computed once per run.
  const indexer = options.indexer.forRun();
  const deps = { ...options, indexer };
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const emailToken = (email: string) => indexer.exactEmail(emailIndex, email).toString();
  return runImportJob(options, ({ row, ctx }) => {
    const columns = columnsOf<ImportableField>(row.mapping);
    return {
      prepare: (rows) => prepareBatch(rows, columns, emailToken, row.dryRun ? null : deps),
      apply: (tx, prepared) => applyBatch(tx, { ...deps, ctx, row, columns, prepared }),
    };
  });
}

/**
 * A batch's rows made ready without the database: the contacts they hold, each already sealed as a new
 * contact (most rows are new people; a row that turns out to be a duplicate drops its sealed copy, which was
 * never stored), or why they are refused.
 */
interface PreparedBatch {
  rows: number;
  errors: ImportError[];
  /** Sealed as a new contact, except in a dry run (nothing is written). */
  candidates: (PreparedRow & { sealed: SealedContact | null })[];
}

const slice = 100;

async function prepareBatch(
  rows: readonly CsvRow[],
  columns: Columns,
  emailToken: (email: string) => string,
  crypto: ContactDeps | null,
): Promise<PreparedBatch> {
  const errors: ImportError[] = [];
  const candidates: PreparedBatch['candidates'] = [];
  // In slices, letting the batch being written go on between them.
  for (let start = 0; start < rows.length; start += slice) {
    if (start > 0) await yieldToWrites();
    const ready: PreparedRow[] = [];
    for (const r of rows.slice(start, start + slice)) {
      const result = prepareRow(r.rowNumber, r.record, columns, emailToken);
      if (Array.isArray(result)) errors.push(...result.slice(0, 5));
      else ready.push(result);
    }
    const sealed = crypto
      ? sealNewContacts(
          crypto,
          ready.map((p) => p.personal),
        )
      : [];
    ready.forEach((p, i) => {
      candidates.push({ ...p, sealed: sealed[i] ?? null });
    });
  }
  return { rows: rows.length, errors, candidates };
}

async function applyBatch(
  tx: Tx,
  options: ContactDeps & {
    ctx: RequestContext;
    row: ImportRow;
    columns: Columns;
    prepared: PreparedBatch;
  },
): Promise<void> {
  const { row, columns, keys, ctx } = options;
  const errors = [...options.prepared.errors];
  const { candidates } = options.prepared;
  // Rows of people on the suppression list (erased, or asked not to be contacted) are refused.
  const suppressed = await findSuppressedEmailTokens(tx, options.indexer, [
    ...new Set(candidates.flatMap((c) => c.tokens)),
  ]);
  const prepared = candidates.filter((c) => {
    if (!c.tokens.some((t) => suppressed.has(t))) return true;
    errors.push({
      row: c.rowNumber,
      field: columns.email ?? 'email',
      issue: 'belongs to someone on the suppression list',
    });
    return false;
  });
  const failedRows = new Set(errors.map((e) => e.row)).size;

  // Existing contacts sharing an e-mail with a row, by blind index; then rows earlier in this batch.
  const allTokens = [...new Set(prepared.flatMap((p) => p.tokens))].map((t) => BigInt(t));
  const found = await findContactsByEmailTokens(tx, allTokens);
  const opened = new Map<string, ContactRecord>(
    (
      await openContacts(
        tx,
        options,
        found.map((f) => f.row),
      )
    ).map((r) => [r.row.id, r]),
  );
  const existingByToken = new Map<string, string>();
  for (const f of found)
    for (const t of f.tokens) if (!existingByToken.has(t)) existingByToken.set(t, f.row.id);

  const creates: { personal: ContactPersonal; input: CreateContactInput; sealed: SealedContact | null }[] =
    [];
  const createByToken = new Map<string, number>();
  const updates = new Map<string, { personal: ContactPersonal; input: CreateContactInput }>();
  let skipped = 0;
  let updatedRows = 0;
  for (const p of prepared) {
    const existingId = p.tokens.map((t) => existingByToken.get(t)).find(Boolean);
    const pendingIndex = p.tokens.map((t) => createByToken.get(t)).find((i) => i !== undefined);
    if (existingId || pendingIndex !== undefined) {
      if (row.onDuplicate === 'skip') {
        skipped++;
        continue;
      }
      if (existingId) {
        const base = updates.get(existingId)?.personal ?? opened.get(existingId)?.personal;
        if (!base) {
          skipped++; // erased while the import ran
          continue;
        }
        updates.set(existingId, { personal: merge(base, p.input), input: p.input });
        updatedRows++;
      } else {
        const target = creates[pendingIndex!]!;
        target.personal = merge(target.personal, p.input);
        target.input = { ...target.input, tags: [...(target.input.tags ?? []), ...(p.input.tags ?? [])] };
        updatedRows++;
      }
      continue;
    }
    creates.push({ personal: p.personal, input: p.input, sealed: p.sealed });
    for (const t of p.tokens) createByToken.set(t, creates.length - 1);
  }

  const subjectIds: string[] = [];
  if (!row.dryRun) {
    // A new contact that later rows of the file were merged into is sealed again with its merged fields.
    const inserted = creates.map((c) => {
      if (!c.sealed) return sealNewContacts(options, [c.personal])[0]!;
      return c.sealed.personal === c.personal ? c.sealed : resealNewContact(options, c.sealed, c.personal);
    });
    await insertContactsBatch(
      tx,
      options,
      inserted.map((contact, i) => ({
        contact,
        importId: row.id,
        attributes: {
          ownerId: row.createdBy,
          companyId: null,
          source: 'import',
          lifecycleStage: creates[i]!.input.lifecycleStage ?? 'lead',
        },
      })),
    );
    const tagPairs: { contactId: string; names: string[] }[] = inserted.map((r, i) => ({
      contactId: r.id,
      names: creates[i]!.input.tags ?? [],
    }));
    for (const [contactId, u] of updates) {
      const current = opened.get(contactId)!;
      await updateContactFields(
        tx,
        options,
        current.row,
        u.personal,
        {
          ownerId: current.row.ownerId,
          companyId: current.row.companyId,
          source: current.row.source,
          lifecycleStage: u.input.lifecycleStage ?? current.row.lifecycleStage,
        },
        { recordEvent: false },
      );
      tagPairs.push({ contactId, names: u.input.tags ?? [] });
      subjectIds.push(current.row.subjectId);
    }
    // The updates' events in one statement, as the inserts' are.
    await recordDomainEvents(
      tx,
      [...updates.keys()].map((contactId) => ({
        type: 'contact.updated',
        contactId,
        subjectId: opened.get(contactId)!.row.subjectId,
      })),
    );
    const tagIds = await ensureTags(
      tx,
      tagPairs.flatMap((p) => p.names),
    );
    await addContactTags(
      tx,
      tagPairs.flatMap((p) =>
        p.names.map((n) => ({ contactId: p.contactId, tagId: tagIds.get(n.toLowerCase())! })),
      ),
    );
    subjectIds.push(...inserted.map((r) => r.subject.id));
    await recordAudit(tx, keys, ctx, {
      action: 'contact.import',
      entityType: 'import',
      entityId: row.id,
      subjectIds,
    });
  }
  // Counts are of rows: each row is created, updated (an existing contact or one earlier in the file),
  // skipped as a duplicate, or failed.
  await recordBatch(tx, row.id, {
    rows: options.prepared.rows,
    created: creates.length,
    updated: updatedRows,
    skipped,
    failed: failedRows,
    errors,
  });
}
