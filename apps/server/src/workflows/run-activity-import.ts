import { type ActivityImportField, activityFieldsSchema } from '@custodian/contracts';
import { z } from 'zod';
import { contactEntity, indexOf } from '../catalog/index.js';
import {
  findActivityMoments,
  insertActivitiesBatch,
  type SealedActivity,
  sealNewActivities,
} from '../modules/activities/index.js';
import { recordAudit } from '../modules/audit/index.js';
import { findContactsByEmailTokens, touchLastActivities } from '../modules/contacts/index.js';
import { type ImportError, type ImportRow, recordBatch } from '../modules/imports/index.js';
import { recordNewFindings, type ScannedTexts, scanNewTexts } from '../modules/scanner/index.js';
import type { Tx } from '../platform/db/database.js';
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

type Columns = Partial<Record<ActivityImportField, string>>;

/** A row's activity fields, checked as the activities endpoint checks them. */
const rowSchema = activityFieldsSchema
  .pick({ type: true, occurredAt: true, subject: true, body: true, durationMinutes: true, direction: true })
  .partial({ subject: true, body: true, durationMinutes: true, direction: true });
type RowInput = z.infer<typeof rowSchema>;
const emailSchema = z.email().max(254);
const emailFields = ['email', 'email2'] as const;

interface PreparedActivity {
  rowNumber: number;
  input: RowInput;
  /** The blind-index token of each e-mail, with the field it came from. */
  people: { field: (typeof emailFields)[number]; token: string }[];
}

/** A batch made ready without the database: its activities, sealed and scanned unless in a dry run. */
interface PreparedBatch {
  rows: number;
  errors: ImportError[];
  activities: (PreparedActivity & { sealed: SealedActivity | null; scanned: ScannedTexts })[];
}

const slice = 100;

async function prepareBatch(
  rows: readonly CsvRow[],
  columns: Columns,
  emailToken: (email: string) => string,
  subjects: ImportJobOptions['subjects'] | null,
): Promise<PreparedBatch> {
  const errors: ImportError[] = [];
  const activities: PreparedBatch['activities'] = [];
  // In slices, letting the batch being written go on between them.
  for (let start = 0; start < rows.length; start += slice) {
    if (start > 0) await yieldToWrites();
    const ready: PreparedActivity[] = [];
    for (const r of rows.slice(start, start + slice)) {
      const result = prepare(r, columns, emailToken);
      if (Array.isArray(result)) errors.push(...result.slice(0, 5));
      else ready.push(result);
    }
    const texts = ready.map((a) => ({ subject: a.input.subject ?? null, body: a.input.body ?? null }));
    const sealed = subjects ? sealNewActivities(subjects, texts) : [];
    ready.forEach((a, i) => {
      activities.push({ ...a, sealed: sealed[i] ?? null, scanned: subjects ? scanNewTexts(texts[i]!) : [] });
    });
  }
  return { rows: rows.length, errors, activities };
}

/** A CSV row as an activity, or the errors (row and column, never the value) that keep it out. */
function prepare(
  { rowNumber, record }: CsvRow,
  columns: Columns,
  emailToken: (email: string) => string,
): PreparedActivity | ImportError[] {
  const errors: ImportError[] = [];
  const fail = (field: ActivityImportField, issue: string) =>
    errors.push({ row: rowNumber, field: columns[field] ?? field, issue });
  const get = (field: ActivityImportField) => cellOf(record, columns[field]);
  const input: Record<string, unknown> = { type: get('type')?.toLowerCase() };
  const at = get('occurredAt');
  input.occurredAt = at === undefined ? undefined : (instantOf(at) ?? at);
  for (const field of ['subject', 'body'] as const) input[field] = get(field);
  const duration = get('durationMinutes');
  if (duration !== undefined) input.durationMinutes = /^\d+$/.test(duration) ? Number(duration) : duration;
  input.direction = get('direction')?.toLowerCase();
  const parsed = rowSchema.safeParse(input);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      fail(String(issue.path[0]) as ActivityImportField, issue.message);
  const people: PreparedActivity['people'] = [];
  for (const field of emailFields) {
    const email = get(field);
    if (email === undefined) {
      if (field === 'email') fail(field, 'is required: the person the activity is about');
      continue;
    }
    if (!emailSchema.safeParse(email).success) fail(field, 'is not an e-mail address');
    else people.push({ field, token: emailToken(email) });
  }
  if (errors.length > 0 || !parsed.success) return errors;
  return { rowNumber, input: parsed.data, people };
}

/**
 * Imports activities (notes, calls, meetings, e-mails) about people already in the CRM, found by e-mail through
 * the blind index. Each activity gets a key of its own, as one created through the API does; each batch is one
 * multi-row insert, one audit entry naming the people, and the scanner's findings for the free text.
 */
export function runActivityImport(options: ImportJobOptions): Promise<ImportRow | null> {
  const emailIndex = indexOf(contactEntity, 'emails').name;
  const emailToken = (email: string) => options.indexer.exactEmail(emailIndex, email).toString();
  return runImportJob(options, ({ row, ctx }) => {
    const columns = columnsOf<ActivityImportField>(row.mapping);
    return {
      prepare: (rows) => prepareBatch(rows, columns, emailToken, row.dryRun ? null : options.subjects),
      apply: (tx, batch) => applyBatch(tx, options, { row, ctx, columns, batch }),
    };
  });
}

async function applyBatch(
  tx: Tx,
  options: ImportJobOptions,
  { row, ctx, columns, batch }: ImportJob & { columns: Columns; batch: PreparedBatch },
): Promise<void> {
  const errors = [...batch.errors];
  const prepared = batch.activities;

  // The people, by the blind index of their e-mail addresses.
  const tokens = [...new Set(prepared.flatMap((p) => p.people.map((x) => x.token)))];
  const found = await findContactsByEmailTokens(
    tx,
    tokens.map((t) => BigInt(t)),
  );
  const byToken = new Map<string, { id: string; subjectId: string }>();
  for (const f of found) for (const t of f.tokens) if (!byToken.has(t)) byToken.set(t, f.row);
  const known: (PreparedBatch['activities'][number] & { contactIds: string[] })[] = [];
  for (const p of prepared) {
    const unknown = p.people.filter((x) => !byToken.has(x.token));
    for (const x of unknown)
      errors.push({ row: p.rowNumber, field: columns[x.field]!, issue: 'names nobody in the CRM' });
    if (unknown.length === 0)
      known.push({ ...p, contactIds: [...new Set(p.people.map((x) => byToken.get(x.token)!.id))] });
  }

  // An activity already here (the same type, at the same moment, about the same first person) is skipped:
  // importing a file twice, or resuming one, brings nothing in twice.
  const momentKey = (a: (typeof known)[number]) =>
    `${a.contactIds[0]}|${a.input.type}|${new Date(a.input.occurredAt).getTime()}`;
  const existing = await findActivityMoments(
    tx,
    known.map((a) => ({ contactId: a.contactIds[0]!, occurredAt: new Date(a.input.occurredAt) })),
  );
  const creates = known.filter((a) => {
    const key = momentKey(a);
    if (existing.has(key)) return false;
    existing.add(key);
    return true;
  });

  if (!row.dryRun && creates.length > 0) {
    const inserted = await insertActivitiesBatch(
      tx,
      options.subjects,
      creates.map((a) => ({
        activity: a.sealed!,
        attributes: {
          type: a.input.type,
          occurredAt: new Date(a.input.occurredAt),
          durationMinutes: a.input.durationMinutes ?? null,
          direction: a.input.direction ?? null,
          companyId: null,
          dealId: null,
          createdBy: row.createdBy,
        },
        contactIds: a.contactIds,
      })),
    );
    const latest = new Map<string, Date>();
    for (const a of creates)
      for (const id of a.contactIds) {
        const at = new Date(a.input.occurredAt);
        const before = latest.get(id);
        if (!before || before < at) latest.set(id, at);
      }
    await touchLastActivities(tx, latest);
    await recordNewFindings(
      tx,
      inserted.map((r, i) => ({
        target: { activityId: r.id },
        scanned: creates[i]!.scanned,
      })),
    );
    const subjectOf = new Map(found.map((f) => [f.row.id, f.row.subjectId]));
    await recordAudit(tx, options.keys, ctx, {
      action: 'activity.import',
      entityType: 'import',
      entityId: row.id,
      subjectIds: [...new Set(creates.flatMap((a) => a.contactIds.map((id) => subjectOf.get(id)!)))],
    });
  }
  await recordBatch(tx, row.id, {
    rows: batch.rows,
    created: creates.length,
    updated: 0,
    skipped: known.length - creates.length,
    failed: new Set(errors.map((e) => e.row)).size,
    errors: errors.sort((a, b) => a.row - b.row),
  });
}
