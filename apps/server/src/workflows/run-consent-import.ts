import {
  type ConsentImportField,
  collectionMethodSchema,
  importableConsentKinds,
  jurisdictionSchema,
  languageTagSchema,
  type Notice,
  noticeKeySchema,
  purposeSchema,
} from '@custodian/contracts';
import { z } from 'zod';
import { contactEntity, indexOf } from '../catalog/index.js';
import { recordAudit } from '../modules/audit/index.js';
import {
  appendLedgerEvents,
  cleanSource,
  findLedgerMoments,
  type NewLedgerEvent,
} from '../modules/consents/index.js';
import { findContactsByEmailTokens } from '../modules/contacts/index.js';
import { type ImportError, type ImportRow, recordBatch } from '../modules/imports/index.js';
import { findNotice, findNoticeVersion, noticeInUseSince } from '../modules/notices/index.js';
import type { Executor, Tx } from '../platform/db/database.js';
import {
  type CsvRow,
  cellOf,
  columnsOf,
  type ImportJob,
  type ImportJobOptions,
  instantOf,
  runImportJob,
  yieldToWrites,
} from './import-job.js';

type Columns = Partial<Record<ConsentImportField, string>>;

// As for one recorded event: clocks disagree a little; a choice from further in the future is a mistake.
const futureToleranceMs = 5 * 60_000;

const rowSchema = z.object({
  purpose: purposeSchema,
  kind: z.enum(importableConsentKinds),
  occurredAt: z.iso.datetime({ offset: true }),
  method: collectionMethodSchema.default('import'),
  source: z.string().max(500).optional(),
  noticeId: z.uuid().optional(),
  noticeKey: noticeKeySchema.optional(),
  noticeVersion: z.coerce.number().int().min(1).optional(),
  language: languageTagSchema.optional(),
  jurisdiction: jurisdictionSchema.optional(),
  note: z.string().max(1000).optional(),
});
type RowInput = z.infer<typeof rowSchema>;
const emailSchema = z.email().max(254);

interface PreparedEvent {
  rowNumber: number;
  input: RowInput;
  token: string;
  notice: Notice | null;
}

/** Notices named by the file, looked up once per import run: by id, or by `key@version`. */
type NoticeCache = Map<string, Notice | null>;

async function noticeOf(ex: Executor, cache: NoticeCache, input: RowInput): Promise<Notice | null> {
  const ref = input.noticeId ?? `${input.noticeKey}@${input.noticeVersion}`;
  if (!cache.has(ref))
    cache.set(
      ref,
      input.noticeId
        ? await findNotice(ex, input.noticeId)
        : await findNoticeVersion(ex, input.noticeKey!, input.noticeVersion!),
    );
  return cache.get(ref)!;
}

/** A row read without the database: its fields, the person's token, and the errors found so far. */
interface ParsedEvent {
  rowNumber: number;
  input: RowInput;
  token: string;
  /** Found before the notice is checked; the row is refused, with the notice's own errors added. */
  errors: ImportError[];
}

/** A CSV row read and checked as far as it can be without the notices, or the errors that keep it out. */
function parseRow(
  { rowNumber, record }: CsvRow,
  columns: Columns,
  emailToken: (email: string) => string,
): ParsedEvent | ImportError[] {
  const errors: ImportError[] = [];
  const fail = (field: ConsentImportField, issue: string) =>
    errors.push({ row: rowNumber, field: columns[field] ?? field, issue });
  const get = (field: ConsentImportField) => cellOf(record, columns[field]);
  const at = get('occurredAt');
  const parsed = rowSchema.safeParse({
    purpose: get('purpose')?.toLowerCase(),
    kind: get('kind')?.toLowerCase(),
    occurredAt: at === undefined ? undefined : (instantOf(at) ?? at),
    method: get('method')?.toLowerCase(),
    source: get('source'),
    noticeId: get('noticeId')?.toLowerCase(),
    noticeKey: get('noticeKey'),
    noticeVersion: get('noticeVersion'),
    language: get('language'),
    jurisdiction: get('jurisdiction')?.toUpperCase(),
    note: get('note'),
  });
  if (!parsed.success)
    for (const issue of parsed.error.issues) fail(String(issue.path[0]) as ConsentImportField, issue.message);
  const email = get('email');
  if (email === undefined) fail('email', 'is required: the person who made the choice');
  else if (!emailSchema.safeParse(email).success) fail('email', 'is not an e-mail address');
  if (!parsed.success || email === undefined || errors.length > 0) return errors;
  const input = parsed.data;
  if (new Date(input.occurredAt).getTime() > Date.now() + futureToleranceMs)
    fail('occurredAt', 'is in the future');
  return { rowNumber, input, token: emailToken(email), errors };
}

/** A batch's rows read without the database. */
interface PreparedBatch {
  rows: number;
  errors: ImportError[];
  parsed: ParsedEvent[];
}

const slice = 500;

async function prepareBatch(
  rows: readonly CsvRow[],
  columns: Columns,
  emailToken: (email: string) => string,
): Promise<PreparedBatch> {
  const errors: ImportError[] = [];
  const parsed: ParsedEvent[] = [];
  // In slices, letting the batch being written go on between them.
  for (let start = 0; start < rows.length; start += slice) {
    if (start > 0) await yieldToWrites();
    for (const r of rows.slice(start, start + slice)) {
      const result = parseRow(r, columns, emailToken);
      if (Array.isArray(result)) errors.push(...result.slice(0, 5));
      else parsed.push(result);
    }
  }
  return { rows: rows.length, errors, parsed };
}

/**
 * A read row as a ledger event, once its notice is checked: a consent given or refused rests on the notice
 * shown, which must cover the purpose, in the language named, and have been in use then. Else the errors
 * (row and column, never the value) that keep it out.
 */
async function checkNotice(
  ex: Executor,
  event: ParsedEvent,
  columns: Columns,
  notices: NoticeCache,
): Promise<PreparedEvent | ImportError[]> {
  const { rowNumber, input, token } = event;
  const errors = [...event.errors];
  const fail = (field: ConsentImportField, issue: string) =>
    errors.push({ row: rowNumber, field: columns[field] ?? field, issue });
  const occurredAt = new Date(input.occurredAt);
  let notice: Notice | null = null;
  if (input.kind !== 'withdrawn') {
    // The column to blame: the one naming the notice, or the key column of a file that names it so.
    const noticeField = input.noticeId || !columns.noticeKey ? 'noticeId' : 'noticeKey';
    if (!input.noticeId && !(input.noticeKey && input.noticeVersion))
      fail(
        noticeField,
        'is required for a consent given or refused (noticeId, or noticeKey and noticeVersion)',
      );
    else {
      notice = await noticeOf(ex, notices, input);
      if (!notice) fail(noticeField, 'is not a published notice');
      else {
        if (!notice.purposes.includes(input.purpose)) fail(noticeField, 'does not cover this purpose');
        if (!input.language) fail('language', 'is required for a consent given or refused');
        else if (!notice.texts.some((t) => t.language === input.language))
          fail('language', 'is not a language this notice was published in');
        if (noticeInUseSince(notice).getTime() > occurredAt.getTime() + futureToleranceMs)
          fail('occurredAt', 'is before the notice was in use');
      }
    }
  }
  if (errors.length > 0) return errors;
  return { rowNumber, input, token, notice };
}

/**
 * Imports consent history from a previous system into the ledger: each row one event (given, refused or
 * withdrawn) of a person already in the CRM, found by e-mail through the blind index. Events keep their
 * original date and method; the ledger's rules for the current state apply to them as to any other event.
 * Each batch is one multi-row append, one audit entry naming the people, and their `consent.changed` events.
 */
export function runConsentImport(options: ImportJobOptions): Promise<ImportRow | null> {
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const emailToken = (email: string) => options.indexer.exactEmail(emailIndex, email).toString();
  const notices: NoticeCache = new Map();
  return runImportJob(options, ({ row, ctx }) => {
    const columns = columnsOf<ConsentImportField>(row.mapping);
    return {
      prepare: (rows) => prepareBatch(rows, columns, emailToken),
      apply: (tx, batch) => applyBatch(tx, options, { row, ctx, columns, batch, notices }),
    };
  });
}

async function applyBatch(
  tx: Tx,
  options: ImportJobOptions,
  {
    row,
    ctx,
    columns,
    batch,
    notices,
  }: ImportJob & { columns: Columns; batch: PreparedBatch; notices: NoticeCache },
): Promise<void> {
  const errors = [...batch.errors];
  const prepared: PreparedEvent[] = [];
  for (const event of batch.parsed) {
    const result = await checkNotice(tx, event, columns, notices);
    if (Array.isArray(result)) errors.push(...result.slice(0, 5));
    else prepared.push(result);
  }

  const found = await findContactsByEmailTokens(
    tx,
    [...new Set(prepared.map((p) => p.token))].map((t) => BigInt(t)),
  );
  const byToken = new Map<string, string>();
  for (const f of found) for (const t of f.tokens) if (!byToken.has(t)) byToken.set(t, f.row.subjectId);
  const known: (PreparedEvent & { subjectId: string })[] = [];
  for (const p of prepared) {
    const subjectId = byToken.get(p.token);
    if (subjectId) known.push({ ...p, subjectId });
    else errors.push({ row: p.rowNumber, field: columns.email!, issue: 'names nobody in the CRM' });
  }

  // An event the ledger already holds (same person, purpose, kind and moment) is skipped: importing a file
  // twice brings nothing in twice.
  const momentKey = (e: (typeof known)[number]) =>
    `${e.subjectId}|${e.input.purpose}|${e.input.kind}|${new Date(e.input.occurredAt).getTime()}`;
  const existing = await findLedgerMoments(
    tx,
    known.map((e) => ({ subjectId: e.subjectId, occurredAt: new Date(e.input.occurredAt) })),
  );
  const appends = known.filter((e) => {
    const key = momentKey(e);
    if (existing.has(key)) return false;
    existing.add(key);
    return true;
  });

  if (!row.dryRun && appends.length > 0) {
    const actor = { type: 'import', id: row.createdBy };
    await appendLedgerEvents(
      tx,
      options.subjects,
      appends.map(
        (e): NewLedgerEvent => ({
          subjectId: e.subjectId,
          kind: e.input.kind,
          purpose: e.input.purpose,
          noticeId: e.notice?.id ?? null,
          language: e.notice ? e.input.language! : null,
          method: e.input.method,
          occurredAt: new Date(e.input.occurredAt),
          actor,
          relatesTo: null,
          conflictsWith: null,
          mergedFrom: null,
          proof: {
            // The record's reference in the previous system, else the system itself.
            source: cleanSource(e.input.source) ?? row.source,
            networkAddressHash: null,
            userAgent: null,
            jurisdiction: e.input.jurisdiction ?? null,
            ageCheck: null,
            parentalConsentReference: null,
            note: `Imported from ${row.source} (import ${row.id})${e.input.note ? `: ${e.input.note}` : ''}`,
          },
        }),
      ),
    );
    await recordAudit(tx, options.keys, ctx, {
      action: 'consent.import',
      entityType: 'import',
      entityId: row.id,
      subjectIds: [...new Set(appends.map((e) => e.subjectId))],
    });
  }
  await recordBatch(tx, row.id, {
    rows: batch.rows,
    created: appends.length,
    updated: 0,
    skipped: known.length - appends.length,
    failed: new Set(errors.map((e) => e.row)).size,
    errors: errors.sort((a, b) => a.row - b.row),
  });
}
