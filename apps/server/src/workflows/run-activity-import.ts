import { type ActivityImportField, activityFieldsSchema } from '@custodian/contracts';
import { z } from 'zod';
import { contactEntity, indexOf } from '../catalog/index.js';
import { findActivityMoments, insertActivitiesBatch } from '../modules/activities/index.js';
import { recordAudit } from '../modules/audit/index.js';
import { findContactsByEmailTokens, touchLastActivities } from '../modules/contacts/index.js';
import { type ImportError, type ImportRow, recordBatch } from '../modules/imports/index.js';
import { recordNewFindings } from '../modules/scanner/index.js';
import {
  type CsvRow,
  cellOf,
  columnsOf,
  type ImportJobOptions,
  instantOf,
  runImportJob,
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
  return runImportJob(options, async (tx, { row, ctx, rows }) => {
    const columns = columnsOf<ActivityImportField>(row.mapping);
    const errors: ImportError[] = [];
    const prepared: PreparedActivity[] = [];
    for (const r of rows) {
      const result = prepare(r, columns, emailToken);
      if (Array.isArray(result)) errors.push(...result.slice(0, 5));
      else prepared.push(result);
    }

    // The people, by the blind index of their e-mail addresses.
    const tokens = [...new Set(prepared.flatMap((p) => p.people.map((x) => x.token)))];
    const found = await findContactsByEmailTokens(
      tx,
      tokens.map((t) => BigInt(t)),
    );
    const byToken = new Map<string, { id: string; subjectId: string }>();
    for (const f of found) for (const t of f.tokens) if (!byToken.has(t)) byToken.set(t, f.row);
    const known: (PreparedActivity & { contactIds: string[] })[] = [];
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
          text: { subject: a.input.subject ?? null, body: a.input.body ?? null },
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
          texts: { subject: creates[i]!.input.subject ?? null, body: creates[i]!.input.body ?? null },
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
      rows: rows.length,
      created: creates.length,
      updated: 0,
      skipped: known.length - creates.length,
      failed: new Set(errors.map((e) => e.row)).size,
      errors: errors.sort((a, b) => a.row - b.row),
    });
  });
}
