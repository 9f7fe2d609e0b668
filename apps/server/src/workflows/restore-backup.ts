import fs from 'node:fs';
import path from 'node:path';
import { recordAudit } from '../modules/audit/index.js';
import { subjectKeysFor } from '../modules/subjects/index.js';
import {
  type ExportedSuppression,
  exportSuppressionList,
  restoreSuppressionEntries,
} from '../modules/suppressions/index.js';
import type { RequestContext } from '../platform/access.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import type { KeyRing } from '../platform/crypto/keys.js';
import { type BackupManifest, readBackupFile } from '../platform/db/backup-file.js';
import { type Database, EmbeddedDatabaseStartError, openPglite } from '../platform/db/database.js';
import { acquireDataDirLock } from '../platform/db/lock.js';
import { knownMigrations } from './backup-database.js';
import { type ReapplyReport, reapplySuppressions } from './reapply-suppressions.js';

/** A restore refused before anything changed. The message is one line, naming key ids and paths only. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** Where the database that was replaced now lies, or null if there was none. */
  movedAside: string | null;
  migrationsAfter: number;
  /** `replacedUnreadable`: the database being replaced did not start, so its list could not be carried over. */
  suppression: { fromReplaced: number; fromExport: number; added: number; replacedUnreadable: boolean };
  reapply: ReapplyReport;
}

const hasDatabase = (dir: string) => fs.existsSync(path.join(dir, 'PG_VERSION'));

/**
 * Restores a backup of the embedded database into `dataDir`, in this order so that a refusal or a failure
 * changes nothing: the file and its manifest are checked (master key, schema version); the data directory is
 * locked (refused while a server holds it); the suppression list of the database being replaced is read; the
 * backup is unpacked beside it, migrated, given the missing suppression entries, and everyone listed for an
 * erasure is erased again (with certificates). Only then is the old directory moved aside and the new one
 * moved into its place.
 */
export async function restoreBackup(options: {
  dataDir: string;
  file: string;
  /** The master key given (with its retired keys), checked against the backup's before anything is done. */
  keys: KeyRing;
  /** Entries of a `custodian suppression export`, for when the database being replaced is lost. */
  suppressionExport: readonly ExportedSuppression[] | null;
  /** False: restore without any suppression list to carry over (people erased since may come back). */
  suppressionCheck: boolean;
  /** Replace an existing database (it is moved aside, never deleted). */
  force: boolean;
  /** Applies migrations and the key check to the restored database; returns the key ring to write under. */
  prepare: (database: Database) => Promise<KeyRing>;
  ctx: RequestContext;
  now?: Date;
}): Promise<RestoreReport> {
  const { dataDir, file, keys } = options;
  const { manifest, payload } = readBackupFile(file);
  if (!keys.ring(manifest.masterKeyId))
    throw new RestoreRefusedError(
      `The backup was written under master key ${manifest.masterKeyId}, but the key given (CUSTODIAN_MASTER_KEY or the key file, retired keys included) is ${keys.masterKeyId}: restore with the key the backup was made under. Nothing was changed.`,
    );
  const known = knownMigrations();
  if (manifest.migrations.count > known.count || manifest.migrations.lastCreatedAt > known.lastCreatedAt)
    throw new RestoreRefusedError(
      `The backup comes from a newer Custodian (${manifest.custodianVersion}, ${manifest.migrations.count} migrations; this version knows ${known.count}): upgrade Custodian first. Nothing was changed.`,
    );

  const dirExisted = fs.existsSync(dataDir);
  const lock = acquireDataDirLock(dataDir);
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const staging = `${dataDir}.restoring-${stamp}`;
  let swapped = false;
  try {
    const current = hasDatabase(dataDir);
    if (current && !options.force)
      throw new RestoreRefusedError(
        `${dataDir} holds a database: the restore replaces it (it is moved aside, not deleted). Add --force to go on.`,
      );
    if (!current && !options.suppressionExport && options.suppressionCheck)
      throw new RestoreRefusedError(
        'There is no current database to take the suppression list from: people erased after the backup was taken would come back. Give --suppression FILE (an export made with `custodian suppression export`), or --no-suppression-check if nobody was erased since.',
      );
    // A damaged database (the reason for many a restore) is replaced all the same, once the caller has said where
    // the suppression list comes from instead: an export, or --no-suppression-check.
    let replacedUnreadable = false;
    const fromReplaced = current
      ? await readSuppressionList(dataDir).catch((err: unknown) => {
          if (!(err instanceof EmbeddedDatabaseStartError)) throw err;
          if (!options.suppressionExport && options.suppressionCheck)
            throw new RestoreRefusedError(
              `The database in ${dataDir} does not start, so its suppression list cannot be carried over: people erased after the backup was taken would come back. Give --suppression FILE (an export made with \`custodian suppression export\`), or --no-suppression-check if nobody was erased since. Nothing was changed.`,
            );
          replacedUnreadable = true;
          return [];
        })
      : [];
    const fromExport = options.suppressionExport ?? [];

    fs.mkdirSync(staging, { mode: 0o700 });
    const restored = await unpack(staging, payload).catch((err: unknown) => {
      throw err instanceof Error && /tar|gzip|header|incorrect/i.test(err.message)
        ? new RestoreRefusedError(`${file} could not be unpacked: nothing was changed`)
        : err;
    });
    let report: Omit<RestoreReport, 'movedAside' | 'manifest'>;
    try {
      const ring = await options.prepare(restored);
      const deps = { db: restored.db, keys: ring, subjects: subjectKeysFor(ring), indexer: indexerFor(ring) };
      const added = await restoreSuppressionEntries(restored.db, [...fromReplaced, ...fromExport]);
      await recordAudit(restored.db, ring, options.ctx, { action: 'backup.restore', entityType: 'backup' });
      const reapply = await reapplySuppressions({ ...deps, ctx: options.ctx });
      report = {
        migrationsAfter: known.count,
        suppression: {
          fromReplaced: fromReplaced.length,
          fromExport: fromExport.length,
          added,
          replacedUnreadable,
        },
        reapply,
      };
    } finally {
      await restored.close();
    }
    // The tarball carries the lock file of the process that took the backup.
    fs.rmSync(path.join(staging, 'custodian.lock'), { force: true });

    let movedAside: string | null = null;
    if (fs.readdirSync(dataDir).some((name) => name !== 'custodian.lock')) {
      movedAside = `${dataDir}.before-restore-${stamp}`;
      fs.renameSync(dataDir, movedAside);
    } else fs.rmSync(dataDir, { recursive: true, force: true });
    try {
      fs.renameSync(staging, dataDir);
    } catch (err) {
      // Put the old database back where it was: the restore did not happen.
      if (movedAside) fs.renameSync(movedAside, dataDir);
      throw err;
    }
    swapped = true;
    if (movedAside) fs.rmSync(path.join(movedAside, 'custodian.lock'), { force: true });
    return { manifest, movedAside, ...report };
  } finally {
    if (!swapped) {
      fs.rmSync(staging, { recursive: true, force: true });
      lock.release();
      if (!dirExisted) fs.rmSync(dataDir, { recursive: true, force: true });
    } else lock.release();
  }
}

/** The suppression list of the database about to be replaced (its lock is held by the caller). */
async function readSuppressionList(dataDir: string): Promise<ExportedSuppression[]> {
  const database = await openPglite(dataDir, { lockHeld: true });
  try {
    return await exportSuppressionList(database.db);
  } finally {
    await database.close();
  }
}

/** The backup's data directory, unpacked into `dir` (nobody else knows the directory: no lock needed). */
function unpack(dir: string, payload: Buffer): Promise<Database> {
  return openPglite(dir, { lockHeld: true, loadDataDir: new Blob([new Uint8Array(payload)]) });
}
