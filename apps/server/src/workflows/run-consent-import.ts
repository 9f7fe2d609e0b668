import type { ConsentImportField } from '@custodian/contracts';
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
import type { Tx } from '../platform/db/database.js';
import {
  type Columns,
  checkNotice,
  type NoticeCache,
  type ParsedEvent,
  type PreparedEvent,
  parseRow,
} from './consent-import-row.js';
import {
  type CsvRow,
  columnsOf,
  type ImportJob,
  type ImportJobOptions,
  runImportJob,
  yieldToWrites,
} from './import-job.js';

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
