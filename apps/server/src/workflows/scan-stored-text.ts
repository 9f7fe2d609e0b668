import type { Logger } from 'pino';
import { openActivities, scanActivityRows } from '../modules/activities/index.js';
import { type ContactDeps, listContactRows, openContacts } from '../modules/contacts/index.js';
import {
  advanceScan,
  findActiveScan,
  finishScan,
  recordContactFindings,
  recordFindings,
  type ScanPhase,
  startScan,
} from '../modules/scanner/index.js';
import { openTasks, scanTaskRows } from '../modules/tasks/index.js';
import { transaction } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs.js';

export const scanQueue = 'scanner-scan';
const phases: readonly ScanPhase[] = ['activities', 'tasks', 'contacts'];
/** The lowest uuid: a position at a time with it re-reads that whole second's records (harmlessly). */
const firstId = '00000000-0000-0000-0000-000000000000';

interface Batch {
  scanned: number;
  withFindings: number;
  last: { at: Date; id: string } | null;
}

/** One batch of a phase, scanned in one transaction with its progress. */
async function scanBatch(
  deps: ContactDeps,
  scanId: string,
  phase: ScanPhase,
  after: { at: string; id: string } | null,
  size: number,
): Promise<Batch> {
  return transaction(deps.db, async (tx) => {
    let batch: Batch = { scanned: 0, withFindings: 0, last: null };
    if (phase === 'activities') {
      const rows = await scanActivityRows(tx, after, size);
      for (const a of await openActivities(tx, deps.subjects, rows))
        if (
          await recordFindings(tx, { activityId: a.row.id }, { subject: a.text.subject, body: a.text.body })
        )
          batch.withFindings++;
      const last = rows[rows.length - 1];
      batch = { ...batch, scanned: rows.length, last: last ? { at: last.createdAt, id: last.id } : null };
    } else if (phase === 'tasks') {
      const rows = await scanTaskRows(tx, after, size);
      for (const t of await openTasks(tx, deps.subjects, rows))
        if (await recordFindings(tx, { taskId: t.row.id }, { title: t.title })) batch.withFindings++;
      const last = rows[rows.length - 1];
      batch = { ...batch, scanned: rows.length, last: last ? { at: last.createdAt, id: last.id } : null };
    } else {
      const rows = await listContactRows(tx, {
        limit: size,
        sort: { key: 'createdAt', direction: 'asc' },
        after,
      });
      for (const c of await openContacts(tx, deps, rows))
        if (await recordContactFindings(tx, c.row.id, c.personal.customFields)) batch.withFindings++;
      const last = rows[rows.length - 1];
      batch = { ...batch, scanned: rows.length, last: last ? { at: last.createdAt, id: last.id } : null };
    }
    if (batch.last)
      await advanceScan(tx, scanId, {
        phase,
        positionAt: batch.last.at,
        scanned: batch.scanned,
        withFindings: batch.withFindings,
      });
    return batch;
  });
}

/**
 * Scans the text already stored — activities' subjects and bodies, task titles, contacts' custom fields —
 * with the same scanner as on write, in batches that each commit their findings with the scan's progress.
 * Interrupted, the scan resumes from the creation time it had reached.
 */
export async function runStoredTextScan(
  deps: ContactDeps,
  options: { batchSize?: number } = {},
): Promise<void> {
  const size = options.batchSize ?? 200;
  let scan = await findActiveScan(deps.db);
  if (!scan) return;
  if (scan.status === 'queued') scan = await startScan(deps.db, scan.id);
  try {
    for (const phase of phases.slice(phases.indexOf(scan.phase as ScanPhase))) {
      let after =
        phase === scan.phase && scan.positionAt ? { at: scan.positionAt.toISOString(), id: firstId } : null;
      for (;;) {
        const batch = await scanBatch(deps, scan.id, phase, after, size);
        if (!batch.last) break;
        after = { at: batch.last.at.toISOString(), id: batch.last.id };
      }
    }
    await finishScan(deps.db, scan.id, 'completed');
  } catch (err) {
    await finishScan(deps.db, scan.id, 'failed');
    throw err;
  }
}

export async function queueStoredTextScan(jobs: JobQueue): Promise<void> {
  await jobs.send(scanQueue, {});
}

/** The scan job, and at start-up the resumption of a scan cut off by a restart. */
export async function startScanWorker(jobs: JobQueue, deps: ContactDeps, log: Logger): Promise<void> {
  await jobs.createQueue(scanQueue, { name: scanQueue, policy: 'singleton' });
  await jobs.work(scanQueue, { pollingIntervalSeconds: 1 }, async () => {
    await runStoredTextScan(deps);
    log.info('stored text scan finished');
  });
  if (await findActiveScan(deps.db)) await queueStoredTextScan(jobs);
}
