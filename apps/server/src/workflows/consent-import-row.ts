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
import type { ImportError } from '../modules/imports/index.js';
import { findNotice, findNoticeVersion, noticeInUseSince } from '../modules/notices/index.js';
import type { Executor } from '../platform/db/database.js';
import { type CsvRow, cellOf, instantOf } from './import-job.js';

/**
 * A consent import's rows: read and checked without the database (\`parseRow\`, before the batch's transaction),
 * then against the notice they name (\`checkNotice\`, in it).
 */

export type Columns = Partial<Record<ConsentImportField, string>>;

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

export interface PreparedEvent {
  rowNumber: number;
  input: RowInput;
  token: string;
  notice: Notice | null;
}

/** Notices named by the file, looked up once per import run: by id, or by `key@version`. */
export type NoticeCache = Map<string, Notice | null>;

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
export interface ParsedEvent {
  rowNumber: number;
  input: RowInput;
  token: string;
  /** Found before the notice is checked; the row is refused, with the notice's own errors added. */
  errors: ImportError[];
}

/** A CSV row read and checked as far as it can be without the notices, or the errors that keep it out. */
export function parseRow(
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

/**
 * A read row as a ledger event, once its notice is checked: a consent given or refused rests on the notice
 * shown, which must cover the purpose, in the language named, and have been in use then. Else the errors
 * (row and column, never the value) that keep it out.
 */
export async function checkNotice(
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
