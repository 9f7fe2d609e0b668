import {
  type Import,
  type ImportKind,
  type ImportSettings,
  importSettingsSchema,
  type Permission,
} from '@custodian/contracts';
import { parse } from 'csv-parse';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { seal } from '../../platform/crypto/cipher.js';
import { type Db, transaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { ContactDeps } from '../contacts/index.js';
import { presentImport } from './present-import.js';
import {
  deleteChunks,
  findImport,
  type ImportRow,
  insertChunk,
  insertImport,
  updateImport,
} from './repository.js';

/** Plaintext held in memory at once while uploading: one chunk. */
export const chunkBytes = 1 << 20;
export const chunkContext = (importId: string, seq: number) => `import-chunk:${importId}:${seq}`;

/** One part of the multipart upload, as @fastify/multipart yields them. */
export type UploadPart =
  | { type: 'field'; fieldname: string; value: unknown }
  | { type: 'file'; fieldname: string; file: AsyncIterable<Buffer> & { truncated?: boolean } };

const permissionFor = {
  activities: 'activities:write',
  consents: 'consents:record',
} as const satisfies Record<Exclude<ImportKind, 'contacts'>, Permission>;

function settingsFrom(fields: Record<string, string>): ImportSettings {
  let mapping: unknown;
  try {
    mapping = fields.mapping === undefined ? undefined : JSON.parse(fields.mapping);
  } catch {
    mapping = null;
  }
  const parsed = importSettingsSchema.safeParse({
    ...fields,
    mapping,
    dryRun: fields.dryRun === undefined ? undefined : fields.dryRun === 'true',
  });
  if (!parsed.success)
    throw new AppError('validation_failed', 'The import settings are invalid', {
      details: parsed.error.issues.map((i) => ({
        field: ['body', ...i.path.slice(0, 1).map(String)].join('.'),
        issue: i.message,
      })),
    });
  return parsed.data;
}

function problem(field: string, issue: string, message = 'The file cannot be imported'): AppError {
  return new AppError('validation_failed', message, { details: [{ field, issue }] });
}

/**
 * Receives a CSV upload: settings first, then the file, streamed into chunks sealed under the import's own
 * key (never the whole file in memory) while a CSV parser counts the rows and reads the header. Then the
 * import is queued for the background job.
 */
export async function receiveImport(
  options: Pick<ContactDeps, 'db' | 'keys' | 'subjects'> & {
    ctx: RequestContext;
    parts: AsyncIterable<UploadPart>;
    enqueue: (importId: string) => Promise<void>;
  },
): Promise<Import> {
  const { db, keys, subjects, ctx, parts } = options;
  assertPermission(ctx.actor, 'contacts:import');
  // Contacts are the default; activities and consent history need the right to record those too.
  const fields: Record<string, string> = {};
  let row: ImportRow | null = null;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file' || row)
        throw problem('body.file', 'send exactly one file part, named file');
      const settings = settingsFrom(fields);
      if (settings.kind !== 'contacts') assertPermission(ctx.actor, permissionFor[settings.kind]);
      row = await transaction(db, async (tx) =>
        insertImport(tx, {
          subjectId: await subjects.createSubject(tx),
          kind: settings.kind,
          dryRun: settings.dryRun,
          source: settings.source,
          lawfulBasis: settings.kind === 'contacts' ? settings.lawfulBasis : null,
          onDuplicate: settings.onDuplicate,
          mapping: settings.mapping,
          createdBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
        }),
      );
      row = await storeFile(db, subjects, row, part.file);
    }
    if (!row) throw problem('body.file', 'is required (after the other fields)');
    const stored = row;
    const done = await transaction(db, async (tx) => {
      await updateImport(tx, stored.id, { status: 'queued' });
      await recordAudit(tx, keys, ctx, {
        action: 'import.create',
        entityType: 'import',
        entityId: stored.id,
      });
      return (await findImport(tx, stored.id))!;
    });
    await options.enqueue(done.id);
    return presentImport(done);
  } catch (err) {
    // Nothing half-stored stays behind: the chunks go and the key is destroyed.
    if (row) await discard(db, subjects, row);
    throw err;
  }
}

async function discard(db: Db, subjects: ContactDeps['subjects'], row: ImportRow): Promise<void> {
  await transaction(db, async (tx) => {
    await deleteChunks(tx, row.id);
    await updateImport(tx, row.id, { status: 'failed', finishedAt: new Date() });
    if (row.subjectId) await subjects.shred(tx, row.subjectId);
  });
}

async function storeFile(
  db: Db,
  subjects: ContactDeps['subjects'],
  row: ImportRow,
  file: AsyncIterable<Buffer> & { truncated?: boolean },
): Promise<ImportRow> {
  const key = await subjects.keyFor(db, row.subjectId!);
  let header: string[] | null = null;
  let records = 0;
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  parser.on('data', (record: string[]) => {
    if (header) records++;
    else header = record;
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  parsed.catch(() => {}); // awaited below; avoids an unhandled rejection while the upload continues

  let seq = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const plain = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await insertChunk(db, row.id, seq, seal(key, plain, chunkContext(row.id, seq)));
    seq++;
  };
  try {
    for await (const data of file) {
      bytes += data.length;
      // A parser that failed never drains: its failure ends the wait instead.
      if (!parser.write(data)) await Promise.race([new Promise((r) => parser.once('drain', r)), parsed]);
      pending.push(data);
      pendingBytes += data.length;
      if (pendingBytes >= chunkBytes) await flush();
    }
    if (file.truncated) throw new AppError('payload_too_large', 'The file is larger than the import limit');
    await flush();
    parser.end();
    await parsed;
  } catch (err) {
    if (err instanceof AppError) throw err;
    // csv-parse errors carry the offending text in their message: report only where it is.
    const line = (err as { lines?: number }).lines;
    throw problem('body.file', `is not valid CSV${line ? ` (near line ${line})` : ''}`);
  }
  if (!header) throw problem('body.file', 'has no header row');
  const columns = new Set<string>((header as string[]).map((h) => h.trim()));
  const missing = Object.keys(row.mapping).filter((c) => !columns.has(c));
  if (missing.length > 0)
    throw new AppError('validation_failed', 'The mapping names columns the file does not have', {
      details: missing.map(() => ({
        field: 'body.mapping',
        issue: 'names a column that is not in the header',
      })),
    });
  await updateImport(db, row.id, { fileBytes: bytes, totalRows: records });
  return { ...row, fileBytes: bytes, totalRows: records };
}
