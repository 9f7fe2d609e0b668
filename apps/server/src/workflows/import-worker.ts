import type { Logger } from 'pino';
import type { ContactDeps } from '../modules/contacts/index.js';
import { discardAbandonedUploads, findUnfinishedImports } from '../modules/imports/index.js';
import type { JobQueue } from '../platform/jobs.js';
import { runImport } from './run-import.js';

export const importQueue = 'import-contacts';

/** The import worker of this process, per queue: woken when this process queues an import. */
const localWorkers = new WeakMap<JobQueue, string>();

/**
 * Queues an import for the workers (one job per import: a second send for the same import is dropped), and
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
export async function startImportWorker(jobs: JobQueue, deps: ContactDeps, log: Logger): Promise<void> {
  await jobs.createQueue(importQueue, { name: importQueue, policy: 'stately' });
  const worker = await jobs.work<{ importId: string }>(
    importQueue,
    { pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const result = await runImport({ ...deps, importId: job.data.importId });
      log.info({ importId: job.data.importId, status: result?.status }, 'import finished');
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
