import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type Database, queryRows } from './database.js';

/** apps/server/drizzle, from both src/platform/db (tests) and dist/platform/db (built). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Applies pending migrations; a no-op when the database is current. Safe with several servers starting at once. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.driver.kind === 'pglite') {
    await migratePglite(drizzlePglite(database.driver.client), { migrationsFolder });
    return;
  }
  // One dedicated connection holds an advisory lock so that two servers starting together migrate once.
  const client = new pg.Client({ connectionString: database.driver.url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['custodian.migrations']);
    await migrateNodePg(drizzleNodePg(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['custodian.migrations']).catch(() => {});
    await client.end();
  }
}

export interface MigrationStatus {
  applied: number;
  available: number;
  current: boolean;
}

export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const files = readMigrationFiles({ migrationsFolder });
  const latest = Math.max(0, ...files.map((f) => f.folderMillis));
  const exists = await queryRows<{ present: boolean }>(
    database.db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists[0]?.present) return { applied: 0, available: files.length, current: files.length === 0 };
  const rows = await queryRows<{ applied: number; last: number | null }>(
    database.db,
    sql`select count(*)::int as applied, max(created_at)::float8 as last from drizzle.__drizzle_migrations`,
  );
  const applied = Number(rows[0]?.applied ?? 0);
  const last = Number(rows[0]?.last ?? 0);
  return { applied, available: files.length, current: last >= latest };
}
