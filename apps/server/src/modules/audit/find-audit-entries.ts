import type { AuditEntry, listAuditQuery } from '@custodian/contracts';
import { and, arrayContains, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from './record-audit.js';
import { auditEntries } from './schema.js';

type Filters = z.output<typeof listAuditQuery>;

/** Newest first, keyset-paginated by id. Reading the trail is itself audited. */
export async function findAuditEntries(options: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  filters: Filters;
}): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { db, keys, ctx, filters: f } = options;
  assertPermission(ctx.actor, 'audit:read');
  const after = decodeCursor(f.cursor, ['number']);
  const conditions: (SQL | undefined)[] = [
    after ? lt(auditEntries.id, after[0] as number) : undefined,
    f.actorId ? eq(auditEntries.actorId, f.actorId) : undefined,
    f.tokenId ? eq(auditEntries.tokenId, f.tokenId.toLowerCase()) : undefined,
    f.action ? eq(auditEntries.action, f.action) : undefined,
    f.entityType ? eq(auditEntries.entityType, f.entityType) : undefined,
    f.entityId ? eq(auditEntries.entityId, f.entityId) : undefined,
    f.subjectId ? arrayContains(auditEntries.subjectIds, [f.subjectId.toLowerCase()]) : undefined,
    f.outcome ? eq(auditEntries.outcome, f.outcome) : undefined,
    f.from ? gte(auditEntries.occurredAt, new Date(f.from)) : undefined,
    f.to ? lte(auditEntries.occurredAt, new Date(f.to)) : undefined,
  ];
  return transaction(db, async (tx) => {
    const rows = await tx
      .select()
      .from(auditEntries)
      .where(and(...conditions))
      .orderBy(desc(auditEntries.id))
      .limit(f.limit + 1);
    const page = rows.slice(0, f.limit);
    await recordAudit(tx, keys, ctx, {
      action: 'audit.list',
      entityType: 'audit_entry',
      subjectIds: f.subjectId ? [f.subjectId] : [],
    });
    return {
      items: page.map((r) => ({
        id: String(r.id),
        seq: r.seq === null ? null : String(r.seq),
        occurredAt: r.occurredAt.toISOString(),
        actorType: r.actorType as AuditEntry['actorType'],
        actorId: r.actorId,
        action: r.action,
        entityType: r.entityType,
        entityId: r.entityId,
        subjectIds: r.subjectIds,
        purpose: r.purpose,
        requestId: r.requestId,
        outcome: r.outcome as AuditEntry['outcome'],
        tokenId: r.tokenId,
        access: r.access as AuditEntry['access'],
        categories: r.categories as AuditEntry['categories'],
        hash: r.hash ? r.hash.toString('hex') : null,
      })),
      nextCursor: rows.length > f.limit && page.length > 0 ? encodeCursor([page[page.length - 1]!.id]) : null,
    };
  });
}

/** The id of the entry recorded for a record (e.g. the one carrying a certificate's hash), if any. */
export async function findAuditEntryId(
  ex: Executor,
  entityType: string,
  entityId: string,
): Promise<number | null> {
  const [row] = await ex
    .select({ id: auditEntries.id })
    .from(auditEntries)
    .where(and(eq(auditEntries.entityType, entityType), eq(auditEntries.entityId, entityId)))
    .orderBy(desc(auditEntries.id))
    .limit(1);
  return row?.id ?? null;
}

/** Every entry naming a person, oldest first: the "who accessed my data" part of an access package. */
export async function auditEntriesOfSubject(ex: Executor, subjectId: string, limit = 10_000) {
  return ex
    .select({
      occurredAt: auditEntries.occurredAt,
      action: auditEntries.action,
      actorType: auditEntries.actorType,
      actorId: auditEntries.actorId,
      entityId: auditEntries.entityId,
      purpose: auditEntries.purpose,
      categories: auditEntries.categories,
    })
    .from(auditEntries)
    .where(arrayContains(auditEntries.subjectIds, [subjectId.toLowerCase()]))
    .orderBy(auditEntries.id)
    .limit(limit);
}
