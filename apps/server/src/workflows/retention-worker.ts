import type { Logger } from 'pino';
import type { ContactDeps } from '../modules/contacts/index.js';
import { findRunningRun } from '../modules/retention/index.js';
import { systemContext } from '../platform/access.js';
import type { RetentionConfig } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs.js';
import { runRetentionSweep } from './run-retention.js';

export const retentionQueue = 'retention-sweep';

/** Queues a sweep now; one queued while another runs finds the sweep's lock taken and is skipped. */
export async function queueRetentionSweep(jobs: JobQueue): Promise<void> {
  await jobs.send(retentionQueue, {});
}

/**
 * The scheduled sweep (RETENTION_SCHEDULE, daily by default), taken by whichever server gets the job. A run
 * cut off by a crash or a restart is resumed at start-up rather than at the next schedule.
 */
export async function startRetentionWorker(
  jobs: JobQueue,
  deps: ContactDeps & { database: Database },
  config: RetentionConfig,
  log: Logger,
): Promise<void> {
  // One sweep at a time is the sweep's own lock's work (runRetentionSweep), not the queue's: under the singleton
  // policy, the job of a process killed mid-sweep stayed "active" until it expired (15 minutes), and held back
  // the resumption queued below. Queues made under the old policy are moved to the standard one.
  await jobs.createQueue(retentionQueue, { name: retentionQueue, policy: 'standard' });
  await jobs.updateQueue(retentionQueue, { name: retentionQueue, policy: 'standard' });
  if (config.schedule) await jobs.schedule(retentionQueue, config.schedule);
  else await jobs.unschedule(retentionQueue);
  await jobs.work(retentionQueue, async () => {
    const run = await runRetentionSweep(
      { ...deps, ctx: systemContext('retention') },
      { origin: 'schedule', batchSize: config.batchSize },
    );
    // Counts and ids of policies only: never a record's id or content.
    if (run)
      log.info({ runId: run.id, batches: run.batches, policies: run.policies }, 'retention sweep finished');
    else log.info('retention sweep skipped: another one is running');
  });
  if (await findRunningRun(deps.db)) await queueRetentionSweep(jobs);
}
