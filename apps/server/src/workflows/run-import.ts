import { findImport, type ImportRow } from '../modules/imports/index.js';
import type { ImportJobOptions } from './import-job.js';
import { runActivityImport } from './run-activity-import.js';
import { runConsentImport } from './run-consent-import.js';
import { runContactImport } from './run-contact-import.js';

export { importBatchSize } from './import-job.js';

/**
 * Runs (or resumes) an import of any kind: contacts, activities or consent history. Each kind prepares and
 * writes its batches on the same job machinery (`runImportJob`): every batch commits with its progress, so a
 * restart resumes after the last committed batch; at the end the stored file and its key are destroyed.
 */
export async function runImport(options: ImportJobOptions): Promise<ImportRow | null> {
  const kind = (await findImport(options.db, options.importId))?.kind;
  if (kind === 'activities') return runActivityImport(options);
  if (kind === 'consents') return runConsentImport(options);
  return runContactImport(options);
}
