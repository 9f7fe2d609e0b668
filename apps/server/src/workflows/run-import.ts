import { Readable } from 'node:stream';
import { type CreateContactInput, createContactBody, type ImportableField } from '@custodian/contracts';
import { parse } from 'csv-parse';
import { contactEntity, indexOf } from '../catalog/index.js';
import { recordAudit } from '../modules/audit/index.js';
import {
  addContactTags,
  applyPersonalInput,
  type ContactDeps,
  type ContactPersonal,
  type ContactRecord,
  emptyPersonal,
  findContactsByEmailTokens,
  insertContactsBatch,
  openContacts,
  resealNewContact,
  type SealedContact,
  sealNewContacts,
  updateContactFields,
} from '../modules/contacts/index.js';
import { recordDomainEvents } from '../modules/events/index.js';
import {
  chunkContext,
  deleteChunks,
  findChunk,
  findImport,
  type ImportError,
  type ImportRow,
  recordBatch,
  updateImport,
} from '../modules/imports/index.js';
import { findSuppressedEmailTokens } from '../modules/suppressions/index.js';
import { ensureTags } from '../modules/tags/index.js';
import { type RequestContext, systemContext } from '../platform/access.js';
import { open } from '../platform/crypto/cipher.js';
import { type Db, type Tx, transaction } from '../platform/db/database.js';
import { AppError } from '../platform/http/errors.js';
import { runActivityImport } from './run-activity-import.js';
import { runConsentImport } from './run-consent-import.js';

export const importBatchSize = 2000;

/** One CSV row made ready: its contact fields, or the errors that keep it out. */
interface PreparedRow {
  rowNumber: number;
  input: CreateContactInput;
  personal: ContactPersonal;
  tokens: string[];
}

type Columns = Partial<Record<ImportableField, string>>;

const cell = (record: Record<string, string | undefined>, column: string | undefined) => {
  const value = column === undefined ? undefined : record[column]?.trim();
  return value ? value : undefined;
};

/** The row as a contact input, and which CSV column each input path came from (for error reports). */
function toInput(record: Record<string, string | undefined>, columns: Columns) {
  const origin = new Map<string, string>();
  const get = (field: ImportableField, path: string) => {
    const value = cell(record, columns[field]);
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
      const value = cell(record, columns[f]);
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
    const value = cell(record, columns[f]);
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

function prepare(
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
function merge(current: ContactPersonal, input: CreateContactInput): ContactPersonal {
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

/** Reads the stored file back, chunk by chunk, decrypting each: never the whole file in memory. */
async function* fileChunks(db: Db, row: ImportRow, key: Buffer): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const sealed = await findChunk(db, row.id, seq);
    if (!sealed) return;
    yield open(key, sealed, chunkContext(row.id, seq));
  }
}

async function claim(db: Db, importId: string): Promise<ImportRow | null> {
  return transaction(db, async (tx) => {
    const row = await findImport(tx, importId, { forUpdate: true });
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return null;
    await updateImport(tx, importId, { status: 'running', startedAt: row.startedAt ?? new Date() });
    return { ...row, status: 'running' };
  });
}

/**
 * Runs (or resumes) an import: rows after `rowsDone` are read from the stored file and applied in batches;
 * each batch commits with its progress and its audit entry, so a crash or restart resumes exactly after the
 * last committed batch and nothing is applied twice. At the end the stored file and its key are destroyed.
 */
export async function runImport(
  options: ContactDeps & { importId: string; batchSize?: number; onProgress?: (row: ImportRow) => void },
): Promise<ImportRow | null> {
  const { db, keys, subjects, importId } = options;
  // Activities and consent history have their own runners on the same job machinery.
  const kind = (await findImport(db, importId))?.kind;
  if (kind === 'activities') return runActivityImport(options);
  if (kind === 'consents') return runConsentImport(options);
  // Tokens of repeated name prefixes are computed once per run.
  const indexer = options.indexer.forRun();
  const deps = { ...options, indexer };
  const batchSize = options.batchSize ?? importBatchSize;
  const row = await claim(db, importId);
  // Finished (or unknown): nothing to do, the answer is its state.
  if (!row?.subjectId) return findImport(db, importId);
  const ctx: RequestContext = { ...systemContext('import'), requestId: importId };
  const key = await subjects.keyFor(db, row.subjectId);
  const columns: Columns = Object.fromEntries(
    Object.entries(row.mapping).map(([column, field]) => [field, column]),
  );
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const emailToken = (email: string) => indexer.exactEmail(emailIndex, email).toString();

  const parser = Readable.from(fileChunks(db, row, key)).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  let rowNumber = 0;
  let expectedDone = row.rowsDone;
  let batch: { rowNumber: number; record: Record<string, string> }[] = [];
  const commit = async (prepared: PreparedBatch) => {
    await transaction(db, async (tx) => {
      // Another runner of the same import (after a restart) must not apply these rows again.
      const current = await findImport(tx, importId, { forUpdate: true });
      if (current?.rowsDone !== expectedDone) throw new ImportTakenOver();
      await applyBatch(tx, { ...deps, ctx, row, columns, prepared });
    });
    expectedDone += prepared.rows;
    const progress = await findImport(db, importId);
    if (progress) options.onProgress?.(progress);
  };
  // Pipelined: a batch is read and prepared (CPU work) while the one before it is written (database work).
  // Batches still commit one after the other, in file order, each with its progress.
  let committing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const prepared = await prepareBatch(rows, columns, emailToken, row.dryRun ? null : deps);
    await committing;
    committing = commit(prepared);
    committing.catch(() => {}); // awaited by the next flush or below
  };
  try {
    try {
      for await (const record of parser) {
        rowNumber++;
        if (rowNumber <= row.rowsDone) continue;
        batch.push({ rowNumber, record: record as Record<string, string> });
        if (batch.length >= batchSize) await flush();
      }
      await flush();
    } finally {
      // Whatever stopped the loop, the batch being written finishes (or fails) before this returns.
      await committing.catch(() => {});
    }
    await committing;
  } catch (err) {
    if (err instanceof ImportTakenOver) return findImport(db, importId);
    throw err;
  }
  await transaction(db, async (tx) => {
    await updateImport(tx, importId, { status: 'completed', finishedAt: new Date() });
    await deleteChunks(tx, importId);
    await subjects.shred(tx, row.subjectId!);
    await recordAudit(tx, keys, ctx, { action: 'import.complete', entityType: 'import', entityId: importId });
  });
  return findImport(db, importId);
}

class ImportTakenOver extends Error {}

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
  rows: readonly { rowNumber: number; record: Record<string, string> }[],
  columns: Columns,
  emailToken: (email: string) => string,
  crypto: ContactDeps | null,
): Promise<PreparedBatch> {
  const errors: ImportError[] = [];
  const candidates: PreparedBatch['candidates'] = [];
  // In slices, letting the batch being written go on between them.
  for (let start = 0; start < rows.length; start += slice) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const ready: PreparedRow[] = [];
    for (const r of rows.slice(start, start + slice)) {
      const result = prepare(r.rowNumber, r.record, columns, emailToken);
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
