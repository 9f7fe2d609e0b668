import type { Import } from '@custodian/contracts';
import type { ImportRow } from './repository.js';

export function presentImport(row: ImportRow): Import {
  return {
    id: row.id,
    kind: row.kind as Import['kind'],
    status: row.status as Import['status'],
    dryRun: row.dryRun,
    source: row.source,
    lawfulBasis: row.lawfulBasis as Import['lawfulBasis'],
    onDuplicate: row.onDuplicate as Import['onDuplicate'],
    mapping: row.mapping,
    totalRows: row.totalRows,
    rowsDone: row.rowsDone,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    errors: row.errors,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
