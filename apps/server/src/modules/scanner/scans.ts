import type { ScannerScan } from '@custodian/contracts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { scannerScans } from './schema.js';

export type ScanRow = typeof scannerScans.$inferSelect;
export type ScanPhase = ScannerScan['phase'];

export const presentScan = (row: ScanRow): ScannerScan => ({
  id: row.id,
  status: row.status as ScannerScan['status'],
  queuedAt: row.queuedAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  total: row.total,
  // A resumed scan may read again the records of the second it stopped at.
  scanned: Math.min(row.scanned, row.total),
  withFindings: row.withFindings,
  phase: row.phase as ScanPhase,
});

/** The scan queued or running, if any. */
export async function findActiveScan(ex: Executor): Promise<ScanRow | null> {
  const [row] = await ex
    .select()
    .from(scannerScans)
    .where(inArray(scannerScans.status, ['queued', 'running']));
  return row ?? null;
}

/** Queues a scan, or returns the one already queued or running; `enqueue` hands it to the job queue. */
export async function requestScan({
  db,
  keys,
  ctx,
  enqueue,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  enqueue: () => Promise<void>;
}): Promise<ScannerScan> {
  assertPermission(ctx.actor, 'requests:manage');
  const { row, created } = await transaction(db, async (tx) => {
    const active = await findActiveScan(tx);
    if (active) return { row: active, created: false };
    const [inserted] = await tx
      .insert(scannerScans)
      .values({
        status: 'queued',
        startedBy: ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null,
      })
      .onConflictDoNothing()
      .returning();
    // Another request queued one in between: that one it is.
    const scan = inserted ?? (await findActiveScan(tx));
    await recordAudit(tx, keys, ctx, {
      action: 'scanner.scan.request',
      entityType: 'scannerScan',
      entityId: scan!.id,
    });
    return { row: scan!, created: inserted !== undefined };
  });
  try {
    await enqueue();
  } catch (err) {
    // A scan that no job will run must not stay queued (it would block the next request's scan): the one this
    // request created goes again, unless a worker already took it.
    if (created)
      await db
        .delete(scannerScans)
        .where(and(eq(scannerScans.id, row.id), eq(scannerScans.status, 'queued')));
    throw err;
  }
  return presentScan(row);
}

export async function listScans({
  db,
  ctx,
}: {
  db: Db;
  ctx: RequestContext;
}): Promise<{ items: ScannerScan[] }> {
  assertPermission(ctx.actor, 'requests:read');
  const rows = await db.select().from(scannerScans).orderBy(desc(scannerScans.queuedAt)).limit(20);
  return { items: rows.map(presentScan) };
}

/** Marks a queued scan as running, counting what there is to scan. */
export async function startScan(ex: Executor, id: string): Promise<ScanRow> {
  const [counts] = await queryRows<{ n: number }>(
    ex,
    sql`select ((select count(*) from activities) + (select count(*) from tasks) + (select count(*) from contacts))::int as n`,
  );
  const [row] = await ex
    .update(scannerScans)
    .set({ status: 'running', startedAt: new Date(), total: Number(counts?.n ?? 0) })
    .where(eq(scannerScans.id, id))
    .returning();
  return row!;
}

/** Records a batch's progress, in the batch's transaction. */
export async function advanceScan(
  ex: Executor,
  id: string,
  progress: { phase: ScanPhase; positionAt: Date | null; scanned: number; withFindings: number },
): Promise<void> {
  await ex
    .update(scannerScans)
    .set({
      phase: progress.phase,
      positionAt: progress.positionAt,
      scanned: sql`${scannerScans.scanned} + ${progress.scanned}`,
      withFindings: sql`${scannerScans.withFindings} + ${progress.withFindings}`,
    })
    .where(eq(scannerScans.id, id));
}

export async function finishScan(ex: Executor, id: string, status: 'completed' | 'failed'): Promise<ScanRow> {
  const [row] = await ex
    .update(scannerScans)
    .set({ status, finishedAt: new Date() })
    .where(eq(scannerScans.id, id))
    .returning();
  return row!;
}
