import type { Db } from '../../platform/db/database.js';
import { transaction } from '../../platform/db/database.js';
import type { ContactDeps } from '../contacts/index.js';
import { deleteChunks, findAbandonedUploads, updateImport } from './repository.js';

/**
 * An upload that never finished leaves chunks of personal data behind: after `graceMs` they are deleted, the
 * import's key destroyed and the import marked failed. Run by the import worker at start and every hour.
 */
export async function discardAbandonedUploads(
  db: Db,
  subjects: ContactDeps['subjects'],
  options: { graceMs?: number; now?: Date } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const stale = await findAbandonedUploads(db, new Date(now.getTime() - (options.graceMs ?? 3_600_000)));
  for (const upload of stale)
    await transaction(db, async (tx) => {
      await deleteChunks(tx, upload.id);
      await updateImport(tx, upload.id, { status: 'failed', finishedAt: now });
      if (upload.subjectId) await subjects.shred(tx, upload.subjectId);
    });
  return stale.length;
}
