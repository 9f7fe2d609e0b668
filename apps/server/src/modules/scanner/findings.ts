import type { ScannerFinding } from '@custodian/contracts';
import { and, desc, eq } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { kindsIn } from './detect.js';
import { scannerFindings } from './schema.js';

export type FindingRow = typeof scannerFindings.$inferSelect;
export type FindingTarget = { activityId: string } | { taskId: string };

export const presentFinding = (row: FindingRow): ScannerFinding => ({
  id: row.id,
  entity: row.activityId ? 'activity' : 'task',
  entityId: (row.activityId ?? row.taskId)!,
  field: row.field,
  kinds: row.kinds as ScannerFinding['kinds'],
  foundAt: row.foundAt.toISOString(),
  status: row.status as ScannerFinding['status'],
  reviewedBy: row.reviewedBy,
  reviewedAt: row.reviewedAt?.toISOString() ?? null,
});

const targetOf = (target: FindingTarget) =>
  'activityId' in target
    ? { column: scannerFindings.activityId, id: target.activityId }
    : { column: scannerFindings.taskId, id: target.taskId };

/**
 * Scans the free-text fields of a record as it is written, in the write's transaction: a field with
 * personal data gets (or keeps) a finding with the kinds found, open again for review if they changed; a
 * field without any loses its finding. Only kinds are stored.
 */
export async function recordFindings(
  ex: Executor,
  target: FindingTarget,
  texts: Readonly<Record<string, string | null>>,
): Promise<void> {
  const { column, id } = targetOf(target);
  for (const [field, text] of Object.entries(texts)) {
    const kinds = text ? kindsIn(text).sort() : [];
    const [existing] = await ex
      .select()
      .from(scannerFindings)
      .where(and(eq(column, id), eq(scannerFindings.field, field)));
    if (kinds.length === 0) {
      if (existing) await ex.delete(scannerFindings).where(eq(scannerFindings.id, existing.id));
      continue;
    }
    if (existing && existing.kinds.join() === kinds.join()) continue;
    const values = { field, kinds, foundAt: new Date(), status: 'open', reviewedBy: null, reviewedAt: null };
    if (existing) await ex.update(scannerFindings).set(values).where(eq(scannerFindings.id, existing.id));
    else await ex.insert(scannerFindings).values({ ...values, ...target });
  }
}

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

export async function listFindings({
  db,
  keys,
  ctx,
  query,
}: Deps & { query: { status: ScannerFinding['status']; limit: number } }) {
  assertPermission(ctx.actor, 'requests:read');
  const rows = await db
    .select()
    .from(scannerFindings)
    .where(eq(scannerFindings.status, query.status))
    .orderBy(desc(scannerFindings.foundAt), desc(scannerFindings.id))
    .limit(query.limit);
  await recordAudit(db, keys, ctx, { action: 'scanner.findings.list', entityType: 'scannerFinding' });
  return { items: rows.map(presentFinding) };
}

export async function findFinding(ex: Executor, id: string, options: { forUpdate?: boolean } = {}) {
  const query = ex.select().from(scannerFindings).where(eq(scannerFindings.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

/** Closes a finding as reviewed: dismissed (acceptable) or redacted (by the redaction workflow). */
export async function closeFinding(
  ex: Executor,
  keys: KeyRing,
  ctx: RequestContext,
  id: string,
  status: 'dismissed' | 'redacted',
): Promise<ScannerFinding> {
  const staff = assertStaff(ctx.actor);
  const row = await findFinding(ex, id, { forUpdate: true });
  if (!row) throw notFound('finding');
  if (row.status !== 'open') throw new AppError('conflict', `The finding was already ${row.status}`);
  const [updated] = await ex
    .update(scannerFindings)
    .set({ status, reviewedBy: staff.userId, reviewedAt: new Date() })
    .where(eq(scannerFindings.id, id))
    .returning();
  await recordAudit(ex, keys, ctx, {
    action: `scanner.finding.${status}`,
    entityType: 'scannerFinding',
    entityId: id,
  });
  return presentFinding(updated!);
}

export async function dismissFinding({ db, keys, ctx, id }: Deps & { id: string }): Promise<ScannerFinding> {
  assertPermission(ctx.actor, 'requests:manage');
  return transaction(db, (tx) => closeFinding(tx, keys, ctx, id, 'dismissed'));
}
