import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * A backup of the embedded database is one file: a magic line, one line of JSON (the manifest), then the
 * data directory as a gzipped tarball (PGlite's dumpDataDir). The manifest lets a restore refuse a file
 * before touching anything: wrong master key, newer schema, damaged payload. The master key is never in it,
 * only its id.
 */
const magic = 'CUSTODIAN-BACKUP 1\n';
/** The manifest line is small; a file whose first bytes hold no newline within this is not a backup. */
const maxManifestBytes = 64 * 1024;

export const backupManifest = z.object({
  format: z.literal('custodian-backup'),
  formatVersion: z.literal(1),
  custodianVersion: z.string(),
  createdAt: z.iso.datetime(),
  engine: z.literal('pglite'),
  postgresVersion: z.string(),
  migrations: z.object({
    count: z.number().int().nonnegative(),
    /** The newest migration applied: drizzle's folder timestamp (ms) and tag. */
    lastCreatedAt: z.number().int().nonnegative(),
    lastTag: z.string().nullable(),
  }),
  /** The id of the master key the data is written under, never the key. */
  masterKeyId: z.string().regex(/^[0-9a-f]{16}$/),
  counts: z.object({
    contacts: z.number().int().nonnegative(),
    dataSubjects: z.number().int().nonnegative(),
    suppressionEntries: z.number().int().nonnegative(),
    auditEntries: z.number().int().nonnegative(),
  }),
  payload: z.object({
    encoding: z.literal('tar+gzip'),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
export type BackupManifest = z.infer<typeof backupManifest>;

/** The file is not a backup this version can read, or it is damaged. The message never quotes the file. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFileError';
  }
}

export const payloadDigest = (payload: Uint8Array) => createHash('sha256').update(payload).digest('hex');

/** Writes the backup next to `file` and renames it into place: a crash leaves the old file or the new one. */
export function writeBackupFile(file: string, manifest: BackupManifest, payload: Uint8Array): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, magic);
    fs.writeSync(fd, `${JSON.stringify(manifest)}\n`);
    fs.writeSync(fd, payload);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, file);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Reads and checks a backup file: format, manifest and payload digest. */
export function readBackupFile(file: string): { manifest: BackupManifest; payload: Buffer } {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new BackupFileError(`No such file: ${file}`);
  const content = fs.readFileSync(file);
  const notBackup = new BackupFileError(
    `${file} is not a Custodian backup (made with \`custodian backup\`): nothing was changed`,
  );
  if (!content.subarray(0, magic.length).equals(Buffer.from(magic))) {
    if (content.subarray(0, 16).toString('latin1').startsWith('CUSTODIAN-BACKUP'))
      throw new BackupFileError(`${file} is a backup format this version of Custodian does not know`);
    throw notBackup;
  }
  const end = content.indexOf(0x0a, magic.length);
  if (end < 0 || end - magic.length > maxManifestBytes) throw notBackup;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.subarray(magic.length, end).toString('utf8'));
  } catch {
    throw notBackup;
  }
  const manifest = backupManifest.safeParse(parsed);
  if (!manifest.success) throw notBackup;
  const payload = content.subarray(end + 1);
  if (
    payload.length !== manifest.data.payload.bytes ||
    payloadDigest(payload) !== manifest.data.payload.sha256
  )
    throw new BackupFileError(
      `${file} is damaged (its data does not match its checksum; truncated or altered): nothing was changed`,
    );
  return { manifest: manifest.data, payload };
}
