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
 * The job machinery every import kind (contacts, activities, consent history) runs on: claim the import, read
 * the stored file back chunk by chunk, prepare and apply the rows after `rowsDone` in batches that each commit
 * with their progress, and at the end destroy the stored file and its key.
 */

export const importBatchSize = 2000;

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

/** The import being run, as the kind's steps see it. */
export interface ImportJob {
  row: ImportRow;
  ctx: RequestContext;
}

/**
 * What an import kind does with a batch. `prepare` is CPU work without the database (parsing, validating,
 * sealing); it runs while the batch before is being written, and may yield between slices. `apply` writes the
 * prepared batch in its transaction and must record the batch's progress (`recordBatch`) there too.
 */
export interface ImportSteps<P> {
  prepare(rows: CsvRow[]): Promise<P>;
  apply(tx: Tx, prepared: P): Promise<void>;
}

/** Lets other work (the batch being written) go on: between slices of a batch's preparation. */
export const yieldToWrites = () => new Promise<void>((resolve) => setImmediate(resolve));

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
 * `steps` gives the kind's preparation and writing of a batch, once the import is claimed.
 */
export async function runImportJob<P>(
  options: ImportJobOptions,
  steps: (job: ImportJob) => ImportSteps<P>,
): Promise<ImportRow | null> {
  const { db, keys, subjects, importId } = options;
  const batchSize = options.batchSize ?? importBatchSize;
  const row = await claim(db, importId);
  // Finished (or unknown): nothing to do, the answer is its state.
  if (!row?.subjectId) return findImport(db, importId);
  const ctx: RequestContext = { ...systemContext('import'), requestId: importId };
  const { prepare, apply } = steps({ row, ctx });
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
  const commit = async (prepared: P, rows: number) => {
    await transaction(db, async (tx) => {
      // Another runner of the same import (after a restart) must not apply these rows again.
      const current = await findImport(tx, importId, { forUpdate: true });
      if (current?.rowsDone !== expectedDone) throw new ImportTakenOver();
      await apply(tx, prepared);
    });
    expectedDone += rows;
    if (options.onProgress) {
      const progress = await findImport(db, importId);
      if (progress) options.onProgress(progress);
    }
  };
  // Pipelined: a batch is read and prepared (CPU work) while the one before it is written (database work).
  // Batches still commit one after the other, in file order, each with its progress.
  let committing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const prepared = await prepare(rows);
    await committing;
    committing = commit(prepared, rows.length);
    committing.catch(() => {}); // awaited by the next flush or below
  };
  try {
    try {
      for await (const record of parser) {
        rowNumber++;
        if (rowNumber <= row.rowsDone) continue;
        batch.push({ rowNumber, record: record as CsvRow['record'] });
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
