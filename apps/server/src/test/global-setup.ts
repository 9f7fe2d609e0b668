import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../platform/db/database.js';
import { migrateDatabase } from '../platform/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL runs: a migrated template database each test file copies. */
    pgTemplate: string | null;
    /** Embedded runs: a dump of a migrated PGlite each test file loads into memory. */
    pgliteTemplate: string | null;
  }
}

export function databaseUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Migrates once per run, so each test file starts from a copy instead of re-running migrations. */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `custodian_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await admin.end();
    const database = await openPostgres(databaseUrlFor(url, template), { max: 1 });
    await migrateDatabase(database);
    await database.close();
    project.provide('pgTemplate', template);
    project.provide('pgliteTemplate', null);
    return async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${template} with (force)`);
      await client.end();
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-tpl-'));
  const database = await openPglite(null);
  await migrateDatabase(database);
  if (database.driver.kind !== 'pglite') throw new Error('unreachable');
  const dump = await database.driver.client.dumpDataDir('none');
  await database.close();
  const file = path.join(dir, 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgTemplate', null);
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
