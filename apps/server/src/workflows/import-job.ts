import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { recordAudit } from '../modules/audit/index.js';
import type { ContactDeps } from '../modules/contacts/index.js';
import {
  chunkContext,
  deleteChunks,
  findChunk,
  findImport,
  type ImportRow,
  updateImport,
} from '../modules/imports/index.js';
import { type RequestContext, systemContext } from '../platform/access.js';
import { open } from '../platform/crypto/cipher.js';
import { type Db, type Tx, transaction } from '../platform/db/database.js';

/**
 * The job machinery the activity and consent imports share (the contact import has its own in run-import.ts):
 * claim the import, read the stored file back chunk by chunk, apply the rows after `rowsDone` in batches that
 * each commit with their progress, and at the end destroy the stored file and its key.
 */

export const importBatchSize = 500;

export interface CsvRow {
  /** 1-based data row number (the header is row 0). */
  rowNumber: number;
  record: Record<string, string | undefined>;
}

export interface ImportJobOptions extends ContactDeps {
  importId: string;
  batchSize?: number;
  onProgress?: (row: ImportRow) => void;
}

/** Applies one batch in its transaction; it must record the batch's progress (`recordBatch`) there too. */
export type ApplyBatch = (
  tx: Tx,
  batch: { row: ImportRow; ctx: RequestContext; rows: CsvRow[] },
) => Promise<void>;

/** The CSV column mapped to each field. */
export function columnsOf<F extends string>(mapping: Record<string, string>): Partial<Record<F, string>> {
  return Object.fromEntries(Object.entries(mapping).map(([column, field]) => [field, column])) as Partial<
    Record<F, string>
  >;
}

/** A cell's trimmed text, or undefined when the column is unmapped or the cell empty. */
export const cellOf = (record: CsvRow['record'], column: string | undefined): string | undefined => {
  const value = column === undefined ? undefined : record[column]?.trim();
  return value ? value : undefined;
};

/**
 * A date or date-time cell as an ISO 8601 instant: `2024-03-01T09:30:00+01:00` as given, and, as other systems
 * export them, a date alone or a date-time without an offset, read as UTC. Null when it is neither.
 */
export function instantOf(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    text,
  );
  if (!m) return null;
  const [, date, time, offset] = m;
  const zone =
    offset && offset !== 'Z' && offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const iso = `${date}T${time ?? '00:00'}${zone ?? 'Z'}`;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
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

class ImportTakenOver extends Error {}

/**
 * Runs (or resumes) an import: rows after `rowsDone` are read from the stored file and applied in batches;
 * each batch commits with its progress and its audit entry, so a crash or restart resumes exactly after the
 * last committed batch and nothing is applied twice. At the end the stored file and its key are destroyed.
 */
export async function runImportJob(options: ImportJobOptions, apply: ApplyBatch): Promise<ImportRow | null> {
  const { db, keys, subjects, importId } = options;
  const batchSize = options.batchSize ?? importBatchSize;
  const row = await claim(db, importId);
  // Finished (or unknown): nothing to do, the answer is its state.
  if (!row?.subjectId) return findImport(db, importId);
  const ctx: RequestContext = { ...systemContext('import'), requestId: importId };
  const key = await subjects.keyFor(db, row.subjectId);
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
  let batch: CsvRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await transaction(db, async (tx) => {
      // Another runner of the same import (after a restart) must not apply these rows again.
      const current = await findImport(tx, importId, { forUpdate: true });
      if (current?.rowsDone !== expectedDone) throw new ImportTakenOver();
      await apply(tx, { row, ctx, rows });
    });
    expectedDone += rows.length;
    if (options.onProgress) {
      const progress = await findImport(db, importId);
      if (progress) options.onProgress(progress);
    }
  };
  try {
    for await (const record of parser) {
      rowNumber++;
      if (rowNumber <= row.rowsDone) continue;
      batch.push({ rowNumber, record: record as CsvRow['record'] });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
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
