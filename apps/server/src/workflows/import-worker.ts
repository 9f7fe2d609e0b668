import type { Logger } from 'pino';
import type { ContactDeps } from '../modules/contacts/index.js';
import { discardAbandonedUploads, findUnfinishedImports } from '../modules/imports/index.js';
import type { Database } from '../platform/db/database.js';
import { withExclusiveLock } from '../platform/db/exclusive.js';
import type { JobQueue } from '../platform/jobs.js';
import { runImport } from './run-import.js';

export const importQueue = 'import-contacts';

/** The import worker of this process, per queue: woken when this process queues an import. */
const localWorkers = new WeakMap<JobQueue, string>();

/**
 * Queues an import for the workers (a second job for the same import finds it taken and does nothing), and
 * wakes this process's worker rather than leave the job until its next poll.
 */
export async function enqueueImport(jobs: JobQueue, importId: string): Promise<void> {
  await jobs.send(importQueue, { importId }, { singletonKey: importId, retryLimit: 5, retryBackoff: true });
  const worker = localWorkers.get(jobs);
  if (worker) jobs.notifyWorker(worker);
}

/**
 * Works the import queue on this process, and re-queues imports left unfinished by a crash or restart
 * (resuming is safe: each batch commits with its progress).
 */
export async function startImportWorker(
  jobs: JobQueue,
  deps: ContactDeps & { database: Database },
  log: Logger,
): Promise<void> {
  // Who runs an import is decided by a lock on it, not by the queue: a job that a killed process left
  // "active" stays so until it expires (15 minutes), and under a singleton policy it held the restarted
  // import's job back all that time. Queues made under the old policy are moved to the standard one.
  await jobs.createQueue(importQueue, { name: importQueue, policy: 'standard' });
  await jobs.updateQueue(importQueue, { name: importQueue, policy: 'standard' });
  const worker = await jobs.work<{ importId: string }>(
    importQueue,
    { pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const { importId } = job.data;
      // One runner per import across all servers; a second job for it (a restart's, or one expired and
      // retried while the first still runs) leaves it to the runner.
      const outcome = await withExclusiveLock(deps.database, `import:${importId}`, () =>
        runImport({ ...deps, importId }),
      );
      if (outcome.ran) log.info({ importId, status: outcome.value?.status }, 'import finished');
      else log.info({ importId }, 'import already being run by another worker');
    },
  );
  localWorkers.set(jobs, worker);
  for (const importId of await findUnfinishedImports(deps.db)) await enqueueImport(jobs, importId);
  // Uploads cut off mid-way hold encrypted personal data: swept hourly, by whichever server takes the job.
  await jobs.createQueue(sweepQueue, { name: sweepQueue, policy: 'singleton' });
  await jobs.schedule(sweepQueue, '17 * * * *');
  await jobs.work(sweepQueue, async () => {
    const discarded = await discardAbandonedUploads(deps.db, deps.subjects);
    if (discarded > 0) log.info({ discarded }, 'abandoned import uploads discarded');
  });
}

const sweepQueue = 'import-upload-sweep';
