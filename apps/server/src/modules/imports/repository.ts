import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { importChunks, imports } from './schema.js';

export type ImportRow = typeof imports.$inferSelect;
export type ImportError = ImportRow['errors'][number];
/** Bad rows kept for the report; `failed` counts them all. */
export const maxReportedErrors = 1000;

export async function insertImport(
  ex: Executor,
  values: Pick<
    ImportRow,
    'subjectId' | 'kind' | 'dryRun' | 'source' | 'lawfulBasis' | 'onDuplicate' | 'mapping' | 'createdBy'
  >,
): Promise<ImportRow> {
  const [row] = await ex
    .insert(imports)
    .values({ ...values, status: 'uploading' })
    .returning();
  return row!;
}

export async function insertChunk(ex: Executor, importId: string, seq: number, data: Buffer): Promise<void> {
  await ex.insert(importChunks).values({ importId, seq, data });
}

export async function findChunk(ex: Executor, importId: string, seq: number): Promise<Buffer | null> {
  const [row] = await ex
    .select({ data: importChunks.data })
    .from(importChunks)
    .where(and(eq(importChunks.importId, importId), eq(importChunks.seq, seq)));
  return row?.data ?? null;
}

export async function deleteChunks(ex: Executor, importId: string): Promise<void> {
  await ex.delete(importChunks).where(eq(importChunks.importId, importId));
}

export async function findImport(
  ex: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ImportRow | null> {
  const query = ex.select().from(imports).where(eq(imports.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function updateImport(ex: Executor, id: string, values: Partial<ImportRow>): Promise<void> {
  await ex.update(imports).set(values).where(eq(imports.id, id));
}

/** Records a processed batch together with its effects, so progress and data commit as one. */
export async function recordBatch(
  ex: Executor,
  id: string,
  batch: {
    rows: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    errors: ImportError[];
  },
): Promise<void> {
  await ex
    .update(imports)
    .set({
      rowsDone: sql`${imports.rowsDone} + ${batch.rows}`,
      created: sql`${imports.created} + ${batch.created}`,
      updated: sql`${imports.updated} + ${batch.updated}`,
      skipped: sql`${imports.skipped} + ${batch.skipped}`,
      failed: sql`${imports.failed} + ${batch.failed}`,
      // Keeps the first reported errors; the count above keeps growing.
      errors: sql`case when jsonb_array_length(${imports.errors}) >= ${maxReportedErrors} then ${imports.errors}
        else (select coalesce(jsonb_agg(e), '[]'::jsonb) from (
          select e from jsonb_array_elements(${imports.errors} || ${JSON.stringify(batch.errors)}::jsonb) e
          limit ${maxReportedErrors}) x) end`,
    })
    .where(eq(imports.id, id));
}

/** Imports a worker should (re)start after a restart. */
export async function findUnfinishedImports(ex: Executor): Promise<string[]> {
  const rows = await ex
    .select({ id: imports.id })
    .from(imports)
    .where(inArray(imports.status, ['queued', 'running']))
    .orderBy(asc(imports.createdAt));
  return rows.map((r) => r.id);
}

/** Uploads cut off before they were queued (a dropped connection, a crash), older than `before`. */
export async function findAbandonedUploads(
  ex: Executor,
  before: Date,
): Promise<{ id: string; subjectId: string | null }[]> {
  return ex
    .select({ id: imports.id, subjectId: imports.subjectId })
    .from(imports)
    .where(
      and(eq(imports.status, 'uploading'), sql`${imports.createdAt} < ${before.toISOString()}::timestamptz`),
    );
}
