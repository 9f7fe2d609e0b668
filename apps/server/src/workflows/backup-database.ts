import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { KeyRing } from '../platform/crypto/keys.js';
import { type BackupManifest, payloadDigest, writeBackupFile } from '../platform/db/backup-file.js';
import { type Database, queryRows } from '../platform/db/database.js';
import { migrationsFolder } from '../platform/db/migrate.js';

/** This build's version, from apps/server/package.json (the same path from src/ and dist/). */
export function custodianVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

const journal = () =>
  JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number; tag: string }[];
  };

/** The migrations this build knows: how many, and the newest one's timestamp and tag. */
export function knownMigrations(): BackupManifest['migrations'] {
  const { entries } = journal();
  const last = entries.at(-1);
  return { count: entries.length, lastCreatedAt: last?.when ?? 0, lastTag: last?.tag ?? null };
}

async function appliedMigrations(database: Database): Promise<BackupManifest['migrations']> {
  const [row] = await queryRows<{ count: number; last: number | null }>(
    database.db,
    sql`select count(*)::int as count, max(created_at)::float8 as last from drizzle.__drizzle_migrations`,
  );
  const lastCreatedAt = Number(row?.last ?? 0);
  const lastTag = journal().entries.find((e) => e.when === lastCreatedAt)?.tag ?? null;
  return { count: Number(row?.count ?? 0), lastCreatedAt, lastTag };
}

/**
 * Writes a consistent snapshot of the embedded database to `file`. The caller holds the data directory
 * (its lock), so nothing writes while the files are copied; a checkpoint first makes the copy a clean
 * shutdown state rather than one needing WAL replay.
 */
export async function backupDatabase({
  database,
  keys,
  file,
}: {
  database: Database;
  keys: KeyRing;
  file: string;
}): Promise<BackupManifest> {
  if (database.driver.kind !== 'pglite') throw new Error('Only the embedded database is backed up this way');
  const client = database.driver.client;
  const [counts] = await queryRows<BackupManifest['counts']>(
    database.db,
    sql`select (select count(*)::int from contacts) as "contacts",
               (select count(*)::int from data_subjects) as "dataSubjects",
               (select count(*)::int from suppression_entries) as "suppressionEntries",
               (select count(*)::int from audit_entries) as "auditEntries"`,
  );
  const [version] = await queryRows<{ v: string }>(
    database.db,
    sql`select current_setting('server_version') as v`,
  );
  const migrations = await appliedMigrations(database);
  await client.exec('checkpoint');
  const payload = new Uint8Array(await (await client.dumpDataDir('gzip')).arrayBuffer());
  const manifest: BackupManifest = {
    format: 'custodian-backup',
    formatVersion: 1,
    custodianVersion: custodianVersion(),
    createdAt: new Date().toISOString(),
    engine: 'pglite',
    postgresVersion: version?.v ?? 'unknown',
    migrations,
    masterKeyId: keys.masterKeyId,
    counts: counts!,
    payload: { encoding: 'tar+gzip', bytes: payload.length, sha256: payloadDigest(payload) },
  };
  writeBackupFile(file, manifest, payload);
  return manifest;
}
